"""The figures' filters: funds paid by township, programme and period (the page and its Excel)."""

from __future__ import annotations

from datetime import date

import django_filters
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Programme
from safetynet.registry.filters import AreaFilterSet
from safetynet.site.lists import MonthFilter
from safetynet.web import clock


class FundsFilter(AreaFilterSet):
    """Payment lines by township and programme, from one month to another (this year so far
    when not said; a bad month is a field error and the default stands)."""

    area_field = "run__township__code"
    without = ("village", "q")

    programme = django_filters.ChoiceFilter(label=_("救助项目"), choices=Programme.choices, empty_label=_("全部"))

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        today = clock.today()
        self.default = (date(today.year, 1, 1), today.replace(day=1))
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("from", f"{self.default[0]:%Y-%m}")
        data.setdefault("to", f"{self.default[1]:%Y-%m}")
        super().__init__(data, queryset, request=request, prefix=prefix)

    def period(self) -> tuple[date, date]:
        self.errors  # noqa: B018  (validates the form)
        cleaned = self.form.cleaned_data
        return cleaned.get("from") or self.default[0], cleaned.get("to") or self.default[1]

    def filter_queryset(self, queryset):
        start, end = self.period()
        return super().filter_queryset(queryset).filter(month__gte=start, month__lte=end)


# "from" is a Python keyword: the two ends of the period are added by name (the query string's
# names since the figures page began). Both are applied in ``filter_queryset`` with their defaults.
FundsFilter.base_filters["from"] = MonthFilter(label=_("自"), field_name="month", lookup_expr="gte",
                                               method=lambda qs, name, value: qs)
FundsFilter.base_filters["to"] = MonthFilter(label=_("至"), field_name="month", lookup_expr="lte",
                                             method=lambda qs, name, value: qs)
