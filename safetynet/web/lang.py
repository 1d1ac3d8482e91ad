"""The current language, as the policy floor's messages take it: ``"zh"`` (the default) or ``"en"``."""

from __future__ import annotations

from django.utils.translation import get_language


def current_lang() -> str:
    """A page's language: the one Django activated for the request (the user's choice)."""
    return "en" if (get_language() or "").startswith("en") else "zh"


def request_lang(request) -> str:
    """An API call's language: ``?lang=en``, else an English ``Accept-Language``; Chinese otherwise."""
    lang = request.GET.get("lang") or ""
    if not lang and request.headers.get("Accept-Language", "").lower().startswith("en"):
        lang = "en"
    return "en" if lang == "en" else "zh"
