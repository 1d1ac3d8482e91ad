"""The intake form as Django forms: the household, a formset of members, and for each member a
formset of incomes and one of assets (prefixes ``members-0-incomes``, ``members-0-assets``).

The forms check what a form can (required, choices, sizes); the registry's services check the
rest, and their ``InputError`` paths (``members[1].incomes[0].monthly``) are put back on the form
field they name, counting only the rows the clerk kept (a row ticked for removal is skipped).
"""

from __future__ import annotations

import re

from django import forms
from django.forms import formset_factory
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from safetynet.policy.errors import FieldError, PolicyError
from safetynet.policy.household import ASSET_KINDS, DISABILITY_KINDS, HUKOU, INCOME_KINDS, RELATIONS, VEHICLE_USES
from safetynet.registry.models import (
    ASSET_LABELS,
    DISABILITY_LABELS,
    HUKOU_LABELS,
    INCOME_LABELS,
    RELATION_LABELS,
    TRACKED_FIELDS,
    VEHICLE_USE_LABELS,
    Person,
)
from safetynet.registry.services import MAX_ITEMS, MAX_MEMBERS
from safetynet.site import inputs

GRADES = [("", _("无"))] + [(g, format_lazy(_("{} 级"), g)) for g in range(1, 5)]
MONEY_ATTRS = {"inputmode": "decimal", "placeholder": "0.00", "size": 10}


class HouseholdForm(forms.Form):
    village = forms.ChoiceField(label=_("村居"))
    hukou = forms.ChoiceField(label=_("户籍类别"), choices=[(h, HUKOU_LABELS[h]) for h in reversed(HUKOU)])
    address = forms.CharField(label=_("住址"), max_length=200)
    household_no = forms.CharField(label=_("户口簿户号（可空）"), max_length=32, required=False)
    registered_poor = forms.BooleanField(label=_("建档立卡贫困户"), required=False)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "—")] + [(v.code, f"{v.parent.name} {v.name}") for v in villages]


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, widget=forms.TextInput(attrs={"size": 20}))
    relation = forms.ChoiceField(label=_("与户主关系"), choices=[(r, RELATION_LABELS[r]) for r in RELATIONS],
                                 initial="child")  # fmt: skip
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"size": 13}))
    bank_card = forms.CharField(label=_("银行卡号"), max_length=30, required=False,
                                widget=forms.TextInput(attrs={"size": 22, "inputmode": "numeric"}))  # fmt: skip
    disability_grade = forms.TypedChoiceField(label=_("残疾等级"), choices=GRADES, coerce=int, empty_value=None,
                                              required=False)
    disability_kind = forms.ChoiceField(label=_("残疾类别"), required=False,
                                        choices=[("", "—")] + [(k, DISABILITY_LABELS[k]) for k in DISABILITY_KINDS])
    adl_unmet = forms.IntegerField(label=_("不能完成的日常生活活动项数"), min_value=0, max_value=6, required=False,
                                   widget=forms.NumberInput(attrs={"size": 2}))  # fmt: skip
    serious_illness = forms.BooleanField(label=_("重病"), required=False)
    no_able_obligor = forms.BooleanField(label=_("无有履行能力的法定义务人"), required=False)
    student = forms.BooleanField(label=_("全日制在校生"), required=False)
    staff_relative = forms.BooleanField(label=_("经办人员或村干部近亲属"), required=False)


class IncomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("收入种类"), choices=[(k, INCOME_LABELS[k]) for k in INCOME_KINDS], initial="wage")
    monthly = forms.CharField(label=_("月收入（元）"), max_length=20, widget=forms.TextInput(attrs=MONEY_ATTRS))


class AssetForm(forms.Form):
    kind = forms.ChoiceField(label=_("财产种类"), choices=[(k, ASSET_LABELS[k]) for k in ASSET_KINDS],
                             initial="deposit")
    value = forms.CharField(label=_("价值（元）"), max_length=20, required=False,
                            widget=forms.TextInput(attrs=MONEY_ATTRS))
    use = forms.ChoiceField(label=_("车辆用途"), required=False,
                            choices=[("", "—")] + [(u, VEHICLE_USE_LABELS[u]) for u in VEHICLE_USES])


class RowsFormSet(forms.BaseFormSet):
    remove_label = "删除此项"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.remove_label


