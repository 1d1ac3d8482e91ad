"""The unified social credit code's check character (GB 32100-2015): known codes, and properties
over any code of the alphabet."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safetynet.policy import creditcode
from safetynet.policy.errors import InputError

# The standard's own example, and a company's code as published on its licence.
KNOWN_VALID = ["91350100M000100Y43", "91110108551385082Q"]

first17 = st.text(alphabet=creditcode.ALPHABET, min_size=17, max_size=17)


def test_known_codes_are_valid():
    for code in KNOWN_VALID:
        assert creditcode.check(code) == [], code
        assert creditcode.validate(f" {code.lower()} ") == code


def test_a_wrong_check_character_is_named_with_its_position_and_the_right_one():
    errors = creditcode.check("91350100M000100Y44")
    assert [e.code for e in errors] == ["credit_code_check"]
    message = errors[0].message("zh")
    assert "第 18 位校验码错误" in message and "应为“3”" in message and "实为“4”" in message


def test_a_character_outside_the_alphabet_names_its_position():
    errors = creditcode.check("91350100M00010OY43")  # the letter O in place of a zero
    assert errors[0].code == "credit_code_char"
    assert "第 15 位“O”" in errors[0].message("zh")


def test_length():
    assert "实为 17 位" in creditcode.check("91350100M000100Y4")[0].message("zh")
    try:
        creditcode.validate("", "organisation.credit_code")
    except InputError as exc:
        assert exc.errors[0].path == "organisation.credit_code"
    else:
        raise AssertionError("an empty code passed")


@given(first17)
def test_a_made_code_is_valid(body):
    code = creditcode.make(body)
    assert creditcode.check(code) == []
    assert code[17] in creditcode.ALPHABET


@given(first17, st.integers(0, 16), st.integers(1, 30))
def test_any_single_character_changed_is_caught(body, position, shift):
    """The check is modulo a prime with weights that are never 0 mod 31: a change of one
    character always changes the check, so a single slip never passes."""
    code = creditcode.make(body)
    changed = creditcode.ALPHABET[(creditcode.VALUES[code[position]] + shift) % 31]
    typo = code[:position] + changed + code[position + 1:]
    assert creditcode.check(typo) != []


@given(first17, st.sampled_from(creditcode.ALPHABET))
def test_exactly_one_check_character_fits(body, last):
    assert (creditcode.check(body + last) == []) == (last == creditcode.check_character(body))
