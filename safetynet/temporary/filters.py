"""The filter of the list of temporary cases: township, village, search, kind, state."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import State
from safetynet.registry.filters import AreaFilterSet
from safetynet.temporary.models import Kind

# The states a temporary case passes through (the declaration's path), in its order.
STATES = ("reported", "helped", "precheck", "accepted", "investigated", "county", "granted", "paid", "refused",
          "withdrawn")


class TemporaryFilter(AreaFilterSet):
    area_field = "case__area_code"
    household = "household"

    kind = django_filters.ChoiceFilter(label=_("救助类型"), choices=Kind.choices, empty_label=_("全部"))
    state = django_filters.ChoiceFilter(label=_("状态"), field_name="case__state", empty_label=_("全部"),
                                        choices=[(s, State(s).label) for s in STATES])
