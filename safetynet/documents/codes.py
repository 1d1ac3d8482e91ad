"""A document's verification code: 15 random symbols and a check symbol, printed in groups of four.

The alphabet has 32 symbols and none that is read as another (no 0/O, no 1/I): 2-9 and A-Z less
I and O. Fifteen random symbols are 75 bits, drawn from ``secrets``: a code cannot be guessed,
and the public page need not hide how long a lookup takes. The check symbol is Luhn's mod-N
algorithm over the alphabet: every single mistyped symbol and every swap of two neighbouring
symbols is caught, so the page can say "校验码有误" instead of "没有这份文书".
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RANDOM_LENGTH = 15
LENGTH = RANDOM_LENGTH + 1
GROUP = 4
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
# What may separate the groups when a reader types them: spaces, hyphens of any width, dots.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―－·.]+")


class CodeError(ValueError):
    """A code that cannot be one: ``reason`` is "length", "symbol" (with ``symbol``) or "check"."""

    def __init__(self, reason: str, symbol: str = "", length: int = 0):
        super().__init__(reason)
        self.reason, self.symbol, self.length = reason, symbol, length


def check_symbol(body: str) -> str:
    """Luhn mod 32 over ``body``: the symbol that makes the whole code's sum divisible by 32."""
    n = len(ALPHABET)
    total, factor = 0, 2
    for ch in reversed(body):
        addend = factor * _INDEX[ch]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def is_valid(code: str) -> bool:
    """The check symbol fits (``code`` already normalised)."""
    return len(code) == LENGTH and all(c in _INDEX for c in code) and check_symbol(code[:-1]) == code[-1]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_symbol(body)


def grouped(code: str) -> str:
    """ABCD-EFGH-JKLM-NPQR: as printed and as the reader types it."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def normalise(text: str) -> str:
    """What a reader typed, as stored: separators removed, upper case, full-width letters and
    digits made half-width. Raises ``CodeError`` for a wrong length, a symbol the codes never
    use, or a check symbol that does not fit."""
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in (text or ""))
    code = _SEPARATORS.sub("", text).upper()
    for ch in code:
        if ch not in _INDEX:
            raise CodeError("symbol", symbol=ch)
    if len(code) != LENGTH:
        raise CodeError("length", length=len(code))
    if not is_valid(code):
        raise CodeError("check")
    return code
