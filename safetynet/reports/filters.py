"""The figures' filters: the dashboard's area, day and period; the funds' detail by township and
programme; the temporary-assistance figures' period and area."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from safetynet.cases import programmes
from safetynet.registry.filters import AreaFilterSet
from safetynet.registry.models import Area
from safetynet.reports.figures import default_period as dashboard_period
from safetynet.reports.temporary import MAX_MONTHS, areas_of, default_period, months_between
from safetynet.site.lists import MonthFilter
from safetynet.web import clock


class FundsFilter(AreaFilterSet):
    """The funds' detail on the dashboard: payment lines by township and programme (the period
    and the area are the dashboard's). A bad value is a field error and filters nothing."""

    area_field = "run__township__code"
    without = ("village", "q")

    programme = django_filters.ChoiceFilter(label=_("救助项目"), choices=programmes.choices, empty_label=_("全部"))


class DashboardForm(forms.Form):
    """The dashboard's area, as-of day and period (``figures.scope_for`` checks them; a bad value
    is said beside its field and its default stands). An empty box shows the value that stands
    for it (today, the twelve months up to it), never a fixed example that goes stale."""

    area = forms.ChoiceField(label=_("区划"), required=False)
    as_of = forms.CharField(label=_("统计日期"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "date"}))

    def __init__(self, data=None, *, user, today: date):
        super().__init__(data)
        first, last = dashboard_period(today)
        self.fields["from"] = forms.CharField(label=_("起始月份"), required=False, max_length=20,
                                              widget=forms.TextInput(attrs={"type": "month"}))
        self.fields["to"] = forms.CharField(label=_("终止月份"), required=False, max_length=20,
                                            widget=forms.TextInput(attrs={"type": "month"}))
        for name, shown in (("as_of", today.isoformat()), ("from", f"{first:%Y-%m}"), ("to", f"{last:%Y-%m}")):
            self.fields[name].widget.attrs["placeholder"] = shown
        areas = areas_of(user)
        self.fields["area"].choices = [("", _("全部"))] + [
            (a.code, a.name if a.level != Area.Level.TOWNSHIP else f"— {a.name}") for a in areas[1:]
        ]
        if len(areas) <= 1:  # a township's own staff: nothing to choose
            del self.fields["area"]
        self.fields["as_of"].widget.attrs["max"] = today.isoformat()


class DashboardFilter:
    """What ``site/_filters.html`` reads (``filter.form``)."""

    def __init__(self, form: DashboardForm) -> None:
        self.form = form


class FiguresFilter(django_filters.FilterSet):
    """The temporary-assistance figures' period and area: from one month to another (this year so
    far when not said) and a county or township of the user's area (all of it when not said). A
    bad value is an error beside its field and its default stands; the rows are not a queryset
    (the figures are grouped queries of their own, ``reports.temporary``)."""

    area = django_filters.ChoiceFilter(label=_("区划"), method="keep", empty_label=_("全部"))

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        today = clock.today()
        self.today = today
        self.default = default_period(today)
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("from", f"{self.default[0]:%Y-%m}")
        data.setdefault("to", f"{self.default[1]:%Y-%m}")
        super().__init__(data, queryset if queryset is not None else Area.objects.none(), request=request,
                         prefix=prefix)  # fmt: skip
        areas = areas_of(request.user)
        if len(areas) <= 1:  # a township's own staff: nothing to choose
            del self.filters["area"]
        else:
            # a county's townships under it; the city's counties, each followed by its townships
            self.filters["area"].extra["choices"] = [
                (a.code, a.name if a.level != Area.Level.TOWNSHIP else f"— {a.name}") for a in areas[1:]
            ]
        # The boxes hold the period shown; should one be cleared, its placeholder is the default
        # that stands, and a bad month is told with this period's example (not a fixed one).
        for name, month in (("from", self.default[0]), ("to", self.default[1])):
            field = self.form.fields[name]
            field.widget.attrs["placeholder"] = f"{month:%Y-%m}"
            field.error_messages = {**field.error_messages,
                                    "invalid": _("月份格式应为 年-月，如 %(example)s") % {"example": f"{month:%Y-%m}"}}

    def keep(self, queryset, name, value):
        return queryset

    def chosen(self) -> tuple[date, date, str | None]:
        """The period and the area the page shows: the cleaned values, each bad one's default."""
        self.errors  # noqa: B018  (validates the form)
        cleaned = self.form.cleaned_data
        start, end = cleaned.get("from") or self.default[0], cleaned.get("to") or self.default[1]
        if "to" not in self.form.errors and (start > end or len(months_between(start, end)) > MAX_MONTHS):
            self.form.add_error("to", _("终止月份早于起始月份") if start > end else _("统计期间最长 120 个月"))
            start, end = self.default
        return start, end, cleaned.get("area") or None


FiguresFilter.base_filters["from"] = MonthFilter(label=_("起始月份"), method=lambda qs, name, value: qs)
FiguresFilter.base_filters["to"] = MonthFilter(label=_("终止月份"), method=lambda qs, name, value: qs)
FiguresFilter.base_filters = {name: FiguresFilter.base_filters[name] for name in ("from", "to", "area")}
