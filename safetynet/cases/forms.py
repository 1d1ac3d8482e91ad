"""The case page's step forms: one Django form per kind of step (the date, the version the user
saw, a reason for a backdated step, and what the step itself asks), with the errors in Chinese
beside their fields and what was typed kept. ``steps.py`` names each step's form.

The forms check the kind of each value (a date, a number); what a step requires of it (two
investigators, a signature) the service checks, for the page and the API alike."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safetynet.cases.services import MAX_INVESTIGATORS, MAX_TEXT
from safetynet.policy import exits

DATE_ERRORS = {"required": _("请填写办理日期"), "invalid": _("办理日期格式应为 YYYY-MM-DD")}


def _text(label, required_message="", *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message},
    )


class NamesField(forms.CharField):
    """Names typed on one line, separated as people write lists of names: commas (either kind),
    the enumeration comma 、 or semicolons ("张三、李四"): a list of names."""

    def to_python(self, value):
        value = super().to_python(value)
        return [n.strip() for n in _NAME_SEPARATORS.split(value) if n.strip()][: MAX_INVESTIGATORS + 1]


# Not spaces: a name may be typed with one (欧阳 明).
_NAME_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")


class StepForm(forms.Form):
    """What every step asks: the date it was done and the case's version the user saw."""

    version = forms.IntegerField(label=_("版本"), min_value=1, widget=forms.HiddenInput,
                                 error_messages={"required": _("页面已过期，请刷新后重试")})
    on = forms.DateField(label=_("办理日期"), error_messages=DATE_ERRORS,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    backdate_reason = _text(_("补录原因"), required=False, rows=2)

    def __init__(self, *args, case=None, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)


class HomeVisitForm(StepForm):
    investigators = NamesField(label=_("调查人员（至少两名，逗号分隔）"), required=False, max_length=400)
    family_signed = forms.BooleanField(label=_("在场家庭成员已签字"), required=False)
    county_level = forms.BooleanField(label=_("县级入户调查"), required=False)
    findings = _text(_("调查情况"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None and not self.case.staff_relative:
            del self.fields["county_level"]  # asked only of a relative's case (近亲属备案)


class ObjectionForm(StepForm):
    text = _text(_("异议内容"), _("请填写异议内容"))


class ReasonForm(StepForm):
    reason = _text(_("原因"), required=False, rows=2)


def _causes(causes=None) -> list[tuple[str, str]]:
    english = get_language() == "en"
    return [("", "—")] + [(code, en if english else zh) for code, (zh, en) in (causes or exits.CAUSES).items()]


class TerminationNoticeForm(StepForm):
    # The dated rules decide whether a cause is required (2020's epidemic pause of dibao exits).
    cause = forms.ChoiceField(label=_("终止情形"), choices=_causes, required=False)
    reason = _text(_("原因"), _("请填写终止原因"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None:  # the programme's own grounds (a child's), else dibao's
            from safetynet.cases import programmes

            causes = programmes.get(self.case.programme).causes()
            self.fields["cause"].choices = _causes(causes)


class GraduatedExitForm(StepForm):
    # The range is a dated parameter (``graduated_exit_months``): the service checks it.
    months = forms.IntegerField(
        label=_("渐退月数"), min_value=1, initial=3,
        error_messages={"required": _("请填写渐退月数"), "invalid": _("渐退月数应为整数"),
                        "min_value": _("渐退月数应为整数")},
    )


class ApproveForm(StepForm):
    opinion = _text(_("审核意见"), _("请填写审核意见"))


class RefuseForm(StepForm):
    reasons = _text(_("不予确认理由"), _("请填写不予确认理由"))
    opinion = _text(_("审核意见"), _("请填写审核意见"))


class BackdateDecisionForm(forms.Form):
    note = _text(_("确认意见"), _("请填写意见"), required=False, rows=2)
