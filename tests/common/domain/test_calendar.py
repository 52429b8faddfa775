"""Business days and due dates, with São Paulo's 2026 holidays from the `holidays` package plus a
municipal one (the domain takes a plain frozenset)."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.common.domain.calendar import (
    DueDateOptions,
    NonBusinessDayRule,
    ShortMonthRule,
    add_business_days,
    business_days_between,
    due_date,
    due_day_problems,
    is_business_day,
    next_business_day,
    previous_business_day,
)
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed

CORPUS_CHRISTI = dt.date(2026, 6, 4)  # a municipal holiday of the utility's own table
SP = frozenset(holidays.country_holidays("BR", subdiv="SP", years=range(2026, 2029))) | {CORPUS_CHRISTI}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_business_days() -> None:
    assert not is_business_day(d("2026-07-09"), SP)  # Revolução Constitucionalista (SP)
    assert is_business_day(d("2026-07-10"), SP)
    assert not is_business_day(d("2026-07-11"), SP)  # Saturday
    assert not is_business_day(CORPUS_CHRISTI, SP)
    assert next_business_day(d("2026-04-03"), SP) == d("2026-04-06")  # Good Friday → Monday
    assert previous_business_day(d("2026-04-05"), SP) == d("2026-04-02")
    assert add_business_days(d("2026-04-02"), 1, SP) == d("2026-04-06")
    assert add_business_days(d("2026-04-06"), -1, SP) == d("2026-04-02")
    assert add_business_days(d("2026-04-04"), 0, SP) == d("2026-04-04")
    assert business_days_between(d("2026-04-02"), d("2026-04-06"), SP) == 1
    assert business_days_between(d("2026-04-06"), d("2026-04-02"), SP) == -1


@given(st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 1)), st.integers(-40, 40))
def test_adding_business_days_is_reversible(start: dt.date, count: int) -> None:
    day = next_business_day(start, SP)
    moved = add_business_days(day, count, SP)
    assert is_business_day(moved, SP)
    assert add_business_days(moved, -count, SP) == day
    assert business_days_between(day, moved, SP) == count


@pytest.mark.parametrize(
    ("month", "day", "options", "expected"),
    [
        ("2026-08", 10, DueDateOptions(), "2026-08-10"),
        ("2026-04", 5, DueDateOptions(), "2026-04-06"),  # Sunday → Monday
        (
            "2026-04",
            5,
            DueDateOptions(non_business=NonBusinessDayRule.PREVIOUS),
            "2026-04-02",
        ),  # over Good Friday
        ("2028-02", 30, DueDateOptions(), "2028-02-29"),  # leap February, last day
        ("2028-02", 30, DueDateOptions(short_month=ShortMonthRule.NEXT_MONTH), "2028-03-01"),
        ("2026-02", 30, DueDateOptions(), "2026-03-02"),  # 28/02/2026 is a Saturday
        ("2026-02", 30, DueDateOptions(non_business=NonBusinessDayRule.PREVIOUS), "2026-02-27"),
        ("2026-11", 20, DueDateOptions(), "2026-11-23"),  # Consciência Negra (Friday) → Monday
    ],
)
def test_due_date_from_the_chosen_day(month: str, day: int, options: DueDateOptions, expected: str) -> None:
    assert due_date(YearMonth.parse(month), day, SP, options) == d(expected)


def test_due_date_respects_the_minimum_time_after_issue() -> None:
    options = DueDateOptions(min_days_after_issue=5)
    assert due_date(YearMonth(2026, 8), 10, SP, options, issued_on=d("2026-08-01")) == d("2026-08-10")
    # 05/08 is too soon after 01/08: 05/09 (Saturday) → 07/09 is Independence Day → Tuesday 08/09
    assert due_date(YearMonth(2026, 8), 5, SP, options, issued_on=d("2026-08-01")) == d("2026-09-08")


def test_a_day_the_utility_does_not_offer() -> None:
    with pytest.raises(ValidationFailed) as raised:
        due_date(YearMonth(2026, 8), 7, SP)
    assert (
        raised.value.message
        == "Dia de vencimento 7 não está entre as opções da concessionária (5, 10, 15, 20, 25, 30)."
    )
    assert raised.value.code == "due_day_not_offered"


def test_due_day_options_follow_the_law() -> None:
    """VA-27: at least six distinct due days in 1..31 (Lei 9.791/1999)."""
    assert due_day_problems(DueDateOptions()) == []
    assert due_day_problems(DueDateOptions(days=(5, 10, 15, 20, 25, 25), min_days_after_issue=-1)) == [
        "A concessionária deve oferecer ao menos 6 datas de vencimento distintas (Lei 9.791/1999); há 5.",
        "O prazo mínimo entre emissão e vencimento não pode ser negativo.",
    ]
    assert due_day_problems(DueDateOptions(days=(0, 5, 10, 15, 20, 25))) == [
        "Os dias de vencimento devem estar entre 1 e 31."
    ]


@given(st.integers(2026, 2028), st.integers(1, 12), st.sampled_from([5, 10, 15, 20, 25, 30]))
def test_a_due_date_is_always_a_business_day(year: int, month: int, day: int) -> None:
    for options in (DueDateOptions(), DueDateOptions(non_business=NonBusinessDayRule.PREVIOUS)):
        assert is_business_day(due_date(YearMonth(year, month), day, SP, options), SP)
