"""The office's frame in templates: breadcrumbs and the confirmation a grave step asks for."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safetynet.registry import selectors as registry

register = template.Library()

# Steps that end or stop a case ask "are you sure?" first (site.js opens the dialog).
CONFIRMATIONS = {
    "withdraw": _("撤回后本次申请即告结束，不能恢复。确定撤回申请吗？"),
    "suspend": _("暂停后停止发放保障金，直至恢复保障。确定暂停保障吗？"),
    "give_termination_notice": _("将发布终止公示，公示期满后终止保障。确定发布终止公示吗？"),
    "terminate": _("终止后停止发放保障金，案件结束，不能恢复。确定终止保障吗？"),
    "end_graduated_exit": _("渐退期满终止后停止发放保障金，案件结束。确定终止吗？"),
    "refuse": _("不予确认后本次申请即告结束，并须书面告知申请人理由。确定不予确认吗？"),
}


@register.simple_tag
def crumb(label, url_name: str = "", *args) -> str:
    """One step of the breadcrumbs: a link, or (without an address) the page itself."""
    if not url_name:
        return format_html('<li class="breadcrumb-item active" aria-current="page">{}</li>', label)
    return format_html('<li class="breadcrumb-item"><a href="{}">{}</a></li>', reverse(url_name, args=args), label)


@register.simple_tag(takes_context=True)
def menu_crumb(context, here: bool | None = None) -> str:
    """The menu item this page belongs to (by address): the page itself on the item's own
    address (or ``here=True``), else a link back to it. Nothing for the desk, the breadcrumbs' root."""
    menu, request = context.get("menu"), context.get("request")
    item = menu["current"] if menu else None
    if item is None or item.url_name == "desk":
        return ""
    if here is None:
        here = request is not None and request.path == reverse(item.url_name)
    if here:
        return crumb(item.label)
    return crumb(item.label, item.url_name)


@register.filter
def step_confirmation(name: str, case=None) -> str:
    """The question a step asks before it is taken ("" for the ordinary ones); a question that
    names what is at stake (an amount) is a function of the case."""
    question = CONFIRMATIONS.get(name, "")
    return str(question(case) if callable(question) else question)


def _choices(kind: str) -> dict:
    from safetynet.cases.models import Programme, State
    from safetynet.payments.models import Payment

    return dict({"programme": Programme.choices, "state": State.choices, "payment_kind": Payment.Kind.choices}[kind])


@register.filter
def label(value, kind: str) -> str:
    """A stored code in words (``{{ run.programme|label:"programme" }}``): a page never shows
    ``dibao`` or ``regular`` where a value was read without its model's display method."""
    return str(_choices(kind).get(value, value))


_REPO_POINTERS = re.compile(r"[，；,;]?\s*(?:见\s*)?(?:sources/\S+?\.txt|POLICY\.md\s*§\s*[\d.]+)")
_SEED = re.compile(r"\bseed\b\s*[：:]?\s*")


@register.filter
def public_reference(reference: str) -> str:
    """A parameter's reference as the public reads it: the document, not the repository's pointers
    to where the project keeps it (``sources/…``, ``POLICY.md §…``); the seed by its name."""
    text = _REPO_POINTERS.sub("", str(reference or ""))
    return _SEED.sub("济宁市民政局 2020 年社会救助工作材料：", text).strip(" ，；,;")


# A member of staff by name, never by login (one definition: ``registry.selectors.staff_name``).
register.filter("staff_name", registry.staff_name)
