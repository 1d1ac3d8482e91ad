"""The filters of the lists of cases (the desk, the deadline board, later "my tasks")."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import OPEN_STATES, Programme, State
from safetynet.registry.filters import AreaFilterSet


class CaseFilter(AreaFilterSet):
    """Township, village, programme, state and the one search."""

    area_field = "area_code"
    household = "household"

    programme = django_filters.ChoiceFilter(label=_("救助项目"), choices=Programme.choices, empty_label=_("全部"))
    state = django_filters.ChoiceFilter(label=_("状态"), choices=State.choices, empty_label=_("全部"))


class OpenCaseFilter(CaseFilter):
    """The same, for lists of open cases: only the open states to choose from."""

    state = django_filters.ChoiceFilter(label=_("状态"), empty_label=_("全部"),
                                        choices=[(s.value, s.label) for s in State if s.value in OPEN_STATES])
