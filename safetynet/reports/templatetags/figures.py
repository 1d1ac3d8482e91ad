"""A figure's cell as the page shows it: counts as they are, money in yuan, shares with "%"."""

from django import template

from safetynet.policy.money import fmt

register = template.Library()


@register.filter
def cell(line, column) -> str:
    value = line.values.get(column.key)
    if value is None:
        return "—"
    if column.kind == "fen":
        return fmt(int(value))
    if column.kind == "percent":
        return f"{value}%"
    return str(value)
