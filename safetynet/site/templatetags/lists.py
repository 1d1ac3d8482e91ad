from django import template

from safetynet.site.lists import place as _place

register = template.Library()


@register.filter
def place(village) -> str:
    """A village with its township: "城关街道 · 东关村"."""
    return _place(village)
