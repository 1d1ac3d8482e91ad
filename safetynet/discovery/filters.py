"""The discovery list's filters: the page, its Excel file and the API narrow it the same way."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from safetynet.discovery.models import Outcome, Source, State
from safetynet.discovery.selectors import now, overdue_q
from safetynet.registry.filters import AreaFilterSet
from safetynet.web.lists import MonthFilter


class TaskFilter(AreaFilterSet):
    area_field = "area_code"
    household = "household"

    source = django_filters.ChoiceFilter(label=_("线索来源"), choices=Source.choices, empty_label=_("全部"))
    state = django_filters.ChoiceFilter(label=_("状态"), choices=State.choices, empty_label=_("全部"))
    outcome = django_filters.ChoiceFilter(label=_("处置结果"), choices=Outcome.choices, empty_label=_("全部"))
    overdue = django_filters.ChoiceFilter(label=_("是否超期"), method="by_overdue", empty_label=_("全部"),
                                          choices=[("1", _("超期未走访")), ("0", _("未超期"))])  # fmt: skip
    month = MonthFilter(label=_("报告月份"), field_name="reported_at__date")

    def by_overdue(self, queryset, name, value):
        late = overdue_q(now())
        if value == "1":
            return queryset.filter(late)
        if value == "0":
            return queryset.exclude(late)
        return queryset
