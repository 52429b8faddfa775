"""Rounding rule and reference month, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from modules.common.domain.dates import YearMonth
from modules.common.domain.money import CENT, Rounding, round_money


@pytest.mark.parametrize(
    ("value", "rule", "expected"),
    [
        ("36.075", Rounding.TRUNCATE, "36.07"),  # TR §14.5: digits after the second decimal are discarded
        ("36.075", Rounding.HALF_UP, "36.08"),
        ("89.355", Rounding.TRUNCATE, "89.35"),
        ("0.009", Rounding.TRUNCATE, "0.00"),
        ("-1.239", Rounding.TRUNCATE, "-1.23"),  # toward zero: a credit is not rounded up either
        ("-1.235", Rounding.HALF_UP, "-1.24"),
        ("2", Rounding.HALF_UP, "2.00"),
    ],
)
def test_round_money(value: str, rule: Rounding, expected: str) -> None:
    assert str(round_money(Decimal(value), rule)) == expected


def test_round_money_accepts_the_rule_as_stored_text() -> None:
    assert round_money(Decimal("1.005"), "half_up") == Decimal("1.01")  # type: ignore[arg-type]
    assert Decimal("0.01") == CENT


def test_round_money_refuses_float() -> None:
    with pytest.raises(TypeError):
        round_money(0.1, Rounding.HALF_UP)  # type: ignore[arg-type]


def test_year_month_arithmetic() -> None:
    month = YearMonth.parse("2026-12")
    assert str(month) == "2026-12" and month.label == "12/2026"
    assert month.next() == YearMonth(2027, 1)
    assert YearMonth(2027, 1).previous() == month
    assert month.plus(-12) == YearMonth(2025, 12)
    assert month.months_until(YearMonth(2027, 3)) == 3
    assert YearMonth(2026, 2).first_day() == dt.date(2026, 2, 1)
    assert YearMonth(2028, 2).last_day() == dt.date(2028, 2, 29)
    assert YearMonth(2026, 2).day(30) == dt.date(2026, 2, 28)
    assert YearMonth.of(dt.date(2026, 5, 17)) == YearMonth(2026, 5)
    assert YearMonth(2026, 1) < YearMonth(2026, 2)


@pytest.mark.parametrize("text", ["2026-13", "26-01", "2026/01", ""])
def test_year_month_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError):
        YearMonth.parse(text)
