"""The city administrator's form for a year's holiday arrangement."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.administration import selectors
from safetynet.policy import working_days
from safetynet.web import clock


def parse_days(text: str, year: int | None, *, weekends_only: bool = False) -> list[date]:
    """One date or range ("2027-02-05..2027-02-11") a line; raises ValidationError naming the line."""
    days: list[date] = []
    errors = []
    for no, line in enumerate(text.splitlines(), start=1):
        line = line.strip().replace("至", "..").replace("~", "..")
        if not line:
            continue
        first, _sep, last = line.partition("..")
        try:
            start = date.fromisoformat(first.strip())
            end = date.fromisoformat(last.strip()) if last else start
        except ValueError:
            errors.append(_("第 {no} 行“{line}”不是 YYYY-MM-DD 日期或“起..止”区间").format(no=no, line=line))
            continue
        if end < start:
            errors.append(_("第 {no} 行：区间的止日早于起日").format(no=no))
            continue
        if year is not None and (start.year != year or end.year != year):
            errors.append(_("第 {no} 行：日期不在 {year} 年内").format(no=no, year=year))
            continue
        while start <= end:
            if weekends_only and start.weekday() < 5:
                errors.append(_("第 {no} 行：{day} 是工作日，调休上班日应为周六或周日").format(no=no, day=start))
            days.append(start)
            start += timedelta(days=1)
    if errors:
        raise forms.ValidationError(errors)
    return sorted(set(days))


class HolidayArrangementForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=1901, max_value=2099)
    notice_title = forms.CharField(label=_("通知名称"), max_length=200,
                                   help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"))
    notice_number = forms.CharField(label=_("文号"), max_length=60, help_text=_("如：国办发明电〔2026〕X号"))
    holidays = forms.CharField(label=_("放假日期"), widget=forms.Textarea(attrs={"rows": 8}),
                               help_text=_("每行一个日期或区间，如 2027-02-05..2027-02-11（含周末）"))
    workdays = forms.CharField(label=_("调休上班日期"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               help_text=_("每行一个周六或周日的上班日期；没有可留空"))

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not working_days.is_provisional(date(year, 1, 1)) and not selectors.entered_years().get(year):
            raise forms.ValidationError(
                _("{year} 年的放假安排已由国务院办公厅通知（日历库）提供，无需录入").format(year=year))
        return year

    def clean(self):
        data = super().clean()
        year = data.get("year")
        for field, weekends_only in (("holidays", False), ("workdays", True)):
            if field in data:
                try:
                    data[field] = parse_days(data[field], year, weekends_only=weekends_only)
                except forms.ValidationError as exc:
                    self.add_error(field, exc)
        if not self.errors and not data.get("holidays"):
            self.add_error("holidays", _("请至少填写一个放假日期"))
        if not self.errors and set(data["holidays"]) & set(data["workdays"]):
            self.add_error("workdays", _("同一天不能既放假又上班"))
        return data


LEAF_WORDS = {"A": _("一档"), "B": _("二档"), "C": _("三档"), "urban": _("城市"), "rural": _("农村"),
              "complete": _("全护理"), "partial": _("半护理"), "self_care": _("自理"), "default": _("其他县（市、区）")}


def leaf_words(path: tuple[str, ...]) -> tuple[str, ...]:
    """A value's keys in words (tier, hukou, care level, area): never the code's own keys on a page."""
    from safetynet.policy.areas import all_areas

    names = {a.code: a.name for a in all_areas()}
    return tuple(str(LEAF_WORDS.get(p) or names.get(p) or p) for p in path)


def leaf_label(path: tuple[str, ...]) -> str:
    return " · ".join(leaf_words(path)) or str(_("取值"))


def _leaf_field(unit: str, label: str, initial):
    if unit == "yuan":
        return forms.DecimalField(label=label, initial=initial, min_value=0, max_digits=10, decimal_places=2)
    if unit == "ratio":
        return forms.DecimalField(label=label, initial=initial, min_value=0, max_digits=8, decimal_places=4)
    return forms.IntegerField(label=label, initial=initial, min_value=0, max_value=3650)


class ParameterValueForm(forms.Form):
    """A new value of one parameter from a date: every leaf of the value in force, prefilled."""

    effective = forms.DateField(label=_("生效日期"), help_text=_("YYYY-MM-DD；保障标准自某月 1 日起"))
    document_title = forms.CharField(label=_("文件名称"), max_length=200,
                                     help_text=_("如：济宁市民政局 济宁市财政局关于提高城乡低保标准的通知"))
    document_number = forms.CharField(label=_("文号"), max_length=60, help_text=_("如：济民发〔2026〕12号"))
    document_date = forms.DateField(label=_("发文日期"), help_text=_("YYYY-MM-DD"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, parameter, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.parameter = parameter
        self.paths = []
        for i, (path, leaf) in enumerate(selectors.leaves(current)):
            self.fields[f"leaf_{i}"] = _leaf_field(parameter.unit, leaf_label(path), leaf)
            self.paths.append(path)

    def clean_effective(self):
        effective = self.cleaned_data["effective"]
        if not date(2000, 1, 1) <= effective <= date(2099, 12, 31):
            raise forms.ValidationError(_("生效日期应在 2000 年至 2099 年之间"))
        if self.parameter.unit == "yuan" and effective.day != 1:
            raise forms.ValidationError(_("保障标准按月执行，生效日期应为某月 1 日"))
        return effective

    def clean_document_date(self):
        day = self.cleaned_data["document_date"]
        if not date(2000, 1, 1) <= day <= clock.today():
            raise forms.ValidationError(_("发文日期不能晚于今天"))
        return day

    def value(self):
        """The leaves put back into the parameter's shape, as JSON (amounts as strings)."""
        if self.paths == [()]:
            return _json(self.parameter.unit, self.cleaned_data["leaf_0"])
        out: dict = {}
        for i, path in enumerate(self.paths):
            node = out
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = _json(self.parameter.unit, self.cleaned_data[f"leaf_{i}"])
        return out


def _json(unit: str, leaf):
    """As the YAML writes it: yuan as "630.00", a ratio exactly, a count as a number."""
    if unit == "yuan":
        return f"{leaf:.2f}"
    if isinstance(leaf, Decimal):
        return str(leaf.normalize())
    return leaf


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=300)
