"""Every write to the registry: one function each, in a transaction, each writing its audit record."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safetynet.policy import areas as policy_areas
from safetynet.policy import idnumber
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import (
    ASSET_KINDS,
    DISABILITY_KINDS,
    FINANCIAL_ASSETS,
    HUKOU,
    INCOME_KINDS,
    RELATIONS,
    VEHICLE_USES,
)
from safetynet.policy.money import fmt, parse_money
from safetynet.registry import cards
from safetynet.registry import messages as _messages  # noqa: F401  (registers the messages)
from safetynet.registry.models import (
    TRACKED_FIELDS,
    Area,
    Asset,
    Household,
    HouseholdChange,
    Income,
    Person,
    PersonChange,
    SupportObligor,
)
from safetynet.registry.selectors import acting_user, require_role
from safetynet.site.inputs import day_or_error
from safetynet.supervision.services import record
from safetynet.web import clock

MAX_MEMBERS = 20
MAX_ITEMS = 20  # incomes, or assets, of one member
BOOLEAN_FIELDS = ("serious_illness", "able_obligor", "student", "supported_as_minor", "orphan_support",
                  "staff_relative")  # fmt: skip


def load_areas() -> int:
    """The city and its county-level areas from the policy floor; idempotent. Returns how many exist."""
    city = policy_areas.city()
    root, _ = Area.objects.update_or_create(
        code=city["code"][:4], defaults={"name": city["name"], "level": Area.Level.CITY}
    )
    for a in policy_areas.all_areas():
        Area.objects.update_or_create(
            code=a.code, defaults={"name": a.name, "level": Area.Level.COUNTY, "parent": root, "tier": a.tier}
        )
    return Area.objects.count()


# ---- what a person's facts may be: one check for every way in (API, pages, CLI, demo) -------------


def _text_error(value, path: str, max_length: int, *, required: bool = False) -> FieldError | None:
    if not isinstance(value, str):
        return FieldError(path, "type_string")
    if required and not value.strip():
        return FieldError(path, "required")
    if len(value.strip()) > max_length:
        return FieldError(path, "too_long", max=max_length, length=len(value.strip()))
    return None


def _fact_error(field: str, value, path: str) -> FieldError | None:
    """What is wrong with ``value`` for a person's ``field`` (a column of ``Person``), or None."""
    if field == "name":
        return _text_error(value, path, Person._meta.get_field("name").max_length, required=True)
    if field in ("phone", "bank_card"):
        if e := _text_error(value, path, Person._meta.get_field(field).max_length):
            return e
        if field == "bank_card" and value.strip() and (found := cards.problem(value.strip())):
            return FieldError(path, found[0], **found[1])
        return None
    if field == "relation":
        return None if value in RELATIONS else FieldError(path, "choice", value=value, choices=", ".join(RELATIONS))
    if field == "disability_kind":
        kinds = ", ".join(DISABILITY_KINDS)
        return None if value == "" or value in DISABILITY_KINDS else FieldError(path, "choice", value=value,
                                                                                  choices=kinds)  # fmt: skip
    if field in ("disability_grade", "adl_unmet"):
        if value is None and field == "disability_grade":
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            return FieldError(path, "type_int")
        low, high = (1, 4) if field == "disability_grade" else (0, 6)
        return None if low <= value <= high else FieldError(path, "range", low=low, high=high, value=value)
    if field in BOOLEAN_FIELDS:
        return None if isinstance(value, bool) else FieldError(path, "type_bool")
    return None


def _person_fields(data: dict, path: str, errors: list[FieldError]) -> dict | None:
    found = [e for k in TRACKED_FIELDS if k in data or k == "name"  # a name is required
             if (e := _fact_error(k, data.get(k, ""), f"{path}.{k}"))]  # fmt: skip
    if bool(data.get("disability_grade")) != bool(data.get("disability_kind")) and not any(
        e.path.endswith(("disability_grade", "disability_kind")) for e in found
    ):
        found.append(FieldError(f"{path}.disability_kind", "disability_kind_grade"))
    try:
        info = idnumber.parse(data.get("id_number"))
    except PolicyError as exc:
        found.append(FieldError(f"{path}.id_number", exc.code, **exc.params))
    errors.extend(found)
    if found:
        return None
    fields = {k: data[k] for k in TRACKED_FIELDS if k in data}
    for k in ("phone", "bank_card"):
        if k in fields:
            fields[k] = fields[k].strip()
    if "bank_card" in fields:
        fields["bank_card"] = cards.normalise(fields["bank_card"])
    fields.update(id_number=info.number, birth_date=info.birth_date, sex=info.sex, name=data["name"].strip())
    return fields


