"""Exact money: integer fen inside, ``Decimal`` and ``"390.00"`` strings at the edges."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

import polars as pl

from safetynet.policy.errors import FieldError

FEN_PER_YUAN = 100
_CENT = Decimal("0.01")


def to_fen(yuan: Decimal | int | str) -> int:
    """Yuan to integer fen; refuses anything finer than a fen instead of rounding it away."""
    fen = Decimal(yuan) * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{yuan} has more than two decimals")
    return int(fen)


# An amount typed or sent: yuan with at most two decimals, as text; more than this is a typo.
MONEY_TEXT = re.compile(r"^\d+(\.\d{1,2})?$")
MAX_MONEY_FEN = 10**12


def parse_money(value, path: str, errors: list[FieldError], *, required: bool = True, positive: bool = False,
                signed: bool = False, empty: int | None = None) -> int | None:
    """An amount as a form or a body gives it (``"1500.00"``, a ``Decimal``, an ``int`` of yuan), in
    fen; each refusal goes to ``errors`` naming ``path`` and the answer is None. Empty: an error
    when ``required``, else ``empty``. Floats are refused (0.1 is not exact). ``signed`` allows a
    leading minus (an adjustment that takes money off); ``positive`` refuses zero."""
    text = value.strip() if isinstance(value, str) else value
    if text is None or text == "":
        if required:
            errors.append(FieldError(path, "required"))
            return None
        return empty
    if isinstance(text, bool | float) or not isinstance(text, str | int | Decimal):
        errors.append(FieldError(path, "money_format", value=str(text)[:40]))
        return None
    text = str(text)
    negative = text.startswith("-")
    if negative and not signed:
        errors.append(FieldError(path, "money_negative", value=text[:40]))
        return None
    digits = text[1:] if negative else text
    try:
        if not MONEY_TEXT.match(digits):
            raise ValueError(digits)
        fen = to_fen(digits)
    except (InvalidOperation, ValueError):
        errors.append(FieldError(path, "money_format", value=text[:40]))
        return None
    if fen > MAX_MONEY_FEN:
        errors.append(FieldError(path, "money_range", value=text[:40], limit=f"{MAX_MONEY_FEN // 100:,}"))
        return None
    if positive and fen == 0:
        errors.append(FieldError(path, "money_positive"))
        return None
    return -fen if negative else fen


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(_CENT)


def fmt(fen: int) -> str:
    """``39000`` -> ``"390.00"``: the form amounts take in JSON."""
    return str(fen_to_yuan(fen))


def fmt_expr(fen: pl.Expr) -> pl.Expr:
    """``fmt`` on a column of non-negative fen: ``39000`` -> ``"390.00"``."""
    return (fen // FEN_PER_YUAN).cast(pl.String) + "." + (fen % FEN_PER_YUAN).cast(pl.String).str.zfill(2)


def ratio_to_yuan(numerator_fen: int, denominator: int) -> Decimal:
    """An exact quotient shown to the fen, rounded down: per-capita income on display only.

    Rounded down, a figure shown below the standard is below it exactly (589.995 shows as
    589.99, not as a misleading 590.00 "below 590.00").
    """
    return (Decimal(numerator_fen) / FEN_PER_YUAN / denominator).quantize(_CENT, rounding=ROUND_DOWN)