class MemberBaseFormSet(RowsFormSet):
    remove_label = "移除此成员"

    def get_form_kwargs(self, index):
        # The first member is the head unless the clerk says otherwise.
        return {"initial": {"relation": "head"}} if index == 0 else {}


MemberFormSet = formset_factory(MemberForm, formset=MemberBaseFormSet, extra=0, min_num=1, max_num=MAX_MEMBERS,
                                validate_min=True, validate_max=True, can_delete=True)  # fmt: skip
ITEMS = {"formset": RowsFormSet, "extra": 0, "max_num": MAX_ITEMS, "validate_max": True, "can_delete": True}
IncomeFormSet = formset_factory(IncomeForm, **ITEMS)
AssetFormSet = formset_factory(AssetForm, **ITEMS)


class Intake:
    """The whole intake form, bound to a POST (or empty): household, members, their incomes and assets."""

    def __init__(self, data=None, *, villages=()):
        self._villages, self.added = villages, ""
        self.household = HouseholdForm(data, villages=villages)
        self.members = MemberFormSet(data, prefix="members")
        self.incomes = [IncomeFormSet(data, prefix=f"{m.prefix}-incomes") for m in self.members]
        self.assets = [AssetFormSet(data, prefix=f"{m.prefix}-assets") for m in self.members]

    @classmethod
    def prefilled(cls, *, villages, household: dict, members: list[dict]) -> Intake:
        """The form filled in with what is already known (the population register's household):
        shown for the clerk to complete, not checked."""
        data = QueryDict(mutable=True)
        data.update({k: str(v) for k, v in household.items()})
        data.update({"members-TOTAL_FORMS": str(max(len(members), 1)), "members-INITIAL_FORMS": "0"})
        for i, member in enumerate(members):
            data.update({f"members-{i}-{k}": str(v) for k, v in member.items()})
            data.update({f"members-{i}-{kind}-{n}": "0" for kind in ("incomes", "assets")
                         for n in ("TOTAL_FORMS", "INITIAL_FORMS")})  # fmt: skip
        return cls(data, villages=villages).unchecked()

    def rows(self):
        """(member form, its income formset, its asset formset) for each member row."""
        return list(zip(self.members, self.incomes, self.assets, strict=True))

    def kept(self):
        """The rows not ticked for removal, with their kept incomes and assets."""
        out = []
        for member, incomes, assets in self.rows():
            if _deleted(member) or (member.empty_permitted and not member.has_changed()):
                continue  # ticked for removal, or added and left blank
            out.append((member, [f for f in incomes if not _deleted(f) and f.has_changed()],
                        [f for f in assets if not _deleted(f) and f.has_changed()]))
        return out

    def is_valid(self) -> bool:
        parts = [self.household.is_valid(), self.members.is_valid()]
        for member, incomes, assets in self.rows():
            if not _deleted(member):
                parts += [incomes.is_valid(), assets.is_valid()]
        return all(parts)

    def unchecked(self) -> Intake:
        """Shown again as typed, without checking (a row was added: nothing is submitted yet)."""
        for f in [self.household, *self.members, *(f for fs in self.incomes + self.assets for f in fs)]:
            f._errors = forms.utils.ErrorDict()
            f.cleaned_data = {}
        for fs in [self.members, *self.incomes, *self.assets]:
            fs._errors, fs._non_form_errors = [], fs.error_class()
        return self

    def add_row(self, what: str, data) -> Intake | None:
        """The form with one more row (``member``, ``income-2``, ``asset-0``), everything typed kept."""
        m = re.fullmatch(r"(member|income|asset)(?:-(\d+))?", what or "")
        if not m:
            return None
        if m.group(1) == "member":
            prefix = "members"
        elif m.group(2) is not None and int(m.group(2)) < len(self.members.forms):
            prefix = f"members-{m.group(2)}-{m.group(1)}s"
        else:
            return None
        data = data.copy()
        key = f"{prefix}-TOTAL_FORMS"
        total = int(data.get(key) or 0) if str(data.get(key) or "0").isdigit() else 0
        limit = MAX_MEMBERS if prefix == "members" else MAX_ITEMS
        data[key] = str(min(total + 1, limit))
        if prefix == "members":  # the new member: a child until said otherwise, no incomes or assets yet
            data.setdefault(f"members-{total}-relation", "child")
            for kind in ("incomes", "assets"):
                data.setdefault(f"members-{total}-{kind}-TOTAL_FORMS", "0")
                data.setdefault(f"members-{total}-{kind}-INITIAL_FORMS", "0")
        intake = Intake(data, villages=self._villages)
        intake.added = f"{prefix}-{total}"
        for fs in [intake.members, *intake.incomes, *intake.assets]:
            for form in fs:
                if form.prefix == intake.added:  # the clerk types on in the new row
                    next(iter(form.fields.values())).widget.attrs["autofocus"] = True
        return intake.unchecked()

    # ---- what the services and the policy floor take --------------------------------------------

    def members_input(self) -> list[dict]:
        """The kept members as ``services.create_household`` takes them (from cleaned data)."""
        out = []
        for member, incomes, assets in self.kept():
            d = member.cleaned_data
            out.append({
                "name": d["name"], "id_number": d["id_number"].strip().upper(), "relation": d["relation"],
                "phone": d["phone"], "bank_card": d["bank_card"], "disability_grade": d["disability_grade"],
                "disability_kind": d["disability_kind"] if d["disability_grade"] else "",
                "adl_unmet": d["adl_unmet"] or 0, "serious_illness": d["serious_illness"],
                "able_obligor": not d["no_able_obligor"], "student": d["student"],
                "staff_relative": d["staff_relative"],
                "incomes": [{"kind": f.cleaned_data["kind"], "monthly": f.cleaned_data["monthly"]} for f in incomes],
                "assets": [{"kind": f.cleaned_data["kind"], "value": f.cleaned_data["value"],
                            "use": f.cleaned_data["use"]} for f in assets],
            })  # fmt: skip
        return out

    def typed_members(self) -> list[dict]:
        """The kept members as typed (valid or not), for the services' own check of every field."""
        out = []
        for member, incomes, assets in self.kept():
            row = {k: _raw(member, k) for k in ("name", "id_number", "relation", "phone", "bank_card",
                                                "disability_kind")}
            grade, adl = _raw(member, "disability_grade"), _raw(member, "adl_unmet")
            row.update(disability_grade=int(grade) if grade.isdigit() else (grade or None),
                       adl_unmet=int(adl) if adl.isdigit() else (adl or 0),
                       incomes=[{"kind": _raw(f, "kind"), "monthly": _raw(f, "monthly")} for f in incomes],
                       assets=[{k: _raw(f, k) for k in ("kind", "value", "use")} for f in assets])
            out.append(row)
        return out

    def policy_input(self, month, area: str) -> dict:
        """The form as typed, valid or not, as the input of ``policy.assess`` (the live preview)."""
        members = []
        for member, incomes, assets in self.kept():
            row = {"id_number": _raw(member, "id_number").upper(), "relation": _raw(member, "relation") or "other",
                   "serious_illness": bool(_raw(member, "serious_illness")),
                   "able_obligor": not _raw(member, "no_able_obligor"), "student": bool(_raw(member, "student")),
                   "incomes": [{"kind": _raw(f, "kind"), "monthly": _raw(f, "monthly")} for f in incomes
                               if _raw(f, "monthly")],
                   "assets": [{"kind": _raw(f, "kind"), "value": _raw(f, "value") or "0",
                               **({"use": _raw(f, "use") or "ordinary"} if _raw(f, "kind") == "vehicle" else {})}
                              for f in assets]}  # fmt: skip
            grade = _raw(member, "disability_grade")
            if grade:
                row["disability"] = {"grade": int(grade) if grade.isdigit() else grade,
                                     "kind": _raw(member, "disability_kind") or "physical"}
            adl = _raw(member, "adl_unmet")
            if adl:
                row["adl_unmet"] = int(adl) if adl.isdigit() else adl
            members.append(row)
        return {"area": area, "hukou": _raw(self.household, "hukou"), "month": f"{month:%Y-%m}", "members": members}

    # ---- errors -----------------------------------------------------------------------------------

    def add_errors(self, errors: list[FieldError], lang: str = "zh", *, besides: bool = False) -> None:
        """The services' (or the policy floor's) errors on the fields they name; ``besides``: only
        on fields the form's own checks found nothing wrong with (no message twice)."""
        kept = self.kept()
        numbers = [self.members.forms.index(m) + 1 for m, _, _ in kept]  # the rows' numbers on the page
        for e in errors:
            form, field = self._target(e.path, kept)
            message = say(e, lang, numbers)
            if isinstance(form, forms.BaseFormSet):
                if not (besides and form.non_form_errors()):
                    form._non_form_errors = form.error_class([*form.non_form_errors(), message])
                continue
            name = field if field in form.fields else None
            if not (besides and form.errors.get(name or forms.forms.NON_FIELD_ERRORS)):
                form.add_error(name, message)

    def _target(self, path: str, kept):
        m = re.match(r"^members\[(\d+)\](?:\.(\w+)(?:\[(\d+)\](?:\.(\w+))?)?)?", path)
        if not m:
            top = path.split(".")[0]
            if top == "members":
                return self.members, None
            return self.household, top if top in self.household.fields else None
        index, field, item, item_field = int(m.group(1)), m.group(2), m.group(3), m.group(4)
        if index >= len(kept):
            return self.members, None
        member, incomes, assets = kept[index]
        if field in ("incomes", "assets"):
            rows = incomes if field == "incomes" else assets
            if item is None or int(item) >= len(rows):
                return member, None
            return rows[int(item)], item_field
        field = {"able_obligor": "no_able_obligor", "disability": "disability_grade"}.get(field, field)
        return member, field

    def summary(self) -> list[tuple[str, str, str]]:
        """Every error as (the field's id, where it is, the message), in the form's order."""
        out = []

        def add(form, where: str):
            for name, errors in form.errors.items():
                field = form[name] if name in form.fields else None
                label = f"{where} · {field.label}" if field is not None and where else (
                    field.label if field is not None else where)
                anchor = field.id_for_label if field is not None else ""
                out.extend((anchor, label, str(e)) for e in errors)

        add(self.household, "")
        out.extend(("", "成员", str(e)) for e in self.members.non_form_errors())
        for n, (member, incomes, assets) in enumerate(self.rows(), start=1):
            if _deleted(member):
                continue
            add(member, f"成员 {n}")
            for kind, formset in (("收入", incomes), ("财产", assets)):
                out.extend(("", f"成员 {n} · {kind}", str(e)) for e in formset.non_form_errors())
                for j, f in enumerate(formset, start=1):
                    if not _deleted(f):
                        add(f, f"成员 {n} · {kind} {j}")
        return out


