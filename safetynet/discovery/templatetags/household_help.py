"""The household page's panel "all help received" (``discovery/_household.html``)."""

from __future__ import annotations

from django import template

from safetynet.discovery.help import household_help

register = template.Library()


@register.inclusion_tag("discovery/_all_help.html", takes_context=True)
def all_help(context, household) -> dict:
    request = context.get("request")
    rows = household_help(getattr(request, "user", None), household)
    total = sum(r["amount_fen"] or 0 for r in rows)
    return {"rows": rows, "total": total, "household": household}
