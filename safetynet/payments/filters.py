"""The payroll's filters: one payroll's lines, and the list of payrolls."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Programme
from safetynet.payments.models import Payment, PayrollRun
from safetynet.registry.filters import AreaFilterSet
from safetynet.site.lists import MonthFilter

BANK_STATES = Payment._meta.get_field("bank_status").choices


class PaymentFilter(AreaFilterSet):
    """A payroll's lines by village, kind, bank result, the month owed, and the one search.
    A payroll is one township's and one programme's: those are not choices here."""

    area_field = "case__area_code"
    household = "recipient__household"
    without = ("township",)

    kind = django_filters.ChoiceFilter(label=_("类别"), choices=Payment.Kind.choices, empty_label=_("全部"))
    state = django_filters.ChoiceFilter(label=_("银行结果"), field_name="bank_status", choices=BANK_STATES,
                                        empty_label=_("全部"))
    month = MonthFilter(label=_("所属月份"), field_name="for_month")


class RunFilter(AreaFilterSet):
    """The payrolls by township, programme, state and month."""

    area_field = "township__code"
    without = ("village", "q")

    programme = django_filters.ChoiceFilter(label=_("救助项目"), choices=Programme.choices, empty_label=_("全部"))
    state = django_filters.ChoiceFilter(label=_("状态"), field_name="status", choices=PayrollRun.Status.choices,
                                        empty_label=_("全部"))
    month = MonthFilter(label=_("发放月份"), field_name="month")