def _raw(form, name: str) -> str:
    value = form.data.get(form.add_prefix(name), "") if form.is_bound else ""
    return value.strip() if isinstance(value, str) else ""


def _deleted(form) -> bool:
    return bool(_raw(form, "DELETE"))


# Messages said with the form's words: no field keys (``members[0]``) and no option values (``head``).
def say(e: FieldError, lang: str = "zh", numbers=()) -> str:
    if e.code == "id_duplicate":
        other = int(e.params["other"])
        e = FieldError(e.path, "id_duplicate_member", member=numbers[other] if other < len(numbers) else other + 1)
    if e.code == "head_count":
        return (f"应有且仅有一名成员的关系为“户主”，实有 {e.params['count']} 名" if lang == "zh"
                else f"exactly one member must be the head of the household, found {e.params['count']}")
    if e.code == "choice":
        return "请从列表中选择" if lang == "zh" else "choose from the list"
    if e.code == "unknown_field":
        return "不适用于此项" if lang == "zh" else "does not apply here"
    return e.message(lang)


# The household page's small forms (change, authorisation, application): a refusal names the field
# by its label, never its key.
LABELS = {
    **{f: (str(Person._meta.get_field(f).verbose_name), f.replace("_", " ")) for f in TRACKED_FIELDS},
    "source": ("来源", "source"), "effective_on": ("生效日期", "effective date"), "on": ("日期", "date"),
    "programme": ("救助项目", "programme"), "applicant": ("申请人", "applicant"),
    "authorizations": ("授权核对书", "authorisations"), "document": ("授权书编号", "document number"),
    "signed_on": ("签署日期", "signing date"),
}  # fmt: skip


