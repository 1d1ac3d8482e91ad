"""A member of staff as a page names them: their full name, or (an account without one) their
role and the area they serve; never the login name, which is a credential's half, not a name.
Loaded by the discovery, temporary-assistance and funeral pages (``{% load staff_names %}``)."""

from __future__ import annotations

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def staff_name(user, default: str = "") -> str:
    """``{{ e.actor|staff_name:"系统" }}``: ``default`` (or "—") for no one, e.g. the system."""
    if user is None or not getattr(user, "pk", None):
        return default or "—"
    full = (user.get_full_name() or "").strip()
    if full:
        return full
    try:
        staff = user.staff
    except ObjectDoesNotExist:  # an account without a staff record: a site administrator
        staff = None
    if staff is None:
        return _("管理员")
    return f"{staff.get_role_display()}（{staff.area.name}）"
