"""Bank card numbers: what the window accepts and what the bank can pay into.

A card number (PAN, ISO/IEC 7812) has 12 to 19 digits. UnionPay debit cards, which carry the
allowance here, end with a Luhn check digit; so do all cards of 16 to 19 digits the banks issue,
while some older passbook-linked numbers of 12 to 15 digits do not. So: 12–19 digits, and the Luhn
check required from 16 digits on. Spaces and dashes typed for readability are removed.
"""

from __future__ import annotations

MIN_DIGITS, MAX_DIGITS, LUHN_FROM = 12, 19, 16


def normalise(text: str) -> str:
    return "".join(ch for ch in text if ch not in " -")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def with_check_digit(body: str) -> str:
    """``body`` followed by its Luhn check digit (for the demo and the tests)."""
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def problem(text: str) -> tuple[str, dict] | None:
    """What is wrong with a card number, as a message code and its parameters, or None."""
    digits = normalise(text)
    if not digits.isdigit() or not digits.isascii():
        return "card_chars", {}
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return "card_length", {"length": len(digits)}
    if len(digits) >= LUHN_FROM and not luhn_ok(digits):
        return "card_check_digit", {}
    return None


def valid(text: str | None) -> bool:
    """A card the bank can pay into: present and well formed."""
    return bool(text) and problem(text) is None
