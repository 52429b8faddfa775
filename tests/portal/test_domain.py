"""Pure rules of the agency (no database)."""

from __future__ import annotations

import pytest

from portal import domain


def test_six_distinct_due_days_are_the_legal_minimum() -> None:
    assert domain.due_day_options_problem([5, 10, 15, 20, 25, 30]) is None
    assert "ao menos 6" in (domain.due_day_options_problem([5, 10, 15, 20, 25, 25]) or "")
    assert "entre 1 e 31" in (domain.due_day_options_problem([0, 5, 10, 15, 20, 25]) or "")


def test_protocol_numbers_carry_the_year_and_six_digits() -> None:
    assert domain.format_protocol(2025, 123) == "2025000123"


@pytest.mark.parametrize("typed", ["4647262", "464726.2", "464726-2", " 464726 - 2 "])
def test_account_input_keeps_only_digits(typed: str) -> None:
    assert domain.account_input_digits(typed.replace(" ", "")) == "4647262"


@pytest.mark.parametrize(
    ("background", "text"),
    [("#1351B4", "#FFFFFF"), ("#00695C", "#FFFFFF"), ("#FFCD07", "#1B1B1B"), ("#F8F8F8", "#1B1B1B")],
)
def test_text_on_the_brand_colour_is_whichever_contrasts_more(background: str, text: str) -> None:
    assert domain.text_colour_on(background) == text


def test_a_light_brand_colour_never_becomes_link_text() -> None:
    assert domain.brand_colours("#FFCD07", "#0C326F").link == "#1351B4"
    assert domain.brand_colours("#0E5A8A", "#083A5A").link == "#0E5A8A"
    assert domain.contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
