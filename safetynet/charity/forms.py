"""The charity's forms. Amounts are typed in yuan and read by the house's parser; the services
check the rest, and their refusals come back beside the fields they name (``add_service_errors``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.charity.models import IncubationBase, Organisation, Project, Supermarket
from safetynet.charity.models.donations import Purpose
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import parse_money
from safetynet.web import clock
from safetynet.web.lang import current_lang

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00", "size": 12})


class ServiceForm(forms.Form):
    # service path -> form field, where they differ
    paths: dict[str, str] = {}

    def add_service_errors(self, exc: InputError) -> None:
        for e in exc.errors:
            name = self.paths.get(e.path, e.path)
            name = name if name in self.fields else None
            self.add_error(name, e.message(current_lang()))


def yuan_field(label, *, required: bool = True):
    return forms.CharField(label=label, max_length=20, widget=MONEY, required=required)


def clean_yuan(form, name: str, *, required: bool = True) -> int:
    errors: list[FieldError] = []
    fen = parse_money(str(form.cleaned_data.get(name) or "").replace(",", ""), name, errors, required=required,
                      empty=0)
    if errors:
        raise forms.ValidationError(errors[0].message(current_lang()))
    return fen


def today_initial(form, *names: str) -> None:
    if not form.is_bound:
        for name in names:
            form.initial.setdefault(name, clock.today())


class OrganisationForm(ServiceForm):
    code = forms.CharField(label=_("统一社会信用代码"), max_length=30, help_text=_("18 位，第 18 位为校验码"))
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Organisation.Kind.choices)
    authority = forms.CharField(label=_("登记管理机关"), max_length=60)
    area = forms.CharField(label=_("登记区划代码"), max_length=12, help_text=_("市 3708，或县级区划代码"))
    registered_on = forms.DateField(label=_("登记日期"), widget=DATE)
    incubation_base = forms.ModelChoiceField(label=_("入驻孵化基地"), queryset=IncubationBase.objects.all(),
                                             required=False)  # fmt: skip


class ProjectForm(ServiceForm):
    name = forms.CharField(label=_("项目名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=Project.Kind.choices)
    target_group = forms.CharField(label=_("服务对象"), max_length=100)
    area = forms.CharField(label=_("服务区域代码"), max_length=12)
    budget = yuan_field(_("预算（元）"))
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)

    def clean_budget(self):
        return clean_yuan(self, "budget")


class DeliveryForm(ServiceForm):
    on = forms.DateField(label=_("服务日期"), widget=DATE)
    description = forms.CharField(label=_("服务内容"), max_length=200)
    value = yuan_field(_("每位受助人所得价值（元）"), required=False)
    anonymous_persons = forms.IntegerField(label=_("未具名受助人次"), min_value=0, max_value=10**7, required=False)
    staff_times = forms.IntegerField(label=_("工作人员人次"), min_value=0, max_value=10**7, required=False)
    staff_hours = forms.DecimalField(label=_("工作人员服务时长（小时）"), min_value=0, max_digits=9, decimal_places=1,
                                     required=False)  # fmt: skip
    volunteer_times = forms.IntegerField(label=_("志愿者人次"), min_value=0, max_value=10**7, required=False)
    volunteer_hours = forms.DecimalField(label=_("志愿者服务时长（小时）"), min_value=0, max_digits=9,
                                         decimal_places=1, required=False)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today_initial(self, "on")

    def clean_value(self):
        return clean_yuan(self, "value", required=False)


class RecipientForm(forms.Form):
    id_number = forms.CharField(label=_("受助人身份证号"), max_length=18, required=False)


RecipientFormSet = forms.formset_factory(RecipientForm, extra=3, max_num=200)


class ReceiveForm(ServiceForm):
    donor = forms.CharField(label=_("捐赠人"), max_length=100)
    on = forms.DateField(label=_("接收日期"), widget=DATE)
    amount = yuan_field(_("金额或物资价值（元）"))
    goods = forms.CharField(label=_("物资（品名、数量）"), max_length=200, required=False,
                            help_text=_("捐赠物资时填写；捐赠资金不填"))  # fmt: skip
    purpose = forms.ChoiceField(label=_("定向用途"), choices=[("", _("非定向"))] + Purpose.choices, required=False,
                                help_text=_("定向捐赠只能用于所选用途"))  # fmt: skip
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today_initial(self, "on")

    def clean_amount(self):
        return clean_yuan(self, "amount")


class SpendForm(ServiceForm):
    paths = {"target": "project"}
    receipt = forms.ChoiceField(label=_("所用捐赠（票据号）"))
    on = forms.DateField(label=_("支出日期"), widget=DATE)
    amount = yuan_field(_("金额（元）"))
    purpose = forms.ChoiceField(label=_("用途"), choices=Purpose.choices)
    project = forms.ModelChoiceField(label=_("支出到项目"), queryset=Project.objects.none(), required=False)
    id_number = forms.CharField(label=_("或支出到家庭（成员身份证号）"), max_length=18, required=False)
    supermarket = forms.ModelChoiceField(label=_("或支出到慈善超市"), queryset=Supermarket.objects.all(),
                                         required=False)  # fmt: skip
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, gifts=(), projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        today_initial(self, "on")
        from safetynet.policy.money import fmt

        self.fields["receipt"].choices = [(g.receipt, f"{g.receipt} {g.donor}（{g.purpose_label}，余 {fmt(left)} 元）")
                                          for g, left in gifts]  # fmt: skip
        if projects is not None:
            self.fields["project"].queryset = projects

    def clean_amount(self):
        return clean_yuan(self, "amount")


class ReverseForm(ServiceForm):
    on = forms.DateField(label=_("冲正日期"), widget=DATE)
    reason = forms.CharField(label=_("冲正原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today_initial(self, "on")


class SupermarketForm(ServiceForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    area = forms.CharField(label=_("所在乡镇（街道）代码"), max_length=12)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    operator = forms.ModelChoiceField(label=_("运营社会组织"), queryset=Organisation.objects.none(), required=False)
    opened_on = forms.DateField(label=_("开业日期"), widget=DATE)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["operator"].queryset = organisations


class EnrolForm(ServiceForm):
    id_number = forms.CharField(label=_("家庭成员身份证号"), max_length=18)
    on = forms.DateField(label=_("登记日期"), widget=DATE)
    edge_document = forms.CharField(label=_("低保边缘家庭认定文号"), max_length=60, required=False,
                                    help_text=_("仅低保边缘家庭填写；低保、特困、临时救助对象按案件识别"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today_initial(self, "on")


class StockInForm(ServiceForm):
    on = forms.DateField(label=_("入库日期"), widget=DATE)
    item = forms.CharField(label=_("物品"), max_length=100)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=10**7)
    value = yuan_field(_("价值（元）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today_initial(self, "on")

    def clean_value(self):
        return clean_yuan(self, "value")


class GiveForm(ServiceForm):
    id_number = forms.CharField(label=_("家庭成员身份证号"), max_length=18)
    on = forms.DateField(label=_("发放日期"), widget=DATE)
    item = forms.CharField(label=_("物品"), max_length=100)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=10**7)
    points = forms.IntegerField(label=_("积分"), min_value=0, max_value=10**7)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today_initial(self, "on")


class BaseForm(ServiceForm):
    name = forms.CharField(label=_("孵化基地名称"), max_length=100)
    area = forms.CharField(label=_("所在区划代码"), max_length=12)
    opened_on = forms.DateField(label=_("建成日期"), widget=DATE)


class RoundForm(ServiceForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    budget = yuan_field(_("资助总额（元）"))
    closes_on = forms.DateField(label=_("申报截止"), widget=DATE)

    def clean_budget(self):
        return clean_yuan(self, "budget")


class ApplicationForm(ServiceForm):
    organisation = forms.ModelChoiceField(label=_("社会组织"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("项目名称"), max_length=100)
    requested = yuan_field(_("申请金额（元）"))

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations is not None and organisations.count() == 1:
            self.initial.setdefault("organisation", organisations.first())

    def clean_requested(self):
        return clean_yuan(self, "requested")


class ScoreForm(ServiceForm):
    points = forms.IntegerField(label=_("评分（0–100）"), min_value=0, max_value=100)


class DecisionForm(ServiceForm):
    funded = yuan_field(_("资助金额（元，0 为不予资助）"))
    area = forms.CharField(label=_("服务区域代码"), max_length=12)
    target_group = forms.CharField(label=_("服务对象"), max_length=100, required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)

    def clean_funded(self):
        return clean_yuan(self, "funded")
