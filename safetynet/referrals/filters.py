"""The referrals list's filters: the page, its Excel file and the API narrow it the same way."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from safetynet.referrals.models import OPEN_STATES, State
from safetynet.registry.filters import AreaFilterSet
from safetynet.registry.models import DEPARTMENTS
from safetynet.registry.selectors import staff_of
from safetynet.web import clock
from safetynet.web.lists import MonthFilter


class ReferralFilter(AreaFilterSet):
    """Township, village, department, state, overdue, month sent and the one search."""

    area_field = "area_code"
    household = "household"

    department = django_filters.ChoiceFilter(label=_("协办部门"), choices=DEPARTMENTS, empty_label=_("全部"))
    state = django_filters.ChoiceFilter(label=_("状态"), choices=State.choices, empty_label=_("全部"))
    overdue = django_filters.ChoiceFilter(label=_("是否超期"), method="by_overdue", empty_label=_("全部"),
                                          choices=[("1", _("已超期未答复")), ("0", _("未超期"))])  # fmt: skip
    month = MonthFilter(label=_("转介月份"), field_name="sent_on")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, township: str = ""):
        super().__init__(data, queryset, request=request, prefix=prefix, township=township)
        staff = staff_of(getattr(request, "user", None))
        if staff is not None and staff.role == "department":
            del self.filters["department"]  # a liaison sees its own department's only

    def by_overdue(self, queryset, name, value):
        today = clock.today()
        late = {"state__in": OPEN_STATES, "due_on__lt": today}
        if value == "1":
            return queryset.filter(**late)
        if value == "0":
            return queryset.exclude(**late)
        return queryset
