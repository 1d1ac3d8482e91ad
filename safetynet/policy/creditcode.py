"""The unified social credit code of a legal person or other organisation (统一社会信用代码,
GB 32100-2015): 18 characters from 31 (digits and capitals without I, O, Z, S, V), the last a
check character over the first 17.

Check (GB 32100-2015 §4.1, §5): each of the first 17 characters has its value (its place in the
alphabet, 0-30) and a weight 3^i mod 31 (1, 3, 9, 27, 19, ...); the check character's value is
31 - (sum of value x weight mod 31), where 31 stands for 0.

Pure: no Django. ``check`` gives every problem as a FieldError naming ``path``, with the position
(1-18) of the character at fault, so a typist knows which one to look at.
"""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES, FieldError, InputError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 table: no I, O, Z, S, V
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18

MESSAGES.update({
    "credit_code_length": {
        "zh": "统一社会信用代码应为 18 位，实为 {length} 位",
        "en": "a unified social credit code has 18 characters, this one has {length}",
    },
    "credit_code_char": {
        "zh": "统一社会信用代码第 {position} 位“{char}”不是代码用字符（数字和大写字母，不用 I、O、Z、S、V）",
        "en": "character {position} of the unified social credit code, '{char}', is not allowed "
              "(digits and capitals other than I, O, Z, S, V)",
    },
    "credit_code_check": {
        "zh": "统一社会信用代码第 18 位校验码错误：按前 17 位应为“{expected}”，实为“{actual}”，请逐位核对",
        "en": "wrong check character (position 18) of the unified social credit code: the first 17 give "
              "'{expected}', found '{actual}'",
    },
})  # fmt: skip


def check_character(first17: str) -> str:
    """The check character of 17 characters of the alphabet."""
    if len(first17) != LENGTH - 1:
        raise ValueError("17 characters expected")
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def check(code, path: str = "credit_code") -> list[FieldError]:
    """Every problem of ``code`` (typed as people type it: spaces around and lower case are read
    as the code); empty when it is a valid code."""
    text = normalise(code)
    if len(text) != LENGTH:
        return [FieldError(path, "credit_code_length", length=len(text))]
    bad = [FieldError(path, "credit_code_char", position=i + 1, char=c) for i, c in enumerate(text) if c not in VALUES]
    if bad:
        return bad[:3]
    expected = check_character(text[:17])
    if text[17] != expected:
        return [FieldError(path, "credit_code_check", expected=expected, actual=text[17])]
    return []


def normalise(code) -> str:
    return str(code if code is not None else "").strip().upper()


def validate(code, path: str = "credit_code") -> str:
    """The code, upper case, or an InputError naming ``path``."""
    errors = check(code, path)
    if errors:
        raise InputError(errors)
    return normalise(code)


def make(first17: str) -> str:
    """17 characters with their check character appended (the demo's and the tests' codes)."""
    return first17 + check_character(first17)
