"""The side menu: one declaration of the office's pages and the roles that may use each, turned
into each user's menu by a context processor (``menu``), with the count of their tasks.

The roles follow the views' and services' ``require_role`` calls: a page a role would only be
refused on, or that has nothing for it, is not in its menu. The same declaration gives the
breadcrumbs' first step (the menu item a page belongs to).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from safetynet.web import clock

ALL = ("clerk", "approver", "county", "city", "verifier", "auditor")
CASEWORK = ("clerk", "approver", "county", "city", "auditor")  # who reads cases and their deadlines
TASKS = ("clerk", "approver", "county", "city", "county_approver")  # whose step a case can wait for
FUNDS = ("clerk", "approver", "county", "county_approver", "city", "auditor")  # funds.selectors.READERS
# referrals.selectors.READERS, and the departments' liaisons for their own referrals
REFERRALS = ("clerk", "approver", "county", "county_approver", "city", "department", "auditor")
CHARITY = ("county", "city", "auditor", "organisation")
DISCOVERY = ("clerk", "approver", "county", "county_approver", "city", "auditor")  # discovery.selectors.READERS
FUNERALS = ("county", "city", "auditor")  # funerals.selectors.BUREAU (a funeral home's staff: its own list)


@dataclass(frozen=True)
class Item:
    url_name: str
    label: str
    roles: tuple[str, ...]
    counts_tasks: bool = False


# Order matters: the browser tests click the first link whose text matches.
# fmt: off
MENU: tuple[tuple[str, tuple[Item, ...]], ...] = (
    (_("日常办理"), (
        Item("desk", _("工作台"), (*ALL, "county_approver")),
        Item("my-tasks", _("我的待办"), TASKS, counts_tasks=True),
        Item("household-new", _("受理登记"), ("clerk",)),  # registry.services: 登记家庭
        Item("household-search", _("家庭查询"), (*ALL, "county_approver")),
        Item("deadlines", _("时限看板"), CASEWORK),
        Item("temporary-list", _("临时救助"), (*CASEWORK, "county_approver")),  # temporary.selectors: by area
        Item("notice-index", _("公示"), CASEWORK),
        Item("notice-roster", _("季度公示名册"), ("county", "city", "auditor")),  # notices.publication.ROSTER_ROLES
        Item("referral-list", _("转介"), REFERRALS),
        Item("discovery-list", _("主动发现"), DISCOVERY),
        Item("care-index", _("特困供养服务"), CASEWORK),  # care.views.READERS
        Item("children-list", _("儿童保障与助学"), (*CASEWORK, "county_approver")),  # children.selectors.READERS
    )),
    (_("发放与统计"), (
        # payments: the approver and the city compute, the county and the auditor read
        Item("payroll-index", _("发放"), ("approver", "county", "city", "auditor")),
        Item("reports", _("统计"), CASEWORK),
        Item("reports-temporary", _("临时救助与转介统计"), (*CASEWORK, "county_approver")),  # reports.temporary.READERS
        Item("children-figures", _("儿童保障与助学统计"), (*CASEWORK, "county_approver")),  # children.selectors.READERS
        Item("discovery-figures", _("主动发现统计"), DISCOVERY),
        Item("funds", _("备用金"), FUNDS),
    )),
    (_("社会力量"), (
        # charity.access.READERS: the bureau, the auditor, an organisation's own staff (its records)
        Item("charity", _("社会组织与慈善"), CHARITY),
        Item("charity-figures", _("社会力量统计"), CHARITY),
        Item("funeral-list", _("殡葬费用减免"), (*FUNERALS, "funeral_home")),
        Item("funeral-figures", _("殡葬减免统计"), FUNERALS),
    )),
    (_("核查监督"), (
        Item("verification-deliveries", _("部门数据"), ("verifier", "city", "auditor")),  # CENTRE_ROLES
        Item("verification-runs", _("核对"), ("clerk", "county", "city", "verifier", "auditor")),  # CHECKERS
        Item("verification-ledger", _("问题台账"), ALL),  # clerks, approvers, county, verifiers close items
        Item("verification-reports", _("核对统计"), ("county", "city", "verifier", "auditor")),
        Item("audit-trail", _("审计"), ("auditor", "city")),  # supervision.views.ROLES
    )),
    (_("系统管理"), (
        Item("admin-calendar", _("节假日安排"), ("city",)),  # administration: the city only
        Item("admin-parameters", _("本地参数"), ("city",)),
    )),
)
# fmt: on


def items_for(role: str | None) -> list[tuple[str, list[Item]]]:
    """The menu's sections with the items this role may use (empty sections left out)."""
    sections = [(title, [i for i in items if role in i.roles]) for title, items in MENU]
    return [(title, items) for title, items in sections if items]


def _build(request) -> dict:
    from safetynet.cases.selectors import my_tasks
    from safetynet.registry.selectors import staff_of

    user = request.user
    staff = staff_of(user) if user.is_authenticated else None
    sections = items_for(staff.role if staff else None)
    # The item whose address is the longest prefix of this page's is the one it belongs to.
    urls = {i.url_name: reverse(i.url_name) for _title, items in sections for i in items}
    current = max((n for n, u in urls.items() if request.path.startswith(u)), key=lambda n: len(urls[n]), default=None)
    tasks = None
    if any(i.counts_tasks for _title, items in sections for i in items):
        tasks = my_tasks(user, clock.today()).count()
    return {
        "sections": [
            (title, [{"label": i.label, "url": urls[i.url_name], "key": i.url_name, "current": i.url_name == current,
                      "count": tasks if i.counts_tasks else None} for i in items])
            for title, items in sections
        ],
        "current": next((i for _t, items in sections for i in items if i.url_name == current), None),
        "tasks": tasks,
    }  # fmt: skip


def menu(request) -> dict:
    """Context processor: ``menu`` (sections of items; ``menu.current`` the page's item), built
    only when a template shows it, so a page without the frame pays no query."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"menu": None}
    return {"menu": SimpleLazyObject(lambda: _build(request))}
