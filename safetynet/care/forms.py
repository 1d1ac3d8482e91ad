"""The care pages' forms; the services check the rest and their errors come back beside the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.care.models import ACTIVITIES, AssessorKind, Reassessment, Recipient

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": _("请填写日期"), "invalid": _("日期格式应为 YYYY-MM-DD")}


def _date(label):
    return forms.DateField(label=label, widget=DATE, error_messages=DATE_ERRORS)


def _text(label, max_length, **kw):
    return forms.CharField(label=label, max_length=max_length, error_messages={"required": _("必填")}, **kw)


class InstitutionForm(forms.Form):
    name = _text(_("名称"), 100)
    county = forms.ChoiceField(label=_("所在县（市、区）"), error_messages={"required": _("请选择县（市、区）")})
    township = forms.ChoiceField(label=_("所在乡镇（街道）"), required=False)
    capacity = forms.IntegerField(label=_("床位数"), min_value=1, error_messages={"required": _("请填写床位数")})

    def __init__(self, *args, counties=(), townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", "—")] + [(a.code, a.name) for a in counties]
        self.fields["township"].choices = [("", "—")] + [(a.code, a.name) for a in townships]


class CaregiverForm(forms.Form):
    name = _text(_("姓名"), 40)
    id_number = _text(_("公民身份号码"), 18)
    relation = _text(_("与供养对象关系"), 20)
    phone = _text(_("联系电话"), 20)
    since = _date(_("起始日期"))


class AgreementForm(forms.Form):
    caregiver = forms.ChoiceField(label=_("照料护理人"), error_messages={"required": _("请选择照料护理人")})
    number = _text(_("协议编号"), 40)
    parties = _text(_("协议各方"), 200)
    starts_on = _date(_("协议起始日期"))
    ends_on = _date(_("协议终止日期"))
    duties = _text(_("照料护理职责"), 2000, widget=forms.Textarea(attrs={"rows": 2}))
    allowance_to = forms.ChoiceField(label=_("照料护理费领取人"), choices=Recipient.choices)

    def __init__(self, *args, caregivers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caregiver"].choices = [("", "—")] + [(c.pk, c.name) for c in caregivers]


class VisitForm(forms.Form):
    visited_on = _date(_("探访日期"))
    visitor = _text(_("探访人"), 60)
    findings = _text(_("探访情况"), 2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("原因"), choices=Reassessment.Reason.choices)
    reported_on = _date(_("报告（申请）日期"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class AssessmentForm(forms.Form):
    assessor_kind = forms.ChoiceField(label=_("评估主体"), choices=AssessorKind.choices)
    assessor = _text(_("评估机构（人员）"), 100)
    assessed_on = _date(_("评估日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in ACTIVITIES.items():
            self.fields[f"item_{code}"] = forms.ChoiceField(
                label=label, choices=[("", "—"), ("yes", _("能够完成")), ("no", _("不能完成"))],
                error_messages={"required": _("请逐项评定")},
            )

    def achieved(self) -> dict:
        return {code: self.cleaned_data[f"item_{code}"] == "yes" for code in ACTIVITIES}


class MoveForm(forms.Form):
    tekun = forms.ChoiceField(label=_("本人的特困人员供养申请（已入户调查）"),
                              error_messages={"required": _("请选择特困人员供养申请")})  # fmt: skip
    on = _date(_("决定日期"))

    def __init__(self, *args, tekun_cases=(), case=None, **kwargs):
        from safetynet.care.decision import support_fields

        super().__init__(*args, **kwargs)
        self.fields["tekun"].choices = [("", "—")] + [(c.pk, f"#{c.pk}") for c in tekun_cases]
        if case is not None:  # the tekun approval carries the support mode (care.decision)
            self.fields.update(support_fields(case))


class CompleteMoveForm(forms.Form):
    on = _date(_("公示期满日期"))


class ChoiceForm(forms.Form):
    signed_on = _date(_("签订日期"))
    document = _text(_("协议编号"), 40)
