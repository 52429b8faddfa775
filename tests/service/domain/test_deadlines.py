"""Execution deadlines (3.2.11.1.12): business days on the utility's calendar, clock hours across
midnight, and the remaining-time label of the deadline monitor. No database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from modules.common.errors import ValidationFailed
from modules.service.domain.deadlines import Deadline, DeadlineUnit, due_at, holiday_window, remaining

SP = ZoneInfo("America/Sao_Paulo")
NO_HOLIDAYS: frozenset[dt.date] = frozenset()
TIRADENTES = dt.date(2026, 4, 21)  # a Tuesday


def test_business_days_skip_the_weekend_and_a_holiday() -> None:
    # Friday 17/04 10:00 + 2 business days: Monday 20 is one, Tuesday 21 is Tiradentes, Wednesday 22
    opened = dt.datetime(2026, 4, 17, 10, 0, tzinfo=SP)
    due = due_at(opened, Deadline(2, DeadlineUnit.BUSINESS_DAYS), SP, frozenset({TIRADENTES}))
    assert due == dt.datetime(2026, 4, 22, 10, 0, tzinfo=SP)
    assert due.utcoffset() == dt.timedelta(hours=-3)


def test_without_the_holiday_the_same_order_is_due_on_tuesday() -> None:
    opened = dt.datetime(2026, 4, 17, 10, 0, tzinfo=SP)
    assert due_at(opened, Deadline(2, DeadlineUnit.BUSINESS_DAYS), SP, NO_HOLIDAYS) == dt.datetime(
        2026, 4, 21, 10, 0, tzinfo=SP
    )


def test_an_order_opened_on_saturday_starts_counting_on_monday() -> None:
    opened = dt.datetime(2026, 4, 18, 9, 15, tzinfo=SP)
    assert due_at(opened, Deadline(1, DeadlineUnit.BUSINESS_DAYS), SP, NO_HOLIDAYS) == dt.datetime(
        2026, 4, 20, 9, 15, tzinfo=SP
    )


def test_business_days_count_on_the_local_date_not_the_utc_one() -> None:
    # 22:30 in São Paulo on Friday is already Saturday in UTC: still Friday's order for the utility
    opened = dt.datetime(2026, 4, 18, 1, 30, tzinfo=dt.UTC)
    assert due_at(opened, Deadline(1, DeadlineUnit.BUSINESS_DAYS), SP, NO_HOLIDAYS) == dt.datetime(
        2026, 4, 20, 22, 30, tzinfo=SP
    )


def test_hours_cross_midnight_in_sao_paulo() -> None:
    opened = dt.datetime(2026, 3, 10, 21, 30, tzinfo=SP)
    due = due_at(opened, Deadline(6, DeadlineUnit.HOURS), SP, frozenset({dt.date(2026, 3, 11)}))
    assert due == dt.datetime(2026, 3, 11, 3, 30, tzinfo=SP)  # a holiday does not stop the clock
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 3, 11, 6, 30, tzinfo=dt.UTC)


def test_hours_over_a_weekend_are_clock_hours() -> None:
    opened = dt.datetime(2026, 4, 17, 20, 0, tzinfo=SP)  # Friday night
    assert due_at(opened, Deadline(24, DeadlineUnit.HOURS), SP, NO_HOLIDAYS) == dt.datetime(
        2026, 4, 18, 20, 0, tzinfo=SP
    )


def test_a_naive_opening_is_refused() -> None:
    with pytest.raises(ValueError):
        due_at(dt.datetime(2026, 4, 17, 10, 0), Deadline(1, DeadlineUnit.HOURS), SP, NO_HOLIDAYS)


def test_a_deadline_of_zero_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as exc:
        Deadline(0, DeadlineUnit.BUSINESS_DAYS)
    assert exc.value.field == "deadline.value"


def test_the_holiday_window_covers_the_business_days() -> None:
    start, end = holiday_window(dt.date(2026, 4, 17), Deadline(2, DeadlineUnit.BUSINESS_DAYS))
    assert start == dt.date(2026, 4, 17) and end >= dt.date(2026, 4, 22)


@pytest.mark.parametrize(
    ("due", "now", "label", "overdue"),
    [
        (
            dt.datetime(2026, 4, 22, 10, 0, tzinfo=SP),
            dt.datetime(2026, 4, 20, 7, 0, tzinfo=SP),
            "2 d 3 h",
            False,
        ),
        (
            dt.datetime(2026, 4, 20, 10, 0, tzinfo=SP),
            dt.datetime(2026, 4, 20, 9, 15, tzinfo=SP),
            "45 min",
            False,
        ),
        (
            dt.datetime(2026, 4, 20, 10, 0, tzinfo=SP),
            dt.datetime(2026, 4, 20, 15, 0, tzinfo=SP),
            "atrasada há 5 h",
            True,
        ),
    ],
)
def test_remaining_time_label(due: dt.datetime, now: dt.datetime, label: str, overdue: bool) -> None:
    left = remaining(due, now)
    assert left.label() == label
    assert left.overdue is overdue
