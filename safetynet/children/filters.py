"""The filter of the list of children's and students' cases: township, village, search (name,
ID number or its last four digits, household number), programme, state, school year."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from safetynet.cases import programmes
from safetynet.cases.models import State
from safetynet.children.selectors import PROGRAMMES
from safetynet.registry.filters import AreaFilterSet

# The states a child's or a student's case passes through (the declarations' paths), in order.
STATES = ("accepted", "investigated", "county", "approved", "granted", "paid", "suspended", "ending", "terminated",
          "refused", "withdrawn")


class ChildrenFilter(AreaFilterSet):
    area_field = "area_code"
    household = "household"

    programme = django_filters.ChoiceFilter(label=_("类别"), empty_label=_("全部"),
                                            choices=lambda: [(c, programmes.label(c)) for c in PROGRAMMES])
    state = django_filters.ChoiceFilter(label=_("状态"), empty_label=_("全部"),
                                        choices=[(s, State(s).label) for s in STATES if s in State.values])
    school_year = django_filters.NumberFilter(label=_("学年（起始年份）"), field_name="aid__school_year")
