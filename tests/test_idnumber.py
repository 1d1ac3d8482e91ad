"""Resident ID numbers, GB 11643-1999."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.policy import idnumber
from safetynet.policy.errors import PolicyError


def test_the_standard_example_is_valid():
    info = idnumber.parse("11010519491231002X")
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "female"
    assert info.area_prefix == "110105"


def test_a_lowercase_x_is_accepted_and_normalised():
    assert idnumber.parse("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    "text, code, fragment",
    [
        ("11010519491231002", "id_length", "17"),
        ("1101051949123100XX", "id_chars", "数字"),
        ("110105194912310021", "id_check_digit", "应为 X，实为 1"),
        ("110105194902300021", "id_birth_date", "19490230"),
        ("990105194912310021", "id_area", "990105"),
        ("370000194912310021", "id_area", "370000"),
        (370811197001010015, "id_type", "文本"),
    ],
)
def test_each_mistake_has_its_own_message(text, code, fragment):
    with pytest.raises(PolicyError) as exc:
        idnumber.parse(text)
    assert exc.value.code == code
    assert fragment in exc.value.message("zh")


birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 11, 1))


@given(birth_dates, st.integers(0, 499), st.sampled_from(["male", "female"]))
def test_generated_numbers_are_valid_and_carry_birth_date_and_sex(born, seq, sex):
    info = idnumber.parse(idnumber.generate("370830", born, seq, sex))
    assert (info.birth_date, info.sex, info.area_prefix) == (born, sex, "370830")


@given(birth_dates, st.integers(0, 999), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(born, seq, position, delta):
    number = idnumber.generate("370811", born, seq)
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert not idnumber.is_valid(changed)


@given(st.lists(st.text("0123456789", min_size=17, max_size=17), min_size=1, max_size=50))
def test_the_polars_check_digit_is_the_same_rule(first17s):
    frame = pl.DataFrame({"first17": first17s})
    got = frame.select(idnumber.check_digit_expr(pl.col("first17")).alias("check"))["check"].to_list()
    assert got == [idnumber.check_digit(s) for s in first17s]


def _parse_message(text: str) -> str | None:
    try:
        idnumber.parse(text)
    except PolicyError as exc:
        return exc.message("zh")
    return None


@given(
    st.one_of(
        st.text(alphabet="0123456789Xx ١", min_size=0, max_size=20),
        st.builds(
            lambda born, seq, i, c: (lambda n: n[:i] + c + n[i + 1 :])(idnumber.generate("370830", born, seq)),
            st.dates(date(1880, 1, 1), date(2030, 12, 31)),
            st.integers(0, 999),
            st.integers(0, 17),
            st.sampled_from("0123456789X"),
        ),
    )
)
def test_a_whole_file_is_checked_exactly_as_one_number(text):
    """The column check of a delivery file and the check at the window say the same thing."""
    column = pl.DataFrame({"n": [text]}, schema={"n": pl.String}).select(idnumber.problem(pl.col("n"))).item()
    assert column == _parse_message(text)
