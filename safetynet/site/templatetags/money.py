from django import template

from safetynet.policy.money import fmt

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Integer fen as yuan with two decimals: 39000 -> "390.00"."""
    return "—" if fen is None else fmt(int(fen))
