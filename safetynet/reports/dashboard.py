"""The dashboard of an area as of a day: every figure, in sections, each a table with its totals
and its chart (``figures``, ``flows``). Sixteen grouped queries, whatever the number of cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from safetynet.reports import figures, flows
from safetynet.reports.figures import Coverage, Scope
from safetynet.reports.tables import Table


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]
    empty: str = ""  # said instead of the tables when the figure cannot be given yet
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url name) of related pages


@dataclass
class Dashboard:
    scope: Scope
    coverage: Coverage
    sections: list[Section]

    @property
    def tables(self) -> dict[str, Table]:
        return {t.key: t for s in self.sections for t in s.tables}


def dashboard(scope: Scope) -> Dashboard:
    cov = figures.coverage(scope)
    concentration = figures.concentration(scope)
    sections = [
        Section("coverage", _("保障对象"), [figures.coverage_by_area(cov), figures.coverage_by_programme(cov),
                                            figures.coverage_trend(cov)]),
        Section("funds", _("资金发放"), list(flows.funds(scope))),
        Section("averages", _("保障标准和补助水平"), [figures.averages(cov)]),
        Section("registered-poor", _("建档立卡贫困人口"), [figures.registered_poor(cov)]),
        Section("concentration", _("特困人员集中供养"), [concentration.table] if concentration.available else [],
                empty="" if concentration.available else _(
                    "尚无数据：统计日期前本区域尚未登记特困人员的供养方式（集中供养、分散供养）。登记后，本图表显示统计日期"
                    "在保的生活不能自理特困人员中集中供养的人数和比例。")),
        Section("temporary", _("临时救助"), list(flows.temporary_assistance(scope)),
                links=[(_("临时救助与转介统计"), "reports-temporary")]),
        Section("decisions", _("审核确认时效"), [flows.decisions(scope)]),
        Section("checks", _("核对"), list(flows.checks(scope))),
        Section("findings", _("筛查问题和漏保纳入"), [*flows.findings(scope), flows.enrolments_after_finding(scope)]),
        Section("price-subsidy", _("价格临时补贴"), list(flows.price_subsidy(scope))),
    ]  # fmt: skip
    return Dashboard(scope, cov, sections)


def _concentration_tables(scope: Scope) -> list[Table]:
    found = figures.concentration(scope)
    return [found.table] if found.available else []


# One figure's Excel file reads only the queries of its own figure, not the whole dashboard's
# sixteen (each table's key, by what makes it).
_ONE = {
    "coverage-area": lambda s: [figures.coverage_by_area(figures.coverage(s))],
    "coverage-programme": lambda s: [figures.coverage_by_programme(figures.coverage(s))],
    "coverage-trend": lambda s: [figures.coverage_trend(figures.coverage(s))],
    "averages": lambda s: [figures.averages(figures.coverage(s))],
    "registered-poor": lambda s: [figures.registered_poor(figures.coverage(s))],
    "concentration": _concentration_tables,
    "funds-month": lambda s: list(flows.funds(s)),
    "funds-area": lambda s: list(flows.funds(s)),
    "temporary-month": lambda s: list(flows.temporary_assistance(s)),
    "temporary-area": lambda s: list(flows.temporary_assistance(s)),
    "decisions": lambda s: [flows.decisions(s)],
    "checks-month": lambda s: list(flows.checks(s)),
    "checks-kind": lambda s: list(flows.checks(s)),
    "findings-kind": lambda s: list(flows.findings(s)),
    "findings-area": lambda s: list(flows.findings(s)),
    "enrolments": lambda s: [flows.enrolments_after_finding(s)],
    "price-subsidy-month": lambda s: list(flows.price_subsidy(s)),
    "price-subsidy-area": lambda s: list(flows.price_subsidy(s)),
}


def table(scope: Scope, key: str) -> Table | None:
    """One figure's table by its key (its Excel file), or None for a key no figure has."""
    make = _ONE.get(key)
    if make is None:
        return None
    return next((t for t in make(scope) if t.key == key), None)
