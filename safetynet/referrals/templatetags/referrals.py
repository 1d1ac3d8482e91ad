"""Referrals in templates: the household page's list of referrals and its overview of every
programme (一户一档), and how a fact sent is shown."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from safetynet.referrals import departments, selectors
from safetynet.registry.models import DEPARTMENTS
from safetynet.registry.selectors import staff_of
from safetynet.web import clock

register = template.Library()


@register.filter
def cell(mapping, key):
    """``mapping[key]`` in a template (a fact of a member, a state's label)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def fact(value) -> str:
    """A fact as the page shows it: yes or no, a dash for nothing."""
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if value is None or value == "":
        return "—"
    return str(value)


def _referrals(context, household) -> list:
    """The household's referrals the user may see, read once per page."""
    cache = context.render_context
    if "household_referrals" not in cache:
        today = clock.today()
        rows = list(selectors.of_household(context["request"].user, household))
        for r in rows:
            r.overdue = r.overdue_on(today)
            r.category_label = departments.category_label(r.department, r.category)
        cache["household_referrals"] = rows
    return cache["household_referrals"]


@register.inclusion_tag("referrals/_household.html", takes_context=True)
def household_referrals(context, household):
    """The household's referrals with their state and due date; the window's link to refer."""
    staff = staff_of(context["request"].user)
    return {"referrals": _referrals(context, household), "household": household,
            "can_refer": staff is not None and staff.role == "clerk"}  # fmt: skip


@register.inclusion_tag("referrals/_programmes.html", takes_context=True)
def household_programmes(context, household, cases):
    """Every programme of the "8" for this household on one table: those civil affairs runs from
    its cases (every declared programme is a case, through ``household.cases``), the five of the
    other departments from its referrals; each with its latest state."""
    latest_case: dict[str, object] = {}
    for case in sorted(cases, key=lambda c: c.pk):
        latest_case[case.programme] = case
    rows = [{"label": c.get_programme_display(), "state": c.get_state_display(), "since": c.opened_on,
             "link": ("case", c.pk), "kind": _("民政部门办理")} for c in latest_case.values()]  # fmt: skip
    latest_referral: dict[str, object] = {}
    for r in sorted(_referrals(context, household), key=lambda r: r.pk):
        latest_referral[r.department] = r
    for code, label in DEPARTMENTS:
        if (r := latest_referral.get(code)) is not None:
            rows.append({"label": label, "state": r.get_state_display(), "since": r.sent_on,
                         "link": ("referral", r.pk), "kind": _("转介协办"), "overdue": r.overdue})  # fmt: skip
    return {"rows": rows}
