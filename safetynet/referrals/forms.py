"""The referral pages' forms. They check what a form can (required, choices, sizes); the
services check the rest, and their errors come back beside the field they name (``put_errors``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.policy.errors import FieldError
from safetynet.referrals import departments
from safetynet.referrals.models import Outcome
from safetynet.registry.models import DEPARTMENTS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00", "size": 12})
# Each empty field says what to fill in (not Django's "这个字段是必填项").
DATE_ERRORS = {"required": _("请填写日期"), "invalid": _("日期格式应为 YYYY-MM-DD")}


def _category_choices() -> list:
    # Grouped by department; the service checks the category belongs to the chosen one.
    labels = dict(DEPARTMENTS)
    return [("", "—")] + [(labels[code], list(d.categories)) for code, d in departments.DEPARTMENTS.items()]


class ReferralForm(forms.Form):
    department = forms.ChoiceField(label=_("转往部门"), choices=DEPARTMENTS, widget=forms.RadioSelect,
                                   error_messages={"required": _("请选择转往部门")})  # fmt: skip
    category = forms.ChoiceField(label=_("需求类别"), choices=_category_choices,
                                 error_messages={"required": _("请选择需求类别")})  # fmt: skip
    need = forms.CharField(label=_("需求情况（求助事由、困难情形，受灾的写明受损情况）"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _("请填写需求情况")})  # fmt: skip
    amount = forms.CharField(label=_("涉及金额（元，如住院自付费用；可不填）"), max_length=20, required=False,
                             widget=MONEY)  # fmt: skip
    case = forms.ChoiceField(label=_("来源案件（可不填）"), required=False)
    on = forms.DateField(label=_("转介日期"), widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", _("（无）"))] + [
            (c.pk, f"#{c.pk} {c.get_programme_display()}（{c.get_state_display()}）") for c in cases
        ]


class ReceiveForm(forms.Form):
    on = forms.DateField(label=_("接收日期"), widget=DATE, error_messages=DATE_ERRORS)


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=[("", "—")] + Outcome.choices,
                                error_messages={"required": _("请选择办理结果")})  # fmt: skip
    amount = forms.CharField(label=_("救助金额（元，给予资金救助时填写）"), max_length=20, required=False, widget=MONEY)
    answer = forms.CharField(label=_("答复内容（办理情况或不予办理的理由）"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("请填写答复内容")})  # fmt: skip
    on = forms.DateField(label=_("答复日期"), widget=DATE, error_messages=DATE_ERRORS)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=2000, error_messages={"required": _("请填写撤回原因")})
    on = forms.DateField(label=_("撤回日期"), widget=DATE, error_messages=DATE_ERRORS)


def put_errors(form, errors: list[FieldError], lang: str = "zh") -> None:
    """A service's errors beside the fields they name; one the form has no field for above it."""
    choose = "请从列表中选择" if lang == "zh" else "choose from the list"
    # A category of another department was chosen from the list: say so (the list is grouped by department).
    other = "所选需求类别不属于所选部门，请在该部门名下选择"
    if lang != "zh":
        other = "choose one of that department's needs"
    for e in errors:
        message = e.message(lang)
        if e.code == "choice":
            message = other if e.path == "category" else choose
        form.add_error(e.path if e.path in form.fields else None, message)
