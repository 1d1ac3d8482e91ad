"""The law as code: areas, dated parameters, the working-day calendar, resident ID numbers and
the rules of each programme as Polars expressions. No Django, no database, no network."""

from safetynet.policy.assessment import assess, assess_frames
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.parameters import value
from safetynet.policy.reasons import explain
from safetynet.policy.working_days import add_working_days, working_days_between

__all__ = [
    "assess",
    "assess_frames",
    "explain",
    "value",
    "add_working_days",
    "working_days_between",
    "PolicyError",
    "InputError",
    "FieldError",
]
