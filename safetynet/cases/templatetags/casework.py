"""Casework's pieces other pages include: a household's department-data checks; and a member of
staff as a page names them."""

from __future__ import annotations

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from safetynet.cases import programmes
from safetynet.verification.selectors import shown_checks

register = template.Library()


@register.inclusion_tag("cases/_checks.html")
def household_checks(household):
    """The pre-check's and every re-check's results of the household, declared against found.
    Members are named, not numbered: the page showing it logs the numbers it shows itself. With
    no case to read them for, a check's figures are its own: the household's dibao."""
    return {"checks": shown_checks(household), "dibao_reading": True}


@register.filter
def staff_name(user, default: str = "") -> str:
    """A member of staff by their full name, or (an account without one) by their role and area;
    never the login name, which is half of a credential, not a name. ``default`` (or "—") for
    no one, e.g. a step the system took: ``{{ e.actor|staff_name:"系统" }}``."""
    if user is None or not getattr(user, "pk", None):
        return default or "—"
    full = (user.get_full_name() or "").strip()
    if full:
        return full
    try:
        staff = user.staff
    except ObjectDoesNotExist:  # a site administrator's account, with no staff record
        return _("管理员")
    return f"{staff.get_role_display()}（{staff.area.name}）"


@register.filter
def check_verdict_applies(code: str) -> bool:
    """Whether the household check's verdict (the dibao's) speaks of a case of this programme: a
    list of cases shows it only for those (``Declaration.verdict_applies``)."""
    try:
        return programmes.get(code).verdict_applies
    except KeyError:
        return False
