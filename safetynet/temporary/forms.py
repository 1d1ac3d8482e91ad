"""The pages' forms of temporary assistance: the registration (求助登记) and each step's form on
the case page (the frame's ``cases.forms.StepForm`` with the step's own fields; the schemas in
``schemas.py`` ask the same). Amounts are typed as yuan text ("3000.00") and checked by the
services, for the page and the API alike."""

from __future__ import annotations

import json
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.cases.forms import StepForm
from safetynet.cases.services import MAX_TEXT
from safetynet.policy.money import fmt, to_fen
from safetynet.policy.parameters import value
from safetynet.policy.temporary import unemployed_periods
from safetynet.temporary.models import KIND_CAUSES, Cause, Kind, Method
from safetynet.web import clock

MONEY_ATTRS = {"inputmode": "decimal", "size": 12, "placeholder": "0.00"}


def _money(label, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=20, help_text=help_text,
                           widget=forms.TextInput(attrs=MONEY_ATTRS),
                           error_messages={"required": _("请填写金额")})  # fmt: skip


def _text(label, required_message="", *, required: bool = True, rows: int = 3, max_length: int = MAX_TEXT):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}) if max_length > 60 else None,
                           error_messages={"required": required_message})  # fmt: skip


def _cause_choices():
    # No cause is chosen for the clerk: an empty first line, not the first cause (火灾).
    return [("", "—")] + [(str(kind.label), [(c.value, c.label) for c in causes])
                          for kind, causes in KIND_CAUSES.items()]  # fmt: skip


def unemployed_in_force(area_code: str, on: date | None) -> bool:
    """Whether the 2020 one-off for the uninsured unemployed (a dated rule, 通知-2020) is in force
    on the event's day: outside it the cause and its two questions are not offered."""
    return on is not None and bool(value("temporary_unemployed_2020", area_code[:6], on)["in_force"])


def unemployed_periods_text() -> str:
    return "、".join(f"{start:%Y-%m-%d} 至 {until:%Y-%m-%d}" if until else f"{start:%Y-%m-%d} 起"
                    for start, until in unemployed_periods()) or "—"  # fmt: skip


class CauseSelect(forms.Select):
    """The causes, the 2020 one-off's hidden (and not choosable) while its rule is not in force on
    the event's day; the page's script shows it again when the day is changed into its period."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unemployed_shown = True

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value == Cause.UNEMPLOYED:
            option["attrs"]["data-unemployed"] = ""
            if not self.unemployed_shown:
                option["attrs"] |= {"hidden": True, "disabled": True}
        return option


class ReportForm(forms.Form):
    """求助登记: the person in need, the event, who reported it and when (the 24 hours run from it)."""

    applicant = forms.TypedChoiceField(label=_("救助对象"), coerce=int,
                                       error_messages={"required": _("请选择救助对象")})
    kind = forms.ChoiceField(label=_("救助类型"), choices=Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("请选择救助类型")})
    cause = forms.ChoiceField(label=_("致困原因"), choices=_cause_choices, widget=CauseSelect,
                              error_messages={"required": _("请选择致困原因")})
    occurred_on = forms.DateField(label=_("发生日期"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"required": _("请填写发生日期"),
                                                  "invalid": _("日期格式应为 YYYY-MM-DD")})  # fmt: skip
    reported_at = forms.DateTimeField(
        label=_("求助登记时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("请填写求助登记时间"), "invalid": _("时间格式应为 YYYY-MM-DD HH:MM")},
    )
    reported_by_name = forms.CharField(label=_("报告人（本人申请可不填）"), max_length=40, required=False)
    reported_by_relation = forms.CharField(label=_("报告人身份（邻居、村干部等）"), max_length=40, required=False)
    from_elsewhere = forms.BooleanField(label=_("非本地户籍（在急难发生地救助）"), required=False)
    description = _text(_("困难情况"), required=False)
    requested = _money(_("申请金额（元，可不填）"), required=False)
    spending = _money(_("刚性支出（元，支出型必填）"), required=False)
    reimbursed = _money(_("医保等已报销（元）"), required=False)
    other_assistance = _money(_("其他救助、帮扶（元）"), required=False)
    # The 2020 one-off (cause "unemployed"; 通知-2020): declared by the person.
    months_without_income = forms.IntegerField(label=_("连续无收入月数（2020 年一次性救助）"), required=False,
                                               min_value=0, max_value=120)
    unemployment_insurance = forms.TypedChoiceField(
        label=_("领取失业保险金（2020 年一次性救助）"), required=False, empty_value=None,
        choices=[("", "—"), ("no", _("未领取")), ("yes", _("领取"))], coerce=lambda v: v == "yes")
    from_case = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        members = [p for p in household.members.all() if p.left_on is None]
        self.fields["applicant"].choices = [("", "—")] + [(p.pk, p.choice_label())
                                                          for p in members]  # fmt: skip
        if not self.is_bound:
            self.initial.setdefault("reported_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("occurred_on", clock.today())
        self.area_code = household.village_id
        # The 2020 one-off's cause and questions only for an event on a day its rule is in force.
        self.unemployed_shown = unemployed_in_force(self.area_code, self._event_day())
        self.fields["cause"].widget.unemployed_shown = self.unemployed_shown
        self.unemployed_periods = json.dumps([[f"{start:%Y-%m-%d}", f"{until:%Y-%m-%d}" if until else ""]
                                              for start, until in unemployed_periods()])  # fmt: skip

    def _event_day(self) -> date | None:
        if not self.is_bound:
            day = self.initial.get("occurred_on")
            return day if isinstance(day, date) else None
        try:
            return self.fields["occurred_on"].clean(self.data.get(self.add_prefix("occurred_on")))
        except forms.ValidationError:
            return None

    def clean(self):
        data = super().clean()
        if data.get("cause") == Cause.UNEMPLOYED and data.get("occurred_on") and not self.unemployed_shown:
            self.add_error("cause", _("“%(cause)s”只适用于 %(periods)s 发生的事件") % {
                "cause": Cause.UNEMPLOYED.label, "periods": unemployed_periods_text()})
        if data.get("cause") != Cause.UNEMPLOYED:  # the one-off's questions mean nothing for another cause
            data["months_without_income"] = data["unemployment_insurance"] = None
        return data


def _most(case) -> tuple[int | None, int | None]:
    """The rules' amount and the township's limit in the case's stored assessment (fen)."""
    answer = (case.assessment or {}) if case is not None else {}
    most, limit = answer.get("amount"), answer.get("township_limit")
    return (to_fen(most) if most else None), (to_fen(limit) if limit else None)


