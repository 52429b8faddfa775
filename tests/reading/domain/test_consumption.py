"""Consumption determination: measured, rollover, meter swap, average, minimum, fixed; deviation
flags (§14.2), reading window (3.2.4.4.4), master/dependent (§14.8); pt-BR errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.reading.domain.consumption import (
    AverageRounding,
    ConsumptionInput,
    ConsumptionKind,
    ConsumptionPolicy,
    Flag,
    HistoryEntry,
    MeterReading,
    MeterSwap,
    Occurrence,
    OccurrenceAction,
    average_consumption,
    determine_consumption,
    expected_reading_range,
    fixed_by_outlets,
    meter_delta,
)

JULY = YearMonth(2026, 7)
MEASURED = ConsumptionKind.MEASURED
NOT_READ = Occurrence("12", "Impossibilidade de leitura", OccurrenceAction.AVERAGE, review=False)


def history(
    *volumes: int, kind: ConsumptionKind = MEASURED, before: YearMonth = JULY
) -> tuple[HistoryEntry, ...]:
    """Volumes of the months before `before`, most recent first."""
    return tuple(HistoryEntry(before.plus(-(i + 1)), v, kind) for i, v in enumerate(volumes))


def test_measured_is_current_minus_previous() -> None:
    result = determine_consumption(ConsumptionInput(JULY, reading=MeterReading(1234, 1250, digits=5)))
    assert (result.kind, result.volume_m3, result.measured_m3) == (MEASURED, 16, 16)
    assert result.flags == frozenset() and not result.needs_review


def test_rollover_of_a_4_digit_meter() -> None:
    """Seed 001 3.2.5.9: 4-digit meter, previous 9990, current 0015 → 25 m³."""
    result = determine_consumption(ConsumptionInput(JULY, reading=MeterReading(9990, 15, digits=4)))
    assert (result.kind, result.volume_m3) == (MEASURED, 25)
    assert Flag.ROLLOVER in result.flags


def test_a_lower_reading_far_from_the_end_of_the_dial_is_an_error() -> None:
    with pytest.raises(ValidationFailed) as raised:
        determine_consumption(ConsumptionInput(JULY, reading=MeterReading(6000, 5000, digits=4)))
    assert raised.value.message == (
        "Leitura atual (5000) menor que a anterior (6000) sem virada do hidrômetro nem troca de "
        "hidrômetro: confira a leitura."
    )
    assert (raised.value.code, raised.value.field) == ("reading_below_previous", "reading.current")


def test_the_reader_can_confirm_a_rollover() -> None:
    occurrence = Occurrence("31", "Virada de hidrômetro", OccurrenceAction.ROLLOVER)
    result = determine_consumption(
        ConsumptionInput(JULY, reading=MeterReading(6000, 5000, digits=4), occurrence=occurrence)
    )
    assert result.volume_m3 == 9000 and Flag.ROLLOVER in result.flags


def test_meter_swap_adds_old_and_new() -> None:
    """Seed 001 3.2.5.9: (old final − old previous) + (new current − new initial)."""
    swap = MeterSwap(
        old_previous=500, old_final=512, old_digits=4, new_initial=0, new_current=7, new_digits=5
    )
    result = determine_consumption(ConsumptionInput(JULY, swap=swap))
    assert (result.kind, result.volume_m3) == (MEASURED, 19)
    assert result.flags == frozenset({Flag.METER_SWAP})


def test_meter_swap_with_the_old_meter_turning_over() -> None:
    swap = MeterSwap(
        old_previous=9995, old_final=3, old_digits=4, new_initial=2, new_current=10, new_digits=5
    )
    result = determine_consumption(ConsumptionInput(JULY, swap=swap))
    assert result.volume_m3 == 16 and result.flags == frozenset({Flag.METER_SWAP, Flag.ROLLOVER})


def test_meter_swap_with_a_wrong_old_final_reading() -> None:
    swap = MeterSwap(
        old_previous=500, old_final=400, old_digits=4, new_initial=0, new_current=7, new_digits=5
    )
    with pytest.raises(ValidationFailed) as raised:
        determine_consumption(ConsumptionInput(JULY, swap=swap))
    assert raised.value.field == "swap.old.current"


def test_average_when_not_read() -> None:
    """S14.6-01: last 6 measured volumes 10, 12, 14, 16, 18, 20 and N = 6 → 15 m³."""
    result = determine_consumption(
        ConsumptionInput(JULY, reading=MeterReading(100, None, 4), history=history(10, 12, 14, 16, 18, 20))
    )
    assert (result.kind, result.volume_m3, result.measured_m3) == (ConsumptionKind.AVERAGE, 15, None)


def test_average_by_occurrence_keeps_the_reading_for_the_record() -> None:
    """S14.6-02: an "impossibilidade de leitura" occurrence bills by average automatically."""
    result = determine_consumption(
        ConsumptionInput(
            JULY,
            reading=MeterReading(100, 180, 4),
            occurrence=NOT_READ,
            history=history(10, 12, 14, 16, 18, 20),
        )
    )
    assert (result.kind, result.volume_m3, result.measured_m3) == (ConsumptionKind.AVERAGE, 15, 80)


def test_average_skips_months_billed_by_average_and_rounds_down() -> None:
    entries = (
        HistoryEntry(JULY.plus(-1), 99, ConsumptionKind.AVERAGE),
        HistoryEntry(JULY.plus(-2), 10, MEASURED),
        HistoryEntry(JULY.plus(-3), 11, MEASURED),
    )
    assert average_consumption(entries, JULY, ConsumptionPolicy(average_months=6)) == 10  # 10.5 → 10
    half_up = ConsumptionPolicy(average_months=6, average_rounding=AverageRounding.HALF_UP)
    assert average_consumption(entries, JULY, half_up) == 11
    assert average_consumption(entries, JULY, ConsumptionPolicy(average_months=1)) == 10


def test_average_looks_back_at_most_twice_n_months() -> None:
    old = (HistoryEntry(JULY.plus(-5), 40, MEASURED),)
    assert average_consumption(old, JULY, ConsumptionPolicy(average_months=2)) is None
    assert average_consumption(old, JULY, ConsumptionPolicy(average_months=3)) == 40


def test_minimum_when_no_measured_history() -> None:
    result = determine_consumption(ConsumptionInput(JULY, reading=MeterReading(0, None, 4), minimum_m3=30))
    assert (result.kind, result.volume_m3) == (ConsumptionKind.MINIMUM, 30)


def test_minimum_by_occurrence() -> None:
    occurrence = Occurrence("40", "Imóvel fechado", OccurrenceAction.MINIMUM, review=True)
    result = determine_consumption(
        ConsumptionInput(JULY, reading=MeterReading(10, 12, 4), occurrence=occurrence, minimum_m3=10)
    )
    assert (result.kind, result.volume_m3, result.measured_m3) == (ConsumptionKind.MINIMUM, 10, 2)
    assert result.flags == frozenset({Flag.REVIEW}) and result.needs_review


def test_fixed_consumption_for_unmetered_connections() -> None:
    """Seed 001 3.2.4.4.3: an unmetered unit with 2 outlets → 2 × the per-outlet parameter."""
    result = determine_consumption(ConsumptionInput(JULY, fixed_m3=fixed_by_outlets(2, 8)))
    assert (result.kind, result.volume_m3, result.measured_m3) == (ConsumptionKind.FIXED, 16, None)


@pytest.mark.parametrize(
    ("volume", "flags"),
    [(18, {Flag.HIGH}), (6, {Flag.LOW}), (12, set()), (17, set()), (7, set()), (0, {Flag.LOW, Flag.ZERO})],
)
def test_deviation_flags_against_the_12_month_average(volume: int, flags: set[Flag]) -> None:
    """S14.2-02: 12-month average 10 m³, +70 % / −30 %: 18 → high; 6 → low; 12 → not flagged."""
    result = determine_consumption(
        ConsumptionInput(JULY, reading=MeterReading(1000, 1000 + volume, 5), history=history(*[10] * 12))
    )
    assert result.flags == frozenset(flags)
    assert result.average_m3 == Decimal(10)


def test_excess_notice_threshold_is_a_parameter() -> None:
    """Seed 001 3.2.5.12.3: parameter 50 %, average 20: 31 → notice; 29 → none."""
    policy = ConsumptionPolicy(high_percent=Decimal("50"))

    def flags(volume: int) -> frozenset[Flag]:
        data = ConsumptionInput(JULY, reading=MeterReading(0, volume, 4), history=history(*[20] * 12))
        return determine_consumption(data, policy).flags

    assert Flag.HIGH in flags(31) and Flag.HIGH not in flags(29)


def test_deviation_ignores_months_outside_the_window() -> None:
    entries = (*history(*[10] * 12), HistoryEntry(JULY.plus(-13), 1000, MEASURED))
    result = determine_consumption(ConsumptionInput(JULY, reading=MeterReading(0, 12, 4), history=entries))
    assert result.average_m3 == Decimal(10) and result.flags == frozenset()


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        (
            ConsumptionInput(JULY),
            "Ligação hidrometrada sem leitura nem troca de hidrômetro no período.",
            "reading",
        ),
        (
            ConsumptionInput(JULY, reading=MeterReading(0, 1, 4), fixed_m3=10),
            "Ligação com consumo fixo (sem hidrômetro) não pode ter leitura.",
            "reading",
        ),
        (ConsumptionInput(JULY, fixed_m3=-1), "O consumo fixo não pode ser negativo (-1).", "fixed_m3"),
        (
            ConsumptionInput(JULY, reading=MeterReading(0, 10000, 4)),
            "A leitura atual (10000) não cabe no hidrômetro de 4 dígitos.",
            "reading.current",
        ),
        (
            ConsumptionInput(JULY, reading=MeterReading(-3, 1, 4)),
            "A leitura anterior não pode ser negativa (-3).",
            "reading.previous",
        ),
        (
            ConsumptionInput(JULY, reading=MeterReading(0, 1, 0)),
            "O hidrômetro deve ter ao menos 1 dígito (0).",
            "reading.previous.digits",
        ),
        (
            ConsumptionInput(JULY, reading=MeterReading(0, 1, 4), minimum_m3=-1),
            "O consumo mínimo não pode ser negativo (-1).",
            "minimum_m3",
        ),
    ],
)
def test_bad_input(data: ConsumptionInput, message: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        determine_consumption(data)
    assert (raised.value.message, raised.value.field) == (message, field)


def test_expected_reading_window() -> None:
    """Seed 001 3.2.4.4.4: average 20 m³ with ±50 % → [previous + 10, previous + 30]."""
    assert expected_reading_range(1000, 20, Decimal("50"), 5) == (1010, 1030)
    assert expected_reading_range(9990, 20, Decimal("50"), 4) == (0, 20)  # wraps with the dial


def test_policy_needs_a_month_for_the_average() -> None:
    with pytest.raises(ValidationFailed) as raised:
        average_consumption((), JULY, ConsumptionPolicy(average_months=0))
    assert raised.value.message == "A média deve usar ao menos 1 mês."


@given(st.integers(1, 9), st.data())
def test_rollover_delta_matches_modular_arithmetic(digits: int, data: st.DataObject) -> None:
    capacity = 10**digits
    previous = data.draw(st.integers(0, capacity - 1))
    used = data.draw(st.integers(0, capacity - 1))
    current = (previous + used) % capacity
    assert meter_delta(previous, current, digits, rollover_confirmed=True) == (used, current < previous)


def test_the_policy_window_uses_its_low_and_high_percent() -> None:
    from modules.reading.domain.consumption import ConsumptionPolicy, policy_reading_window

    policy = ConsumptionPolicy(high_percent=Decimal("70"), low_percent=Decimal("30"))

    assert policy_reading_window(1000, Decimal("20.00"), policy, 5) == (1014, 1034)
    assert policy_reading_window(99990, Decimal("20.40"), policy, 5) == (4, 24)  # the dial wraps