def _money(value, path: str, errors: list[FieldError], *, required: bool = True) -> int | None:
    """A sum of money typed as text ("1500.00", at most two decimals), in fen; 0 when left out."""
    return parse_money(value, path, errors, required=required, empty=0)


def _income_fields(item, path: str, errors: list[FieldError]) -> dict | None:
    """An income as declared: its kind and monthly amount (``{"kind": "wage", "monthly": "1500.00"}``)."""
    if not isinstance(item, dict):
        errors.append(FieldError(path, "type_object"))
        return None
    start = len(errors)
    kind = item.get("kind")
    if kind not in INCOME_KINDS:
        errors.append(FieldError(f"{path}.kind", "choice", value=kind, choices=", ".join(INCOME_KINDS)))
    fen = _money(item.get("monthly"), f"{path}.monthly", errors)
    return None if len(errors) > start else {"kind": kind, "monthly_fen": fen}


def _asset_fields(item, path: str, errors: list[FieldError]) -> dict | None:
    """An asset as declared: its kind, value (required for money held, else may be left 0) and,
    for a vehicle, its use (ordinary unless said otherwise)."""
    if not isinstance(item, dict):
        errors.append(FieldError(path, "type_object"))
        return None
    start = len(errors)
    kind = item.get("kind")
    if kind not in ASSET_KINDS:
        errors.append(FieldError(f"{path}.kind", "choice", value=kind, choices=", ".join(ASSET_KINDS)))
    fen = _money(item.get("value"), f"{path}.value", errors, required=kind in FINANCIAL_ASSETS)
    use = item.get("use") or ""
    if kind == "vehicle":
        use = use or "ordinary"
        if use not in VEHICLE_USES:
            errors.append(FieldError(f"{path}.use", "choice", value=use, choices=", ".join(VEHICLE_USES)))
    else:
        use = ""
    return None if len(errors) > start else {"kind": kind, "value_fen": fen, "use": use}


def _items(member: dict, key: str, path: str, errors: list[FieldError], parse) -> list[dict]:
    raw = member.get(key) or []
    if not isinstance(raw, list):
        errors.append(FieldError(f"{path}.{key}", "type_list"))
        return []
    if len(raw) > MAX_ITEMS:
        errors.append(FieldError(f"{path}.{key}", "too_many", max=MAX_ITEMS))
        return []
    return [p for i, item in enumerate(raw) if (p := parse(item, f"{path}.{key}[{i}]", errors))]


def _source_errors(source, effective: date | None, date_field: str) -> list[FieldError]:
    """The word a change rests on (required, the column's size) and its date (within bounds)."""
    errors = [e for e in [_text_error(source, "source", 100, required=True)] if e]
    if effective is not None and (e := day_or_error(effective, date_field)):
        errors.append(e)
    return errors


