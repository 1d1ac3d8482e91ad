from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from safetynet.policy import working_days
from safetynet.policy.errors import PolicyError
from safetynet.policy.money import fmt
from safetynet.registry.selectors import mask_id

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Integer fen as yuan with two decimals: 39000 -> "390.00"."""
    return "—" if fen is None else fmt(int(fen))


@register.filter(name="mask_id")
def mask_id_filter(number: str) -> str:
    return mask_id(number)


@register.filter
def deadline(day) -> str:
    """A deadline as "YYYY-MM-DD", marked 暂定 when it falls in a year whose holiday arrangement is
    not entered yet (counted on the provisional calendar; it moves when the year is entered)."""
    if not day:
        return "—"
    text = day.strftime("%Y-%m-%d")
    try:
        provisional = working_days.is_provisional(day)
    except PolicyError:
        provisional = True
    if not provisional:
        return text
    note = _("按法定节假日暂定，{year} 年放假安排录入后重新计算").format(year=day.year)
    return format_html('{} <span class="badge soon" title="{}">{}</span>', text, note, _("暂定"))
