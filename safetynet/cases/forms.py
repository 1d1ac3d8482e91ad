"""The case page's decision forms: the approver's opinion (审核意见) and the date, with the
errors in Chinese beside their fields and what was typed kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.cases.services import MAX_TEXT

DATE_ERRORS = {"required": _("请填写办理日期"), "invalid": _("办理日期格式应为 YYYY-MM-DD")}


def _text(label, required_message, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message},
    )


class StepForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    on = forms.DateField(label=_("办理日期"), error_messages=DATE_ERRORS,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    backdate_reason = _text(_("补录原因"), "", required=False, rows=2)


class ApproveForm(StepForm):
    opinion = _text(_("审核意见"), _("请填写审核意见"))


class RefuseForm(StepForm):
    reasons = _text(_("不予确认理由"), _("请填写不予确认理由"))
    opinion = _text(_("审核意见"), _("请填写审核意见"))


DECISION_FORMS = {"approve": ApproveForm, "refuse": RefuseForm}


class BackdateDecisionForm(forms.Form):
    note = _text(_("确认意见"), _("请填写意见"), required=False, rows=2)
