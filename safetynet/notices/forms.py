"""The queries of the notice pages: the village notice's window, the quarterly roster, the
explainer's day. Each refusal is a Chinese message beside its field; the form keeps what was typed."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.notices.publication import Quarter
from safetynet.web import clock
from safetynet.web.inputs import MAX_DATE, MIN_DATE

# A query of the village notice covers at most 31 days, both ends counted (a month's postings):
# the notice is public, its whole history is not a list to scrape (POLICY.md §3: posted 7 days).
MAX_WINDOW_DAYS = 31


def _date_field(label, invalid) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": invalid})  # fmt: skip


class NoticeQueryForm(forms.Form):
    """The window of postings looked up: ``from`` and ``to`` (Python keywords, hence set here),
    both optional, in order, at most ``MAX_WINDOW_DAYS`` days, and not before the village's first
    posting (``first_posting``, None for a village with none: nothing to bound). Each refusal is a
    sentence that names its field in words (开始日期, 结束日期): the page's summary lists them as
    they are, with no label in front."""

    def __init__(self, *args, first_posting: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_posting = first_posting
        example = clock.today().isoformat()
        self.fields["from"] = _date_field(_("开始日期"), _("开始日期不是有效的日期，请按 年-月-日 填写，如 %(example)s")
                                          % {"example": example})  # fmt: skip
        self.fields["to"] = _date_field(_("结束日期"), _("结束日期不是有效的日期，请按 年-月-日 填写，如 %(example)s")
                                        % {"example": example})  # fmt: skip

    def clean(self):
        data = super().clean()
        for name, message in (("from", _("开始日期应在 1900-01-01 至 2100-12-31 之间")),
                              ("to", _("结束日期应在 1900-01-01 至 2100-12-31 之间"))):  # fmt: skip
            day = data.get(name)
            if day and not MIN_DATE <= day <= MAX_DATE:
                self.add_error(name, message)
        if self.errors:
            return data
        typed_start, typed_end = data.get("from"), data.get("to")
        first = self.first_posting
        if typed_start and typed_end and typed_start > typed_end:
            self.add_error("to", _("结束日期（%(end)s）不能早于开始日期（%(start)s），请调换后再查") %
                           {"end": typed_end.isoformat(), "start": typed_start.isoformat()})  # fmt: skip
            return data
        if typed_start and first and typed_start < first:
            message = _("开始日期（%(start)s）早于本村（居）第一次公示的日期（%(first)s），请从该日起查询")
            self.add_error("from", message % {"start": typed_start.isoformat(), "first": first.isoformat()})
            return data
        # Unset ends: from alone runs 31 days; to alone (or neither, to = today) the 31 days up to
        # it, from the first posting at the earliest.
        last = timedelta(days=MAX_WINDOW_DAYS - 1)
        if typed_start:
            start, end = typed_start, typed_end or typed_start + last
        else:
            end = typed_end or clock.today()
            start = end - last
            if first and start < first:
                start = first
            if start > end:
                self.add_error("to", _("结束日期（%(end)s）早于本村（居）第一次公示的日期（%(first)s），此前没有公示") %
                               {"end": end.isoformat(), "first": first.isoformat()})  # fmt: skip
                return data
        days = (end - start).days + 1
        if days > MAX_WINDOW_DAYS:
            self.add_error("to", _("开始日期和结束日期之间最长 %(max)s 天：%(start)s 至 %(end)s 共 %(days)s 天，"
                                   "请缩短后再查") %
                           {"max": MAX_WINDOW_DAYS, "start": start.isoformat(), "end": end.isoformat(),
                            "days": days})  # fmt: skip
            return data
        self._window = (start, end)
        return data

    def window(self) -> tuple[date, date]:
        """(start, end) of a valid query."""
        return self._window


class RosterForm(forms.Form):
    """The quarter (YYYY-Qn, default the current one), the area (the city or a county, within
    the user's own), and a village to look for (name, its township's name, or code)."""

    quarter = forms.CharField(
        label=_("季度"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"size": 8}),
    )
    area = forms.ChoiceField(label=_("区划"), required=False)
    village = forms.CharField(
        label=_("村（居）"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("村居或乡镇名称、代码")}),
    )

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas
        # an empty box shows the quarter that stands for it (this one), never a stale example
        self.fields["quarter"].widget.attrs["placeholder"] = Quarter.of(clock.today()).code

    def clean_quarter(self) -> Quarter:
        text = self.cleaned_data.get("quarter") or ""
        current = Quarter.of(clock.today())
        if not text.strip():
            return current
        try:
            quarter = Quarter.parse(text)
        except ValueError:
            example = {"example": current.code}
            raise forms.ValidationError(_("季度格式应为 年-Q季度，如 %(example)s") % example) from None
        if not MIN_DATE.year <= quarter.year <= MAX_DATE.year:
            raise forms.ValidationError(_("季度应在 1900 年至 2100 年之间"))
        if quarter > current:
            raise forms.ValidationError(_("%(quarter)s 尚未开始（本季度为 %(current)s）") %
                                        {"quarter": quarter.code, "current": current.code})  # fmt: skip
        return quarter

    def clean_area(self) -> str:
        return self.cleaned_data.get("area") or self.fields["area"].choices[0][0]

    def clean_village(self) -> str:
        return (self.cleaned_data.get("village") or "").replace("\x00", "").strip()


class ExplainerForm(forms.Form):
    """The day whose parameters the explainer prints (default today)."""

    on = _date_field(_("查看日期"), _("不是有效的日期，请按 年-月-日 填写"))

    def clean_on(self) -> date:
        day = self.cleaned_data.get("on") or clock.today()
        if not MIN_DATE <= day <= MAX_DATE:
            raise forms.ValidationError(_("应在 1900-01-01 至 2100-12-31 之间"))
        return day


class VillageSearchForm(forms.Form):
    """The public's way to a village: a village's name (or part of it, or its code) typed, or a
    county and a township picked. A code that is not digits is no code: it is dropped."""

    q = forms.CharField(label=_("村（居）名称"), required=False, max_length=20,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("输入村（居）名称中的字")}))
    county = forms.CharField(required=False, max_length=6, widget=forms.HiddenInput)
    township = forms.CharField(required=False, max_length=9, widget=forms.HiddenInput)

    def clean_q(self) -> str:
        return " ".join((self.cleaned_data.get("q") or "").replace("\x00", "").split())

    def _code(self, name: str) -> str:
        code = (self.cleaned_data.get(name) or "").strip()
        return code if code.isascii() and code.isdigit() else ""

    def clean_county(self) -> str:
        return self._code("county")

    def clean_township(self) -> str:
        return self._code("township")
