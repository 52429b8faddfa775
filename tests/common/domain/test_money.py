"""The rounding helper shared by collection and debt (to merge with modules/common/domain/money.py)."""

from decimal import Decimal

import pytest

from modules.common.domain.money import CENT, Rounding, format_brl, parse_money, round_money


@pytest.mark.parametrize(
    ("value", "rule", "expected"),
    [
        ("36.075", Rounding.TRUNCATE, "36.07"),  # TR §14.5: 39,00 × 0,925 → 36,07
        ("36.075", Rounding.HALF_UP, "36.08"),
        ("65.895044", Rounding.HALF_UP, "65.90"),  # seed 003, 6 installments
        ("65.895044", Rounding.TRUNCATE, "65.89"),
        ("-0.019", Rounding.TRUNCATE, "-0.01"),  # toward zero: a credit is not rounded up either
        ("-0.015", Rounding.HALF_UP, "-0.02"),
        ("7", "truncate", "7.00"),
    ],
)
def test_round_money(value: str, rule: Rounding, expected: str) -> None:
    rounded = round_money(Decimal(value), rule)
    assert (str(rounded), rounded.as_tuple().exponent) == (expected, CENT.as_tuple().exponent)


def test_parse_money_takes_only_text_with_up_to_two_places() -> None:
    assert parse_money("20.59") == Decimal("20.59")
    assert parse_money(" 7 ") == Decimal("7.00")
    assert [parse_money(bad) for bad in (20.59, "20,59", "1e2", "0.001", "NaN", "", None)] == [None] * 7


def test_format_brl() -> None:
    assert [format_brl(Decimal(v)) for v in ("15336.12", "28.1", "0", "-1234567.5")] == [
        "15.336,12",
        "28,10",
        "0,00",
        "-1.234.567,50",
    ]