class HelpFirstForm(StepForm):
    amount = _money(_("先行救助金额（元）"))
    method = forms.ChoiceField(label=_("发放方式"), choices=Method.choices, initial=Method.CASH)
    time = forms.CharField(label=_("发放时间（时:分）"), max_length=5,
                           widget=forms.TimeInput(attrs={"type": "time"}),
                           error_messages={"required": _("请填写发放时间")})  # fmt: skip
    receipt = forms.CharField(label=_("收据或转账凭证号"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # offered: what the rules allow, within the township's limit
            self.initial.setdefault("time", timezone.localtime().strftime("%H:%M"))
            most, limit = _most(self.case)
            if most:
                self.initial.setdefault("amount", fmt(min(most, limit) if limit else most))


class GrantForm(StepForm):
    # The total of the grant: what help first paid is part of it (the payroll pays the rest).
    amount = _money(_("批准金额（元，含已先行救助金额）"))
    opinion = _text(_("审核意见"), _("请填写审核意见"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        most, limit = _most(self.case)
        if not self.is_bound and most:  # offered: what the rules allow, within the township's limit
            self.initial.setdefault("amount", fmt(min(most, limit) if limit else most))


class ReferForm(StepForm):
    amount = _money(_("报请县级审批金额（元）"))
    opinion = _text(_("乡镇审核意见"), _("请填写审核意见"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        most, limit = _most(self.case)
        if not self.is_bound and most and limit and most > limit:  # offered: what the rules allow
            self.initial.setdefault("amount", fmt(most))


class CountyGrantForm(StepForm):
    amount = _money(_("批准金额（元，含已先行救助金额；不填按乡镇报请金额）"), required=False)
    opinion = _text(_("县级审批意见"), _("请填写审批意见"))


class CountyRefuseForm(StepForm):
    reasons = _text(_("不予批准理由"), _("请填写不予批准理由"))
    opinion = _text(_("县级审批意见"), _("请填写审批意见"))


class PayCashForm(StepForm):
    receipt = forms.CharField(label=_("现金发放收据号"), max_length=40, error_messages={"required": _("请填写收据号")})


class OpenApplicationForm(forms.Form):
    programme = forms.ChoiceField(label=_("转为"),
                                  choices=[("dibao", _("最低生活保障")), ("tekun", _("特困人员救助供养"))])
    on = forms.DateField(label=_("发起核对日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         error_messages={"required": _("请填写办理日期"), "invalid": _("办理日期格式应为 YYYY-MM-DD")})
