"""The one French/English number reader and the formatters (``regions.formatting``), and the readers built on them."""

from __future__ import annotations

import argparse
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regions import formatting, user_indicators
from regions.cli import common

NARROW = "\u202f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        (" 90 ", 90.0),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        (f"1{NARROW}234,5", 1234.5),
        ("12,5 %", 12.5),
        ("-3", -3.0),
        ("1e3", 1000.0),
    ],
)
def test_parse_number_reads_french_and_english_numbers(text: str, expected: float) -> None:
    assert formatting.parse_number(text) == expected


@pytest.mark.parametrize("text", ["", " ", "douze", "12,5,3", "1.234,5"])
def test_parse_number_refuses_what_is_not_one_number(text: str) -> None:
    with pytest.raises(ValueError):
        formatting.parse_number(text)


def test_parse_number_reads_nan_and_inf_for_callers_to_refuse() -> None:
    assert math.isnan(formatting.parse_number("nan"))
    assert formatting.parse_number("inf") == math.inf


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_a_french_number_reads_back_as_itself(value: float, decimals: int) -> None:
    shown = formatting.number(value, decimals, "fr")
    assert "." not in shown and "," not in shown.replace(",", "", 1)
    assert formatting.parse_number(shown) == pytest.approx(float(f"{value:.{decimals}f}"), abs=10**-decimals)


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "expected"),
    [
        (26470, 0, "fr", f"26{NARROW}470"),
        (26470, 0, "en", "26,470"),
        (12.54, 1, "fr", "12,5"),
        (12.54, 1, "en", "12.5"),
        (-1234567.891, 2, "fr", f"-1{NARROW}234{NARROW}567,89"),
        (float("nan"), 1, "fr", "—"),
        (None, 1, "en", "—"),
    ],
)
def test_number_in_french_and_english(value: object, decimals: int, lang: formatting.Lang, expected: str) -> None:
    assert formatting.number(value, decimals, lang) == expected


def test_percent_and_rank_interval_in_both_languages() -> None:
    assert formatting.percent(12.5, 1, "fr") == f"12,5{NARROW}%"
    assert formatting.percent(12.5, 1, "en") == "12.5%"
    assert formatting.percent(float("nan")) == "—"
    assert formatting.rank_interval(3, 2, 6, "fr") == "rang 3 (2–6)"
    assert formatting.rank_interval(3.0, 3.0, 3.0, "en") == "rank 3"
    assert formatting.rank_interval(float("nan"), 2, 6) == "—"


def test_indicator_value_carries_the_unit_and_the_right_decimals() -> None:
    assert formatting.indicator_value("ftth_share_pct", 74.06, "fr") == f"74,1{NARROW}%"
    assert formatting.indicator_value("ftth_share_pct", 74.06, "en") == "74.1%"
    assert formatting.indicator_value("ftth_share_pct", None, "fr") == "—"


def test_the_command_line_reads_numbers_with_the_same_reader() -> None:
    assert common.number_arg("12,5") == 12.5
    assert common.number_arg(f"1{NARROW}000") == 1000.0
    with pytest.raises(argparse.ArgumentTypeError, match=r"n'est pas un nombre$"):
        common.number_arg("beaucoup")
    with pytest.raises(argparse.ArgumentTypeError, match="pas un nombre fini"):
        common.number_arg("inf")


def test_a_user_indicator_cell_is_read_with_the_same_reader() -> None:
    assert user_indicators._number("12,5 %") == 12.5
    assert user_indicators._number(f"1{NARROW}234") == 1234.0
    assert math.isnan(user_indicators._number(""))
    assert math.isnan(user_indicators._number("n.d."))
