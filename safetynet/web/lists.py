"""Every list of the office: 25 rows a page, one pager, filters that keep their values.

A leaf of the web layer: it imports no app, so every app's list uses it. The filters themselves
(django-filter ``FilterSet``s) live in each app's ``filters.py``; the search by name, ID number
and household register number is one selector (``safetynet.registry.search``).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import cached_property

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from safetynet.web.inputs import MAX_PAGE

PER_PAGE = 25
# Counting every row of a city-wide list costs more than the page itself: past this many rows
# the pager says "10000 条以上" and filters narrow the list.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Django's paginator that counts at most ``COUNT_CAP`` + 1 rows (``capped`` says if it stopped)."""

    capped = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "query"):  # a queryset: count a LIMIT-ed subquery, not the whole table
            n = rows[: COUNT_CAP + 1].count()
        else:
            n = len(rows)
        self.capped = n > COUNT_CAP
        return min(n, COUNT_CAP)


def paginate(request, rows, *, param: str = "page", per_page: int = PER_PAGE):
    """The page of ``rows`` asked for by ``?{param}=``; a bad or too high number gives the last
    page, never an error. ``page.query`` is the rest of the query string (the filters), so the
    pager's links keep them; ``page.param`` is the parameter's name."""
    page = CappedPaginator(rows, per_page).get_page(request.GET.get(param))
    page.param = param
    page.query = urlencode([(k, v) for k, vs in request.GET.lists() if k != param for v in vs if v != ""])
    return page


def api_page(rows, page: int, per_page: int) -> tuple[int, list]:
    """An API list's page: the page number (brought within 1 and ``MAX_PAGE``, past which OFFSET
    would overflow the database's integers) and its rows."""
    page = min(max(page, 1), MAX_PAGE)
    return page, list(rows[(page - 1) * per_page : page * per_page])


def place(village) -> str:
    """A village with its township: "城关街道 · 东关村" (the name alone is ambiguous in a county)."""
    if village is None:
        return "—"
    parent = getattr(village, "parent", None)
    if getattr(village, "level", "village") != "village" or parent is None:
        return village.name
    return f"{parent.name} · {village.name}"


MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})")


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (what ``<input type="month">`` sends): the first day of it."""

    default_error_messages = {"invalid": _("月份格式应为 年-月：四位年份、连字符、两位月份")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month", "placeholder": _("年-月"), "maxlength": 7}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        match = MONTH_RE.fullmatch(value.strip()[:20])
        if not match or not (1900 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(match[1]), int(match[2]), 1)


class MonthFilter(django_filters.Filter):
    """Rows of a month (a date field between its first and last day); with ``lookup_expr``
    "gte" or "lte", rows from or until a month."""

    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        last = value.replace(day=calendar.monthrange(value.year, value.month)[1])
        if self.lookup_expr == "gte":
            return qs.filter(**{f"{self.field_name}__gte": value})
        if self.lookup_expr == "lte":
            return qs.filter(**{f"{self.field_name}__lte": last})
        return qs.filter(**{f"{self.field_name}__gte": value, f"{self.field_name}__lte": last})


class SearchField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": _("姓名、身份证号或后四位、户号")}))
        super().__init__(**kwargs)


def filtered(filterset_class, request, queryset):
    """A django-filter ``FilterSet`` bound to the request's query string, and its rows. A bad
    value is an error beside its field (in Chinese) and filters nothing; never a 500."""
    f = filterset_class(request.GET or None, queryset=queryset, request=request)
    return f, f.qs


def refiltered(f, queryset):
    """Another list under the same filter ``f`` (a page with two lists, one form)."""
    if not f.is_bound:
        return queryset
    f.errors  # noqa: B018  (validates the form, so the cleaned values exist)
    return f.filter_queryset(queryset)
