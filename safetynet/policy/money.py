"""Exact money: integer fen inside, ``Decimal`` and ``"390.00"`` strings at the edges."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import polars as pl

FEN_PER_YUAN = 100
_CENT = Decimal("0.01")


def to_fen(yuan: Decimal | int | str) -> int:
    """Yuan to integer fen; refuses anything finer than a fen instead of rounding it away."""
    fen = Decimal(yuan) * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{yuan} has more than two decimals")
    return int(fen)


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
