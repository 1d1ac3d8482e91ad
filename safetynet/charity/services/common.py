"""Input checks shared by the charity's services: each problem a FieldError naming its field."""

from __future__ import annotations

from datetime import date

from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import MAX_MONEY_FEN, fmt
from safetynet.registry.models import Area
from safetynet.web import clock
from safetynet.web.inputs import day_or_error


class Errors(list):
    """The problems of one input, raised together."""

    def raise_any(self) -> None:
        if self:
            raise InputError(list(self))


def text(errors: Errors, name: str, value, limit: int, *, required: bool = True) -> str:
    value = str(value or "").strip()
    if required and not value:
        errors.append(FieldError(name, "required"))
    elif len(value) > limit:
        errors.append(FieldError(name, "too_long", max=limit, length=len(value)))
    return value


def money(errors: Errors, name: str, fen, *, zero: bool = False) -> int:
    if isinstance(fen, bool) or not isinstance(fen, int):
        errors.append(FieldError(name, "type_int"))
        return 0
    if fen < 0 or (fen == 0 and not zero):
        errors.append(FieldError(name, "charity_amount_positive"))
    elif fen > MAX_MONEY_FEN:
        errors.append(FieldError(name, "money_range", value=fmt(fen), limit=f"{MAX_MONEY_FEN // 100:,}"))
    return fen


def day(errors: Errors, name: str, on, *, future: bool = False) -> date | None:
    if not isinstance(on, date):
        errors.append(FieldError(name, "date_format", value=str(on)[:40]))
        return None
    if (error := day_or_error(on, name)) is not None:
        errors.append(error)
    elif not future and on > clock.today():
        errors.append(FieldError(name, "date_future", on=on.isoformat()))
    return on


def area(errors: Errors, name: str, code) -> Area | None:
    code = str(code or "").strip()
    found = Area.objects.filter(code=code).first() if code.isdigit() and len(code) <= 12 else None
    if found is None:
        errors.append(FieldError(name, "charity_area", code=code[:20]))
    return found
