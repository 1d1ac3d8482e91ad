"""The filters every list of the office shares: township and village within the user's area,
and the one search (``registry.search``); and the household list's own filter."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from safetynet.registry.models import Area
from safetynet.registry.search import search
from safetynet.registry.selectors import areas_for
from safetynet.site.lists import SearchField, place

# A city's thousands of villages make no select: above this many, pick the township first.
MAX_VILLAGE_CHOICES = 400


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class AreaFilterSet(django_filters.FilterSet):
    """Township, village and search, scoped to the user's area (another area is not a choice:
    it is a field error, never rows of another township).

    A subclass says where its rows keep their area code (``area_field``: a village's or a
    township's code, matched by prefix) and how its rows reach a household (``household``, as
    ``registry.search.search`` takes it)."""

    area_field = "area_code"
    household: str | None = "household"
    search_fields: dict[str, str] = {}
    without: tuple[str, ...] = ()  # shared filters a list has no use for

    q = SearchFilter(label=_("查询"), method="search")
    township = django_filters.ChoiceFilter(label=_("乡镇（街道）"), method="in_area", empty_label=_("全部"))
    village = django_filters.ChoiceFilter(label=_("村居"), method="in_area", empty_label=_("全部"))

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, township: str = ""):
        """``township``: a list of one township's rows (a payroll): its villages only."""
        super().__init__(data, queryset, request=request, prefix=prefix)
        for name in self.without:
            del self.filters[name]
        user = getattr(request, "user", None)
        townships = [] if township else list(areas_for(user, Area.Level.TOWNSHIP))
        if "township" in self.filters:
            if len(townships) <= 1:
                del self.filters["township"]  # a township's own staff: nothing to choose
            else:
                self.filters["township"].extra["choices"] = [(a.code, a.name) for a in townships]
        if "village" not in self.filters:
            return
        chosen = township or (data or {}).get("township", "")
        villages = areas_for(user, Area.Level.VILLAGE).select_related("parent")
        if township or chosen in {a.code for a in townships}:
            villages = villages.filter(code__startswith=chosen)
        villages = list(villages[: MAX_VILLAGE_CHOICES + 1])
        if len(villages) > MAX_VILLAGE_CHOICES:
            villages = []
        self.filters["village"].extra["choices"] = [(v.code, place(v)) for v in villages]

    def in_area(self, queryset, name, value):
        return queryset.filter(**{f"{self.area_field}__startswith": value}) if value else queryset

    def search(self, queryset, name, value):
        return search(queryset, value, household=self.household, **self.search_fields)


class HouseholdFilter(AreaFilterSet):
    area_field = "village__code"
    household = ""

