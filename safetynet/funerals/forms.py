"""The funeral waiver's forms; the services check the rest and their errors come back beside the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.funerals.models import SERVICES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": _("请填写日期"), "invalid": _("日期格式应为 YYYY-MM-DD")}
MONEY = forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00", "size": 12})


class ClaimForm(forms.Form):
    id_number = forms.CharField(label=_("逝者公民身份号码"), max_length=18,
                                error_messages={"required": _("请填写公民身份号码")})  # fmt: skip
    name = forms.CharField(label=_("逝者姓名"), max_length=40, error_messages={"required": _("请填写姓名")})
    death_date = forms.DateField(label=_("死亡日期"), widget=DATE, error_messages=DATE_ERRORS)
    served_on = forms.DateField(label=_("服务日期"), widget=DATE, error_messages=DATE_ERRORS)
    urn = forms.CharField(label=_("骨灰盒收费（元）"), max_length=20, required=False, widget=MONEY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in SERVICES.items():
            self.fields[f"service_{code}"] = forms.CharField(label=label, max_length=20, required=False, widget=MONEY,
                                                             help_text=_("元"))  # fmt: skip

    def services(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"service_{code}") or "" for code in SERVICES}


class HomeForm(forms.Form):
    code = forms.CharField(label=_("殡仪馆代码"), max_length=20, error_messages={"required": _("请填写代码")})
    name = forms.CharField(label=_("名称"), max_length=100, error_messages={"required": _("请填写名称")})
    county = forms.ChoiceField(label=_("所在县（市、区）"), error_messages={"required": _("请选择县（市、区）")})

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", "—")] + [(a.code, a.name) for a in counties]


class StatementForm(forms.Form):
    home = forms.ChoiceField(label=_("殡仪馆"), error_messages={"required": _("请选择殡仪馆")})
    month = forms.CharField(label=_("月份（YYYY-MM）"), max_length=7, error_messages={"required": _("请填写月份")})

    def __init__(self, *args, homes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home"].choices = [("", "—")] + [(h.pk, h.name) for h in homes]

    def clean_month(self):
        from datetime import date

        raw = self.cleaned_data["month"].strip()
        try:
            year, month = (int(p) for p in raw.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("月份格式应为 YYYY-MM")) from None
