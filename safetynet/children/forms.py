"""The page's forms of the children's and education aid's own steps (errors beside their fields)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safetynet.cases.forms import StepForm, _text


class OpinionForm(StepForm):
    opinion = _text(_("审核意见"), _("请填写审核意见"))


class OptionalOpinionForm(StepForm):
    opinion = _text(_("审批意见"), required=False)


class ReasonsForm(StepForm):
    reasons = _text(_("不予批准理由"), _("请填写理由"))
