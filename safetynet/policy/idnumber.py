"""Resident identity numbers, GB 11643-1999 (公民身份号码).

Eighteen characters: a six-digit administrative division code, the birth date YYYYMMDD, a
three-digit sequence (odd for men, even for women) and a check digit computed by ISO 7064
MOD 11-2. ``parse`` gives precise errors; ``generate`` makes valid numbers for tests and
synthetic data; ``check_digit_expr`` and ``problem`` are the same checks as Polars expressions for whole files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import polars as pl

from safetynet.policy.errors import MESSAGES, PolicyError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2**(17-i) mod 11
CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
# Province-level codes of GB/T 2260: a number whose first two digits are not one of these was
# not issued by any public security office.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


@dataclass(frozen=True)
class IdNumber:
    number: str
    area_prefix: str
    birth_date: date
    sex: str  # "male" | "female"


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse(text: object) -> IdNumber:
    """A valid ID number, or a PolicyError saying exactly what is wrong with it."""
    if not isinstance(text, str):
        raise PolicyError("id_type")
    number = text.strip().upper()
    if len(number) != 18:
        raise PolicyError("id_length", length=len(number))
    if not (number[:17].isascii() and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise PolicyError("id_chars")
    prefix = number[:6]
    if prefix[:2] not in PROVINCES or prefix[2:] == "0000":
        raise PolicyError("id_area", prefix=prefix)
    birth = number[6:14]
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        raise PolicyError("id_birth_date", birth=birth) from None
    if born.year < 1880:
        raise PolicyError("id_birth_date", birth=birth)
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise PolicyError("id_check_digit", expected=expected, actual=number[17])
    return IdNumber(number, prefix, born, "male" if int(number[16]) % 2 else "female")


def is_valid(text: object) -> bool:
    try:
        parse(text)
    except PolicyError:
        return False
    return True


def generate(area_prefix: str, birth: date, sequence: int, sex: str | None = None) -> str:
    """A valid number; ``sequence`` 0..499 is spread over the three digits keeping the sex."""
    if sex is None:
        seq = sequence % 1000
    else:
        seq = (sequence % 500) * 2 + (1 if sex == "male" else 0)
    first17 = f"{area_prefix}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def check_digit_expr(first17: pl.Expr) -> pl.Expr:
    """The check digit of a column of 17-digit strings, as a Polars expression."""
    total = pl.sum_horizontal(first17.str.slice(i, 1).cast(pl.Int32) * w for i, w in enumerate(WEIGHTS))
    return pl.lit(list(CHECK_CHARS), dtype=pl.List(pl.String)).list.get(total % 11)


def _message(code: str, lang: str, **params: pl.Expr) -> pl.Expr:
    """A catalogue message with its placeholders filled from columns."""
    parts = re.split(r"\{(\w+)\}", MESSAGES[code][lang])  # text, name, text, name, ..., text
    return pl.concat_str([params[part] if i % 2 else pl.lit(part) for i, part in enumerate(parts)])


def problem(text: pl.Expr, lang: str = "zh") -> pl.Expr:
    """The checks of ``parse``, in its order, on a column of numbers (stripped and upper-cased
    first, as ``parse`` does): the first problem's message, null for a valid number."""
    number = text.str.strip_chars().str.to_uppercase()
    first17 = number.str.slice(0, 17)
    birth = number.str.slice(6, 8)
    born = birth.str.to_date("%Y%m%d", strict=False)
    expected = check_digit_expr(first17)
    prefix = number.str.slice(0, 6)
    return (
        pl.when(number.str.len_chars() != 18)
        .then(_message("id_length", lang, length=number.str.len_chars().cast(pl.String)))
        .when(~number.str.contains(r"^[0-9]{17}[0-9X]$"))  # ASCII digits, as ``parse`` asks
        .then(_message("id_chars", lang))
        .when(~prefix.str.slice(0, 2).is_in(sorted(PROVINCES)) | (prefix.str.slice(2, 4) == "0000"))
        .then(_message("id_area", lang, prefix=prefix))
        .when(born.is_null() | (born.dt.year() < 1880))
        .then(_message("id_birth_date", lang, birth=birth))
        .when(number.str.slice(17, 1) != expected)
        .then(_message("id_check_digit", lang, expected=expected, actual=number.str.slice(17, 1)))
    )
