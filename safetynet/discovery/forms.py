"""The discovery pages' forms: they check what a form can; the services check the rest, and
their errors come back beside the field they name."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.discovery.models import Outcome, Source

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": _("请填写日期"), "invalid": _("日期格式应为 YYYY-MM-DD")}


class LeadForm(forms.Form):
    source = forms.ChoiceField(label=_("线索来源"), error_messages={"required": _("请选择线索来源")})
    area = forms.ChoiceField(label=_("交办乡镇（街道）或村（居）"),
                             error_messages={"required": _("请选择乡镇（街道）")})  # fmt: skip
    id_number = forms.CharField(label=_("公民身份号码（已知时填写）"), max_length=18, required=False)
    name = forms.CharField(label=_("姓名（未登记人员必填）"), max_length=40, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    situation = forms.CharField(label=_("困难情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                                error_messages={"required": _("请填写困难情况")})  # fmt: skip
    emergency = forms.BooleanField(label=_("急难情形（24 小时内处置）"), required=False)
    reporter = forms.CharField(label=_("报告人（村干部、部门、来电人）"), max_length=60, required=False)
    reporter_phone = forms.CharField(label=_("报告人电话"), max_length=20, required=False)
    reported_at = forms.DateTimeField(
        label=_("报告时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("请填写报告时间"), "invalid": _("时间格式应为 YYYY-MM-DD HH:MM")})

    def __init__(self, *args, sources=(), areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—")] + [(s, Source(s).label) for s in sources]
        self.fields["area"].choices = [("", "—")] + list(areas)
        if not self.is_bound:
            self.initial.setdefault("reported_at", timezone.localtime().replace(second=0, microsecond=0))


class IdentifyForm(forms.Form):
    id_number = forms.CharField(label=_("登记在册人员的公民身份号码"), max_length=18,
                                error_messages={"required": _("请填写公民身份号码")})  # fmt: skip


class VisitForm(forms.Form):
    note = forms.CharField(label=_("走访情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("请填写走访情况")})  # fmt: skip
    on = forms.DateField(label=_("走访日期"), widget=DATE, error_messages=DATE_ERRORS)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处置结果"), error_messages={"required": _("请选择处置结果")},
                                choices=[("", "—"), (Outcome.NO_NEED.value, Outcome.NO_NEED.label),
                                         (Outcome.REFERRED.value, Outcome.REFERRED.label)])  # fmt: skip
    referral = forms.ChoiceField(label=_("转介（办结为已转介时选择）"), required=False)
    note = forms.CharField(label=_("处置说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("请填写处置说明")})  # fmt: skip

    def __init__(self, *args, referrals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].choices = [("", _("（无）"))] + [
            (r.pk, f"#{r.pk} {r.get_department_display()} {r.sent_on:%Y-%m-%d}") for r in referrals]


APPLICATIONS = (("dibao", _("最低生活保障")), ("tekun", _("特困人员救助供养")))


def members_of(household) -> list:
    return [p for p in household.members.all() if p.left_on is None] if household else []


def default_person(task):
    """Who a step from the task is for, unless the clerk chooses another: the task's person while
    still a member, else the head of the household, else its only member."""
    members = members_of(task.household)
    if task.person_id and any(p.pk == task.person_id for p in members):
        return task.person_id
    head = next((p.pk for p in members if p.relation == "head"), None)
    return head or (members[0].pk if len(members) == 1 else None)


class ApplyForm(forms.Form):
    programme = forms.ChoiceField(label=_("申请项目"), error_messages={"required": _("请选择申请项目")})
    applicant = forms.TypedChoiceField(label=_("申请人"), coerce=int, error_messages={"required": _("请选择申请人")})
    on = forms.DateField(label=_("日期"), widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args, household=None, closed=(), **kwargs):
        """``closed``: the programmes the household already has a live case of (one per household)."""
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(code, label) for code, label in APPLICATIONS if code not in closed]
        self.fields["applicant"].choices = [("", "—")] + [(p.pk, p.choice_label())
                                                          for p in members_of(household)]  # fmt: skip


class LinkForm(forms.Form):
    case = forms.TypedChoiceField(label=_("在办案件"), coerce=int, error_messages={"required": _("请选择在办案件")})
    note = forms.CharField(label=_("处置说明（可不填）"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [(c.pk, f"{c.get_programme_display()} #{c.pk}（{c.get_state_display()}，"
                                              f"{c.applicant.name}）") for c in cases]  # fmt: skip
        if len(cases) == 1 and not self.is_bound:
            self.initial.setdefault("case", cases[0].pk)