def _clean(instance) -> None:
    """The model's own checks (sizes, choices, constraints) as the house's InputError."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise InputError(
            [FieldError(field if field != "__all__" else "", "invalid", detail="；".join(messages))
             for field, messages in exc.message_dict.items()]
        ) from None


def _members(members: list[dict], errors: list[FieldError]) -> tuple[list, list]:
    """Each member's facts, incomes and assets checked, and the members together (one head, no ID
    twice, none registered already); the problems added to ``errors``."""
    if not members:
        errors.append(FieldError("members", "members_empty"))
    elif len(members) > MAX_MEMBERS:
        errors.append(FieldError("members", "range", low=1, high=MAX_MEMBERS, value=len(members)))
    people = [_person_fields(m, f"members[{i}]", errors) for i, m in enumerate(members)]
    declared = [(_items(m, "incomes", f"members[{i}]", errors, _income_fields),
                 _items(m, "assets", f"members[{i}]", errors, _asset_fields)) for i, m in enumerate(members)]
    heads = sum(1 for m in members if m.get("relation") == "head")
    if members and heads != 1:
        errors.append(FieldError("members", "head_count", count=heads))
    first: dict[str, int] = {}
    for i, p in enumerate(people):
        if p is None:
            continue
        if p["id_number"] in first:
            errors.append(FieldError(f"members[{i}].id_number", "id_duplicate", other=first[p["id_number"]]))
        elif Person.objects.filter(id_number=p["id_number"]).exists():
            errors.append(FieldError(f"members[{i}].id_number", "id_registered", number=p["id_number"]))
        first.setdefault(p["id_number"], i)
    return people, declared


def member_errors(members: list[dict]) -> list[FieldError]:
    """What ``create_household`` would refuse in these members: for a form to show every problem at once."""
    errors: list[FieldError] = []
    _members(members, errors)
    return errors


@transaction.atomic
def create_household(
    actor, *, village: Area, hukou: str, address: str, members: list[dict], registered_poor: bool = False,
    household_no: str = "", since: date | None = None,
) -> Household:
    """A household with its members, each with the incomes and assets declared (``incomes``:
    ``[{"kind", "monthly"}]``, ``assets``: ``[{"kind", "value", "use"}]``, valid from ``since``,
    today by default); every field checked, every ID number, none already registered."""
    require_role(actor, ("clerk",), village.code, "登记家庭")
    errors: list[FieldError] = []
    if village.level != Area.Level.VILLAGE:
        errors.append(FieldError("village", "choice", value=village.code, choices="村居"))
    if hukou not in HUKOU:
        errors.append(FieldError("hukou", "choice", value=hukou, choices=", ".join(HUKOU)))
    if e := _text_error(address, "address", Household._meta.get_field("address").max_length, required=True):
        errors.append(e)
    people, declared = _members(members, errors)
    since = since or clock.today().replace(day=1)  # the month's assessment counts what is declared
    if e := day_or_error(since, "since"):
        errors.append(e)
    household_no = household_no.strip()
    if len(household_no) > 32 or not household_no.isprintable():
        errors.append(FieldError("household_no", "type_string"))
    if errors:
        raise InputError(errors)
    household = Household.objects.create(
        village=village, hukou=hukou, address=address.strip(), registered_poor=registered_poor,
        household_no=household_no,
    )
    for p, (incomes, assets) in zip(people, declared, strict=True):
        person = Person.objects.create(household=household, **p)
        Income.objects.bulk_create(Income(person=person, since=since, source="申请人申报", **i) for i in incomes)
        Asset.objects.bulk_create(Asset(person=person, since=since, source="申请人申报", **a) for a in assets)
    record(
        actor,
        "household.create",
        object_type="household",
        object_id=household.pk,
        area_code=village.code,
        details={"members": len(people), "hukou": hukou, "incomes": sum(len(d[0]) for d in declared),
                 "assets": sum(len(d[1]) for d in declared)},
    )
    return household


@transaction.atomic
def change_person(actor, person: Person, changes: dict[str, Any], *, effective_on: date, source: str) -> Person:
    """Record a change of circumstances: the old and new value, from when, on whose word."""
    require_role(actor, ("clerk", "approver", "county"), person.household.village_id, "登记情况变更")
    person = Person.objects.select_for_update().get(pk=person.pk)
    unknown = [f for f in changes if f not in TRACKED_FIELDS]
    if unknown:
        raise InputError([FieldError(f, "unknown_field", known=", ".join(TRACKED_FIELDS)) for f in unknown])
    errors = [e for f, v in changes.items() if (e := _fact_error(f, v, f))]
    errors += _source_errors(source, effective_on, "effective_on")
    grade, kind = (changes.get(f, getattr(person, f)) for f in ("disability_grade", "disability_kind"))
    if bool(grade) != bool(kind) and not any(e.path.startswith("disability") for e in errors):
        errors.append(FieldError("disability_kind", "disability_kind_grade"))
    if person.left_on is not None:
        errors.append(FieldError("person", "member_left", on=person.left_on.isoformat()))
    if errors:
        raise InputError(errors)
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    if "bank_card" in changes:
        changes["bank_card"] = cards.normalise(changes["bank_card"])
    changed = {}
    for field, new in changes.items():
        old = getattr(person, field)
        if old == new:
            continue
        PersonChange.objects.create(
            person=person,
            field=field,
            old_value=old,
            new_value=new,
            effective_on=effective_on,
            source=source,
            recorded_by=acting_user(actor),
        )
        setattr(person, field, new)
        changed[field] = new
    if changed:
        person.save(update_fields=list(changed))
        record(
            actor,
            "person.change",
            object_type="person",
            object_id=person.pk,
            area_code=person.household.village_id,
            details={"fields": sorted(changed), "effective_on": effective_on.isoformat(), "source": source},
        )
    return person


@transaction.atomic
def add_income(actor, person: Person, *, kind: str, monthly_fen: int, since: date, source: str) -> Income:
    require_role(actor, ("clerk", "approver", "county"), person.household.village_id, "登记收入")
    if errors := _source_errors(source, since, "since"):
        raise InputError(errors)
    income = Income(person=person, kind=kind, monthly_fen=monthly_fen, since=since, source=source.strip())
    _clean(income)
    income.save()
    record(
        actor,
        "income.add",
        object_type="person",
        object_id=person.pk,
        area_code=person.household.village_id,
        details={"kind": kind, "monthly_fen": monthly_fen, "since": since.isoformat(), "source": source},
    )
    return income


@transaction.atomic
def end_income(actor, income: Income, *, until: date, source: str) -> Income:
    """An income stops: it is closed from a date, never deleted, so earlier months stay explained."""
    require_role(actor, ("clerk", "approver", "county"), income.person.household.village_id, "登记收入变化")
    income = Income.objects.select_for_update().get(pk=income.pk)
    if income.until is not None:
        raise InputError([FieldError("until", "already_ended", until=income.until.isoformat())])
    if errors := _source_errors(source, until, "until"):
        raise InputError(errors)
    income.until = until
    income.save(update_fields=["until"])
    record(
        actor,
        "income.end",
        object_type="person",
        object_id=income.person_id,
        area_code=income.person.household.village_id,
        details={"income": income.pk, "until": until.isoformat(), "source": source},
    )
    return income


@transaction.atomic
def add_asset(actor, person: Person, *, kind: str, value_fen: int, since: date, source: str, use: str = "") -> Asset:
    require_role(actor, ("clerk", "approver", "county"), person.household.village_id, "登记财产")
    if errors := _source_errors(source, since, "since"):
        raise InputError(errors)
    asset = Asset(
        person=person, kind=kind, value_fen=value_fen, since=since, source=source.strip(),
        use=use if kind == "vehicle" else "",
    )
    _clean(asset)
    asset.save()
    record(
        actor,
        "asset.add",
        object_type="person",
        object_id=person.pk,
        area_code=person.household.village_id,
        details={"kind": kind, "value_fen": value_fen, "since": since.isoformat(), "source": source},
    )
    return asset


@transaction.atomic
def add_obligor(
    actor, person: Person, *, name: str, id_number: str, relation: str, able: bool, source: str
) -> SupportObligor:
    require_role(actor, ("clerk", "approver", "county"), person.household.village_id, "登记义务人")
    errors = [e for e in (_text_error(name, "name", 40, required=True),
                          _text_error(relation, "relation", 20, required=True)) if e]  # fmt: skip
    errors += _source_errors(source, None, "")
    try:
        number = idnumber.parse(id_number).number
    except PolicyError as exc:
        errors.append(FieldError("id_number", exc.code, **exc.params))
    if errors:
        raise InputError(errors)
    obligor = SupportObligor.objects.create(
        person=person, name=name.strip(), id_number=number, relation=relation.strip(), able=able, source=source.strip()
    )
    record(
        actor,
        "obligor.add",
        object_type="person",
        object_id=person.pk,
        area_code=person.household.village_id,
        details={"relation": relation, "able": able, "source": source},
    )
    return obligor


# ---- changes after intake: each with its date and the evidence, each kept (PersonChange) ----------


def _log_change(actor, person: Person, field: str, old, new, effective_on: date, source: str) -> PersonChange:
    return PersonChange.objects.create(person=person, field=field, old_value=old, new_value=new,
                                       effective_on=effective_on, source=source.strip(),
                                       recorded_by=acting_user(actor))  # fmt: skip


def _current(person: Person, rows, row, label: str):
    """``row`` (an income or asset of ``person``), still open, locked; or the error naming it."""
    if row is None:
        return None
    row = rows.select_for_update().filter(pk=row.pk, person=person).first()
    if row is None:
        raise InputError([FieldError(label, "choice", value="—", choices="—")])
    if row.until is not None:
        raise InputError([FieldError(label, "already_ended", until=row.until.isoformat())])
    return row


def _open_to_change(actor, person: Person, action: str) -> Person:
    require_role(actor, ("clerk", "approver", "county"), person.household.village_id, action)
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    if person.left_on is not None:
        raise InputError([FieldError("person", "member_left", on=person.left_on.isoformat())])
    return person


def _replace_dated(person: Person, rows, ends, new: dict | None, effective_on: date, source: str):
    """Close ``ends`` (an income or asset of the person) on ``effective_on`` and open ``new`` from
    that day: rows are closed, never deleted. Returns (the row closed, the row opened)."""
    ends = _current(person, rows, ends, "ends")
    if ends is not None and effective_on <= ends.since:
        raise InputError([FieldError("effective_on", "date_order", on=effective_on.isoformat(),
                                     last=ends.since.isoformat())])  # fmt: skip
    if ends is not None:
        ends.until = effective_on
        ends.save(update_fields=["until"])
    opened = rows.create(person=person, since=effective_on, source=source.strip(), **new) if new else None
    return ends, opened


@transaction.atomic
def change_income(
    actor, person: Person, *, effective_on: date, source: str, ends: Income | None = None, kind: str = "",
    monthly: str | None = None,
) -> Income | None:
    """An income starts, changes or stops from ``effective_on``: the income it replaces (``ends``)
    is closed that day, never deleted, and a new one (``kind``, ``monthly``) opens unless
    ``monthly`` is left out. One history line says what it was and what it became."""
    person = _open_to_change(actor, person, "登记收入变化")
    errors = _source_errors(source, effective_on, "effective_on")
    new = None
    if monthly not in (None, ""):
        new = _income_fields({"kind": kind or (ends.kind if ends else ""), "monthly": monthly}, "income", errors)
    elif ends is None:
        errors.append(FieldError("income.monthly", "required"))
    if errors:
        raise InputError([FieldError(e.path.removeprefix("income."), e.code, **e.params) for e in errors])
    ends, income = _replace_dated(person, Income.objects, ends, new, effective_on, source)
    before = {"kind": ends.kind, "monthly": fmt(ends.monthly_fen)} if ends else None
    after = {"kind": income.kind, "monthly": fmt(income.monthly_fen)} if income else None
    _log_change(actor, person, "income", before, after, effective_on, source)
    record(actor, "income.change", object_type="person", object_id=person.pk, area_code=person.household.village_id,
           details={"ended": ends.pk if ends else None, "income": income.pk if income else None, "old": before,
                    "new": after, "effective_on": effective_on.isoformat(), "source": source})  # fmt: skip
    return income


@transaction.atomic
def change_asset(
    actor, person: Person, *, effective_on: date, source: str, ends: Asset | None = None, kind: str = "",
    value: str | None = None, use: str = "", acquired: bool = True,
) -> Asset | None:
    """An asset is acquired, revalued or disposed of from ``effective_on``; like an income, the old
    row is closed and a new one opened (``acquired``), with one history line."""
    person = _open_to_change(actor, person, "登记财产变化")
    errors = _source_errors(source, effective_on, "effective_on")
    new = None
    if acquired:
        new = _asset_fields({"kind": kind or (ends.kind if ends else ""), "value": value, "use": use}, "asset", errors)
    elif ends is None:
        errors.append(FieldError("ends", "required"))
    if errors:
        raise InputError([FieldError(e.path.removeprefix("asset."), e.code, **e.params) for e in errors])
    ends, asset = _replace_dated(person, Asset.objects, ends, new, effective_on, source)

    def shown(a: Asset | None):
        return {"kind": a.kind, "value": fmt(a.value_fen), **({"use": a.use} if a.use else {})} if a else None

    _log_change(actor, person, "asset", shown(ends), shown(asset), effective_on, source)
    record(actor, "asset.change", object_type="person", object_id=person.pk, area_code=person.household.village_id,
           details={"ended": ends.pk if ends else None, "asset": asset.pk if asset else None, "old": shown(ends),
                    "new": shown(asset), "effective_on": effective_on.isoformat(), "source": source})  # fmt: skip
    return asset


@transaction.atomic
def add_member(actor, household: Household, member: dict, *, joined_on: date, source: str) -> Person:
    """A member joins (birth, marriage, moving in) from ``joined_on``, with the incomes and assets
    declared for them; counted from the first month that begins on or after that day."""
    require_role(actor, ("clerk", "approver", "county"), household.village_id, "登记新增成员")
    errors: list[FieldError] = []
    fields = _person_fields({"relation": "other", **member}, "member", errors)
    incomes = _items(member, "incomes", "member", errors, _income_fields)
    assets = _items(member, "assets", "member", errors, _asset_fields)
    errors += _source_errors(source, joined_on, "joined_on")
    if fields and Person.objects.filter(id_number=fields["id_number"]).exists():
        errors.append(FieldError("member.id_number", "id_registered", number=fields["id_number"]))
    if errors:
        raise InputError(errors)
    person = Person.objects.create(household=household, joined_on=joined_on, **fields)
    Income.objects.bulk_create(Income(person=person, since=joined_on, source=source.strip(), **i) for i in incomes)
    Asset.objects.bulk_create(Asset(person=person, since=joined_on, source=source.strip(), **a) for a in assets)
    _log_change(actor, person, "membership", None, "joined", joined_on, source)
    record(actor, "person.join", object_type="household", object_id=household.pk, area_code=household.village_id,
           details={"person": person.pk, "joined_on": joined_on.isoformat(), "source": source})  # fmt: skip
    return person


@transaction.atomic
def member_leaves(actor, person: Person, *, reason: str, on: date, source: str, new_head: Person | None = None
                  ) -> Person:
    """A member moves out or dies on ``on``: counted until then, the row and its history kept; their
    open incomes and assets close the same day. When the head leaves, ``new_head`` becomes head."""
    person = _open_to_change(actor, person, "登记成员离户")
    errors = _source_errors(source, on, "on")
    if person.relation == "head" and (new_head is None or new_head.household_id != person.household_id
                                      or new_head.pk == person.pk or new_head.left_on is not None):
        errors.append(FieldError("new_head", "required"))
    if reason not in ("moved", "died"):
        errors.append(FieldError("reason", "choice", value=reason, choices="moved, died"))
    if person.joined_on and on < person.joined_on:
        errors.append(FieldError("on", "left_before_joined", on=on.isoformat(), joined=person.joined_on.isoformat()))
    others = Person.objects.filter(household_id=person.household_id, left_on__isnull=True).exclude(pk=person.pk)
    if not others.exists():
        errors.append(FieldError("person", "last_member"))
    if errors:
        raise InputError(errors)
    person.left_on, person.left_reason = on, reason
    person.save(update_fields=["left_on", "left_reason"])
    if person.relation == "head":
        _log_change(actor, new_head, "relation", new_head.relation, "head", on, source)
        Person.objects.filter(pk=new_head.pk).update(relation="head")
    for rows in (person.incomes, person.assets):
        rows.filter(until__isnull=True, since__lt=on).update(until=on)
    _log_change(actor, person, "membership", "member", reason, on, source)
    record(actor, "person.leave", object_type="household", object_id=person.household_id,
           area_code=person.household.village_id,
           details={"person": person.pk, "reason": reason, "on": on.isoformat(), "source": source})  # fmt: skip
    return person


@transaction.atomic
def change_address(actor, household: Household, *, address: str, effective_on: date, source: str) -> Household:
    require_role(actor, ("clerk", "approver", "county"), household.village_id, "登记住址变更")
    household = Household.objects.select_for_update().get(pk=household.pk)
    errors = _source_errors(source, effective_on, "effective_on")
    if e := _text_error(address, "address", Household._meta.get_field("address").max_length, required=True):
        errors.append(e)
    elif address.strip() == household.address:
        errors.append(FieldError("address", "nothing_changed"))
    if errors:
        raise InputError(errors)
    HouseholdChange.objects.create(household=household, field="address", old_value=household.address,
                                   new_value=address.strip(), effective_on=effective_on, source=source.strip(),
                                   recorded_by=acting_user(actor))  # fmt: skip
    household.address = address.strip()
    household.save(update_fields=["address"])
    record(actor, "household.change", object_type="household", object_id=household.pk,
           area_code=household.village_id,
           details={"fields": ["address"], "effective_on": effective_on.isoformat(), "source": source})  # fmt: skip
    return household
