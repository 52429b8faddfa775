"""SLA rules without a database: the tender's worked example and the derived vectors, merging,
month splitting at the utility's midnight, availability, error budget, deadlines, probe folding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saas.sla.domain.availability import ErrorBudget, availability_percent, contract_year
from saas.sla.domain.discount import hours, interruption_discount
from saas.sla.domain.periods import (
    Interval,
    YearMonth,
    merge,
    month_bounds,
    split_by_month,
    subtract,
    total,
    within,
)
from saas.sla.domain.priorities import Compliance, compliance, deadlines, priority
from saas.sla.domain.probes import ProbeState, Transition, outages_from, step

SP = ZoneInfo("America/Sao_Paulo")
UTC = dt.UTC


def at(day: int, hour: int = 0, minute: int = 0, month: int = 3, zone: dt.tzinfo = UTC) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=zone)


# --- discount (TR 1.8) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vms", "duration", "expected"),
    [
        ("10000.00", dt.timedelta(hours=4), "55.56"),  # the tender's own example
        ("10000.00", dt.timedelta(0), "0.00"),
        ("10000.00", dt.timedelta(hours=1), "13.89"),
        ("10000.00", dt.timedelta(hours=3), "41.67"),
        ("10000.00", dt.timedelta(hours=7), "97.22"),  # 13.89 × 7 would be 97.23
        ("10000.00", dt.timedelta(minutes=30), "6.94"),  # rounding 6.9444 per half hour
        ("10000.00", dt.timedelta(minutes=95), "21.99"),
        ("10000.00", dt.timedelta(hours=720), "10000.00"),
        ("10000.00", dt.timedelta(hours=744), "10000.00"),  # a whole 31-day month: capped at VMS
        ("7349.90", dt.timedelta(hours=1, minutes=1, seconds=1), "10.38"),
    ],
)
def test_interruption_discount_vectors(vms: str, duration: dt.timedelta, expected: str) -> None:
    assert interruption_discount(Decimal(vms), duration) == Decimal(expected)


def test_discount_divides_by_720_whatever_the_month_length() -> None:
    # 4 hours in February (672 h) and in March (744 h) cost the same: TTSP is fixed at 720 h.
    assert interruption_discount(Decimal("10000.00"), dt.timedelta(hours=4)) == Decimal("55.56")


def test_discount_rounds_half_up_only_at_the_end() -> None:
    # 720 × 0.005 / 1 h → exactly half a cent at 18 seconds of a R$ 720,00 contract: rounds up
    assert interruption_discount(Decimal("720.00"), dt.timedelta(seconds=18)) == Decimal("0.01")
    assert interruption_discount(Decimal("720.00"), dt.timedelta(seconds=17)) == Decimal("0.00")


def test_hours_keeps_full_precision() -> None:
    assert hours(dt.timedelta(minutes=90)) == Decimal("1.5")
    assert hours(dt.timedelta(seconds=1)) * 3600 == Decimal(1)


@given(
    vms=st.decimals(min_value=0, max_value=10_000_000, places=2),
    a=st.integers(min_value=0, max_value=400 * 3600),
    b=st.integers(min_value=0, max_value=300 * 3600),
)
def test_discount_grows_with_downtime_and_never_passes_vms(vms: Decimal, a: int, b: int) -> None:
    first = interruption_discount(vms, dt.timedelta(seconds=a))
    longer = interruption_discount(vms, dt.timedelta(seconds=a + b))
    assert Decimal(0) <= first <= longer <= vms
    assert first == first.quantize(Decimal("0.01"))


def test_negative_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        interruption_discount(Decimal("-1"), dt.timedelta(hours=1))
    with pytest.raises(ValueError):
        interruption_discount(Decimal("1"), dt.timedelta(hours=-1))


# --- periods ------------------------------------------------------------------------------------------


def test_overlapping_and_touching_outages_merge_once() -> None:
    merged = merge(
        [Interval(at(2, 10), at(2, 12)), Interval(at(2, 11), at(2, 13)), Interval(at(2, 13), at(2, 14))]
    )
    assert merged == [Interval(at(2, 10), at(2, 14))]
    assert total([Interval(at(2, 10), at(2, 12)), Interval(at(2, 11), at(2, 13))]) == dt.timedelta(hours=3)


def test_an_interval_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before"):
        Interval(at(2, 12), at(2, 11))


def test_an_outage_across_month_end_is_split_at_the_utilitys_midnight() -> None:
    # 31 March 22:00 to 1 April 02:00 in São Paulo (UTC-3): 2 h in March, 2 h in April.
    outage = Interval(at(31, 22, zone=SP), at(1, 2, month=4, zone=SP))
    parts = split_by_month(outage, SP)
    assert [(str(m), p.duration) for m, p in parts] == [
        ("2026-03", dt.timedelta(hours=2)),
        ("2026-04", dt.timedelta(hours=2)),
    ]
    # in UTC the same outage (01:00–05:00 UTC on 1 April) would fall wholly in April
    assert [str(m) for m, _ in split_by_month(outage, ZoneInfo("UTC"))] == ["2026-04"]


def test_a_long_outage_spans_several_months() -> None:
    outage = Interval(at(15, zone=SP), at(10, month=5, zone=SP))
    assert [str(m) for m, _ in split_by_month(outage, SP)] == ["2026-03", "2026-04", "2026-05"]
    assert sum((p.duration for _, p in split_by_month(outage, SP)), dt.timedelta()) == outage.duration


@given(
    start=st.integers(min_value=0, max_value=400 * 24 * 60),
    length=st.integers(min_value=1, max_value=100 * 24 * 60),
)
def test_month_split_preserves_the_total(start: int, length: int) -> None:
    begin = dt.datetime(2025, 1, 1, tzinfo=UTC) + dt.timedelta(minutes=start)
    outage = Interval(begin, begin + dt.timedelta(minutes=length))
    parts = split_by_month(outage, SP)
    assert sum((p.duration for _, p in parts), dt.timedelta()) == outage.duration
    assert all(p.clip(month_bounds(m, SP)) == p for m, p in parts)


def test_month_bounds_follow_local_midnight() -> None:
    bounds = month_bounds(YearMonth(2026, 3), SP)
    assert bounds.start == dt.datetime(2026, 3, 1, 3, tzinfo=UTC)
    assert bounds.end == dt.datetime(2026, 4, 1, 3, tzinfo=UTC)
    assert YearMonth.parse("2026-12").next() == YearMonth(2027, 1)
    with pytest.raises(ValueError):
        YearMonth.parse("2026-13")
    with pytest.raises(ValueError):
        YearMonth.parse("março")


def test_maintenance_windows_are_subtracted() -> None:
    outage = [Interval(at(2, 1), at(2, 5))]
    window = [Interval(at(2, 2), at(2, 3))]
    assert subtract(outage, window) == [Interval(at(2, 1), at(2, 2)), Interval(at(2, 3), at(2, 5))]
    assert within(outage, Interval(at(2, 4), at(3))) == [Interval(at(2, 4), at(2, 5))]


# --- availability and budget -----------------------------------------------------------------------


def test_availability_of_a_month_uses_its_real_length_and_truncates() -> None:
    march = month_bounds(YearMonth(2026, 3), SP).duration  # 31 days
    assert availability_percent(march, dt.timedelta(0)) == Decimal("100.000")
    assert availability_percent(march, dt.timedelta(hours=4)) == Decimal("99.462")  # 99.4623…
    assert availability_percent(march, dt.timedelta(minutes=8)) == Decimal("99.982")  # 99.98207…
    assert availability_percent(march, march * 2) == Decimal("0.000")


def test_error_budget_left_and_overspent() -> None:
    budget = ErrorBudget(allowed=dt.timedelta(minutes=95), used=dt.timedelta(minutes=30, seconds=30))
    assert budget.left_minutes == Decimal("64.5") and not budget.exhausted
    over = ErrorBudget(allowed=dt.timedelta(minutes=95), used=dt.timedelta(minutes=100))
    assert over.left_minutes == Decimal("-5.0") and over.exhausted


def test_contract_year_runs_from_the_anniversary() -> None:
    july = dt.date(2025, 7, 1)
    assert contract_year(july, dt.date(2026, 3, 10)) == (july, dt.date(2026, 7, 1))
    assert contract_year(july, dt.date(2026, 7, 1)) == (dt.date(2026, 7, 1), dt.date(2027, 7, 1))
    assert contract_year(dt.date(2024, 2, 29), dt.date(2025, 3, 1))[0] == dt.date(2025, 2, 28)


# --- priorities and deadlines -----------------------------------------------------------------------


@pytest.mark.parametrize(("level", "hours_"), [(0, 1), (1, 3), (2, 12), (3, 48), (4, 72), (5, 96)])
def test_resolution_deadline_in_calendar_hours(level: int, hours_: int) -> None:
    friday_23h = dt.datetime(2026, 3, 6, 23, tzinfo=SP)
    due = deadlines(opened_at=friday_23h, level=level)
    assert due.resolution_due == friday_23h + dt.timedelta(hours=hours_)
    assert due.response_due == friday_23h + dt.timedelta(minutes=15)


def test_priority_1_opened_friday_23h_is_due_saturday_2h() -> None:
    due = deadlines(opened_at=dt.datetime(2026, 3, 6, 23, tzinfo=SP), level=1)
    assert due.resolution_due == dt.datetime(2026, 3, 7, 2, tzinfo=SP)


def test_priority_6_is_due_when_scheduled_and_unknown_levels_are_refused() -> None:
    opened = at(2, 9)
    assert deadlines(opened_at=opened, level=6).resolution_due is None
    assert deadlines(opened_at=opened, level=6, scheduled_for=at(9, 9)).resolution_due == at(9, 9)
    assert priority(0).name == "Inoperante"
    with pytest.raises(ValueError):
        deadlines(opened_at=opened, level=7)


def test_compliance() -> None:
    due = at(2, 10)
    assert compliance(due=due, done_at=at(2, 10), as_of=at(5)) is Compliance.MET
    assert compliance(due=due, done_at=at(2, 10, 1), as_of=at(5)) is Compliance.BREACHED
    assert compliance(due=due, done_at=None, as_of=at(2, 9)) is Compliance.RUNNING
    assert compliance(due=due, done_at=None, as_of=at(2, 11)) is Compliance.BREACHED
    assert compliance(due=None, done_at=None, as_of=at(2, 11)) is Compliance.NO_DEADLINE


# --- probes -------------------------------------------------------------------------------------------


def test_consecutive_failures_make_one_outage_from_first_failure_to_first_success() -> None:
    results = [(at(2, 10, m), m not in (3, 4, 5)) for m in range(0, 9)]
    assert outages_from(results, as_of=at(3)) == [Interval(at(2, 10, 3), at(2, 10, 6))]


def test_an_outage_still_failing_ends_at_as_of() -> None:
    results = [(at(2, 10, 0), True), (at(2, 10, 1), False), (at(2, 10, 2), False)]
    assert outages_from(results, as_of=at(2, 10, 5)) == [Interval(at(2, 10, 1), at(2, 10, 5))]


def test_a_stale_probe_result_is_not_applied() -> None:
    state, transition = step(ProbeState(), at=at(2, 10), ok=False)
    assert transition is Transition.OPEN and state.open_since == at(2, 10)
    same, transition = step(state, at=at(2, 9), ok=True)
    assert transition is Transition.STALE and same == state
    closed, transition = step(state, at=at(2, 11), ok=True)
    assert transition is Transition.CLOSE and closed.open_since is None
