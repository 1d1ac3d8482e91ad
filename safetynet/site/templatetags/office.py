from django import template

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
