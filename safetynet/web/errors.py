"""The error types the web layer answers in its own way (its handlers are in ``web.api``); plain
Python, so a service may raise them without importing the web's libraries."""

from __future__ import annotations

from safetynet.policy.errors import PolicyError


class Conflict(PolicyError):
    """The record is in another state or another version than the caller saw: the API answers
    409. A service's error for it (``cases.services.TransitionError``) is a subclass."""
