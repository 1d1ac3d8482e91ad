"""The office's one clock: every "today" in the services comes from here, so the demo and a
replay of a past year run at a simulated date (``SAFETYNET_TODAY``, refused in production by the
settings). A leaf module: it imports no app."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone


def today() -> date:
    simulated = getattr(settings, "SAFETYNET_TODAY", None)
    if simulated:
        return simulated
    # Looked up at call time, so a test that replaces timezone.localdate still governs the date.
    return timezone.localdate()
