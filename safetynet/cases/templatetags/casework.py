"""Casework's pieces other pages include: a household's department-data checks."""

from __future__ import annotations

from django import template

from safetynet.verification.selectors import shown_checks

register = template.Library()


@register.inclusion_tag("cases/_checks.html")
def household_checks(household):
    """The pre-check's and every re-check's results of the household, declared against found.
    Members are named, not numbered: the page showing it logs the numbers it shows itself. With
    no case to read them for, a check's figures are its own: the household's dibao."""
    return {"checks": shown_checks(household), "dibao_reading": True}