def page_message(exc: PolicyError, lang: str = "zh") -> str:
    return inputs.page_message(exc, lang, LABELS)


# ---- changes after intake (the household's "change" page) ------------------------------------------


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type=date> takes


class EvidenceForm(forms.Form):
    """What every change carries: from when, and on what evidence."""

    effective_on = forms.DateField(label=_("生效日期"), widget=DATE)
    source = forms.CharField(label=_("依据（证明材料、数据来源）"), max_length=100)


class PersonFactsForm(EvidenceForm):
    name = MemberForm.base_fields["name"]
    relation = MemberForm.base_fields["relation"]
    phone = MemberForm.base_fields["phone"]
    bank_card = MemberForm.base_fields["bank_card"]
    disability_grade = MemberForm.base_fields["disability_grade"]
    disability_kind = MemberForm.base_fields["disability_kind"]
    adl_unmet = forms.IntegerField(label=_("不能完成的日常生活活动项数"), min_value=0, max_value=6)
    serious_illness = MemberForm.base_fields["serious_illness"]
    able_obligor = forms.BooleanField(label=_("有具备履行能力的法定义务人"), required=False)
    student = MemberForm.base_fields["student"]
    supported_as_minor = forms.BooleanField(label=_("未成年时已获特困供养"), required=False)
    orphan_support = forms.BooleanField(label=_("按孤儿或事实无人抚养儿童保障"), required=False)
    staff_relative = MemberForm.base_fields["staff_relative"]
    field_order = [*(f for f in TRACKED_FIELDS), "effective_on", "source"]

    def changes(self, person: Person) -> dict:
        """The facts that differ from the person's now (only those are recorded)."""
        return {f: v for f in TRACKED_FIELDS if (v := self.cleaned_data[f]) != getattr(person, f)}


