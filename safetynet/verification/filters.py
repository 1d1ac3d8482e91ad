"""The problem ledger's filters: the page, its Excel file and (through ``views.ledger_filtered``)
the API narrow it the same way."""

from __future__ import annotations

import django_filters
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safetynet.batch.feed_items import ITEMS
from safetynet.batch.screen import FINDING_KINDS
from safetynet.registry.filters import AreaFilterSet
from safetynet.site.lists import MonthFilter
from safetynet.supervision.models import LedgerItem

PROGRAMME_CHOICES = [("dibao", _("低保")), ("tekun", _("特困"))]


def finding_kind_choices() -> list[tuple[str, str]]:
    """The kinds of finding in the page's language (a callable: read when the form is shown)."""
    english = (get_language() or "").startswith("en")
    return [(k, v[1] if english else v[0]) for k, v in FINDING_KINDS.items()]


class LedgerFilter(AreaFilterSet):
    """Township, village, kind, programme, state, month and the one search (an item names its
    person by ID number and its household by register number)."""

    area_field = "area__code"
    household = None
    search_fields = {"id_number": "id_number", "household_no": "household_no"}

    kind = django_filters.ChoiceFilter(label=_("问题类型"), empty_label=_("全部"), choices=finding_kind_choices)
    programme = django_filters.ChoiceFilter(label=_("项目"), choices=PROGRAMME_CHOICES, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=LedgerItem.Status.choices, empty_label=_("全部"))
    month = MonthFilter(label=_("筛查月份"), field_name="month")


class DeliveryFilter(django_filters.FilterSet):
    """Department deliveries by data item and the month delivered."""

    item = django_filters.ChoiceFilter(label=_("数据项"), empty_label=_("全部"),
                                       choices=[(code, i.name) for code, i in ITEMS.items()])
    month = MonthFilter(label=_("交付月份"), field_name="delivered_on")
