"""The fund's forms: the county's allocation and adjustment, the township's return.

Amounts are typed as yuan (``1500.00``) and checked by the service's own parser, so the page and
the API refuse alike. The service's refusals come back beside their fields (``add_service_errors``).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.funds.services import parse_yuan
from safetynet.policy.errors import InputError
from safetynet.web import clock
from safetynet.web.lang import current_lang

MONEY = forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00", "size": 12})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": _("请填写日期"), "invalid": _("日期格式应为 YYYY-MM-DD")}


class FundForm(forms.Form):
    amount = forms.CharField(label=_("金额（元）"), max_length=20, widget=MONEY,
                             error_messages={"required": _("请填写金额")})  # fmt: skip
    on = forms.DateField(label=_("日期"), widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("on", clock.today())

    def clean_amount(self) -> int:
        try:
            fen = parse_yuan(self.cleaned_data["amount"])
        except InputError as exc:
            raise forms.ValidationError(exc.errors[0].message(current_lang())) from None
        if fen <= 0:
            raise forms.ValidationError(_("金额应大于 0"))
        return fen

    def clean_on(self):
        # Refused here, before the confirmation page: confirming an act the service then refuses
        # (the same rule, cases.services._day_errors) only confuses.
        on = self.cleaned_data["on"]
        if on > clock.today():
            raise forms.ValidationError(_("日期 %(on)s 晚于今天，不能预先登记") % {"on": on.isoformat()})
        return on

    def add_service_errors(self, exc: InputError) -> None:
        """The service's refusals beside the fields they name (else above the form)."""
        for e in exc.errors:
            name = e.path if e.path in self.fields else None
            self.add_error(name, e.message(current_lang()))


class AllocateForm(FundForm):
    document = forms.CharField(label=_("拨付文号"), max_length=60, help_text=_("县级民政部门拨付文件的文号"),
                               error_messages={"required": _("请填写拨付文号")})  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("拨付金额（元）")
        self.fields["on"].label = _("拨付日期")


class ReturnForm(FundForm):
    reason = forms.CharField(label=_("退回原因"), max_length=200,
                             help_text=_("如：先行救助款未支出、领取人退回多领款项"),
                             error_messages={"required": _("请填写退回原因")})  # fmt: skip
    case = forms.IntegerField(label=_("案件编号"), required=False, min_value=1, max_value=2**31 - 1,
                              help_text=_("退回款项所属的案件（如有）"))  # fmt: skip
    receipt = forms.CharField(label=_("收据编号"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("退回金额（元）")
        self.fields["on"].label = _("退回日期")


class AdjustForm(FundForm):
    direction = forms.ChoiceField(label=_("调整方向"), widget=forms.RadioSelect,
                                  choices=[("in", _("调增（增加余额）")), ("out", _("调减（减少余额）"))],
                                  error_messages={"required": _("请选择调增或调减")})  # fmt: skip
    reason = forms.CharField(label=_("调整原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("调整将记入账目和审计日志，并在对账单中单列"),
                             error_messages={"required": _("请填写调整原因")})  # fmt: skip
    field_order = ["direction", "amount", "on", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("调整金额（元）")
        self.fields["on"].label = _("调整日期")

    def signed_amount(self) -> int:
        fen = self.cleaned_data["amount"]
        return -fen if self.cleaned_data["direction"] == "out" else fen