class IncomeChangeForm(EvidenceForm):
    person = forms.TypedChoiceField(label=_("成员"), coerce=int, required=False)
    ends = forms.TypedChoiceField(label=_("原收入（变化或终止的）"), coerce=int, required=False, empty_value=None)
    kind = IncomeForm.base_fields["kind"]
    monthly = forms.CharField(label=_("新的月收入（元；收入终止则留空）"), max_length=20, required=False,
                              widget=forms.TextInput(attrs=MONEY_ATTRS))  # fmt: skip
    field_order = ["person", "ends", "kind", "monthly", "effective_on", "source"]


class AssetChangeForm(EvidenceForm):
    person = forms.TypedChoiceField(label=_("成员"), coerce=int, required=False)
    ends = forms.TypedChoiceField(label=_("原财产（变化或处置的）"), coerce=int, required=False, empty_value=None)
    kind = AssetForm.base_fields["kind"]
    value = AssetForm.base_fields["value"]
    use = AssetForm.base_fields["use"]
    disposed = forms.BooleanField(label=_("已处置（不再拥有）"), required=False)
    field_order = ["person", "ends", "kind", "value", "use", "disposed", "effective_on", "source"]


class JoinForm(MemberForm, EvidenceForm):
    effective_on = forms.DateField(label=_("入户日期"), widget=DATE)
    source = EvidenceForm.base_fields["source"]
    field_order = [*MemberForm.base_fields, "effective_on", "source"]


class LeaveForm(EvidenceForm):
    person = forms.TypedChoiceField(label=_("成员"), coerce=int)
    reason = forms.ChoiceField(label=_("离户原因"), choices=[("moved", "迁出"), ("died", "死亡")])
    new_head = forms.TypedChoiceField(label=_("新户主（户主离户时）"), coerce=int, required=False, empty_value=None)
    effective_on = forms.DateField(label=_("离户（死亡）日期"), widget=DATE)
    field_order = ["person", "reason", "new_head", "effective_on", "source"]


class AddressForm(EvidenceForm):
    address = forms.CharField(label=_("新住址"), max_length=200)
    field_order = ["address", "effective_on", "source"]


def put_errors(form, errors: list[FieldError], lang: str = "zh", prefix: str = "") -> None:
    """A service's errors on the form's fields (``member.name`` -> ``name``; ``on`` -> the date)."""
    aliases = {"on": "effective_on", "joined_on": "effective_on", "until": "effective_on", "since": "effective_on",
               "income": None, "asset": None, "person": "person", "able_obligor": "able_obligor"}  # fmt: skip
    for e in errors:
        name = e.path.removeprefix(prefix)
        name = aliases.get(name, name)
        form.add_error(name if name in form.fields else None, say(e, lang))
