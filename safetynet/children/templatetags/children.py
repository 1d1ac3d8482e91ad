"""The case page's children's panel: the parts a granted aid is paid in."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def aid_parts(case) -> list[dict]:
    return list((case.assessment or {}).get("instalments") or [])
