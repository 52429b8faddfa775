"""Consumption determination (apuração do consumo): readings and occurrences → the month's volume.

The kinds, as GSAN-style utilities bill them (seed 001 3.2.4–3.2.5, seed 002 §12 and §14):

- measured (lido): current − previous reading, in whole m³. A meter that passed its last dial value
  (virada) wraps at 10^digits (seed 001 3.2.5.9: 4 digits, 9990 → 0015 = 25 m³). A meter swapped in
  the period adds both parts: (old final − old previous) + (new current − new initial).
- average (média): when there is no reading, or the occurrence says so ("impossibilidade de leitura",
  critique: S14.6-02), the average of the last N *measured* months (ADR 0022).
- minimum: when an average is called for but there is no measured history, or the occurrence says so;
  the caller passes the minimum volume (the tariff's minimum per economia × economias).
- fixed (consumo fixo): unmetered connections bill a fixed volume (by contract or by outlets).

A reading below the previous one is an error unless the meter turned over (confirmed by the reader's
occurrence, or obvious: the previous reading was near the end of the dial and the current one near
its start) or was swapped: a wrong reading must reach the critique, not a bill of 9 990 m³.

Measured volumes are flagged high or low against the average of the last 12 measured months
(§14.2: "maiores de 70% ou menores de 30% em relação à média"; both bounds are parameters, A6).
The tariff's minimum per economia is applied by the bill calculation, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from modules.common.domain.dates import YearMonth
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode

HUNDRED = Decimal(100)


class ConsumptionKind(StrEnum):
    MEASURED = "measured"
    AVERAGE = "average"
    MINIMUM = "minimum"
    FIXED = "fixed"


class OccurrenceAction(StrEnum):
    """What a reading occurrence (anormalidade) tells the consumption determination (S12.8-02)."""

    NORMAL = "normal"  # use the reading
    AVERAGE = "average"  # bill by the average (reading impossible, meter stopped, critique)
    MINIMUM = "minimum"
    ROLLOVER = "rollover"  # the reader confirms the meter turned over


class AverageRounding(StrEnum):
    DOWN = "down"  # default: never bill a fraction of m³ nobody measured (ADR 0022)
    HALF_UP = "half_up"


class Flag(StrEnum):
    HIGH = "high"
    LOW = "low"
    ZERO = "zero"
    ROLLOVER = "rollover"
    METER_SWAP = "meter_swap"
    REVIEW = "review"  # the occurrence sends the reading to critique
    BILL_DIFF = "bill_diff"  # the bill printed on the spot differs from the server's (ADR 0200)


# what staff read on pages, bills' critique and reports: never the English codes above
CONSUMPTION_KIND_LABELS = {
    ConsumptionKind.MEASURED: "medido",
    ConsumptionKind.AVERAGE: "pela média",
    ConsumptionKind.MINIMUM: "mínimo",
    ConsumptionKind.FIXED: "fixo (sem hidrômetro)",
}
OCCURRENCE_ACTION_LABELS = {
    OccurrenceAction.NORMAL: "usar a leitura",
    OccurrenceAction.AVERAGE: "faturar pela média",
    OccurrenceAction.MINIMUM: "faturar pelo mínimo",
    OccurrenceAction.ROLLOVER: "virada do hidrômetro confirmada",
}
FLAG_LABELS = {
    Flag.HIGH: "Consumo alto (acima da média de 12 meses)",
    Flag.LOW: "Consumo baixo (abaixo da média)",
    Flag.ZERO: "Consumo zero",
    Flag.ROLLOVER: "Virada do hidrômetro",
    Flag.METER_SWAP: "Troca de hidrômetro",
    Flag.REVIEW: "Ocorrência da leitura pede análise",
    Flag.BILL_DIFF: "Conta emitida no aparelho difere da calculada pelo servidor",
}


def consumption_kind_label(kind: str) -> str:
    known = {str(k): v for k, v in CONSUMPTION_KIND_LABELS.items()}
    return known.get(kind, kind)


def flag_labels(flags: Sequence[str]) -> list[str]:
    known = {str(k): v for k, v in FLAG_LABELS.items()}
    return [known.get(f, f) for f in flags]


@dataclass(frozen=True)
class Occurrence:
    code: str
    description: str
    action: OccurrenceAction = OccurrenceAction.NORMAL
    review: bool = False


@dataclass(frozen=True)
class MeterReading:
    previous: int
    current: int | None  # None: not read
    digits: int


@dataclass(frozen=True)
class MeterSwap:
    """A meter replaced during the period (S9.8-01): the old meter's last and final readings, the new
    meter's installation and current readings."""

    old_previous: int
    old_final: int
    old_digits: int
    new_initial: int
    new_current: int | None
    new_digits: int


@dataclass(frozen=True)
class HistoryEntry:
    month: YearMonth
    volume_m3: int
    kind: ConsumptionKind


@dataclass(frozen=True)
class ConsumptionPolicy:
    average_months: int = 6  # N of "média das últimas leituras" (§14.6, parameter; no default in the TR)
    average_rounding: AverageRounding = AverageRounding.DOWN
    deviation_months: int = 12  # §14.2: "média de consumo medido nos últimos doze meses"
    high_percent: Decimal = Decimal("70")
    low_percent: Decimal = Decimal("30")
    # Below this average (m³) a month is not flagged high or low: at 2 m³ a month, 4 m³ is +100 %
    # and no leak. 0 checks every average (the TR sets no floor; the utility chooses one).
    check_min_average_m3: int = 0
    # A lower reading is taken as a turnover without the reader's confirmation when the previous
    # reading was in the last `rollover_window_percent` of the dial and the current one in the first.
    rollover_window_percent: Decimal = Decimal("10")


@dataclass(frozen=True)
class ConsumptionInput:
    reference: YearMonth
    reading: MeterReading | None = None
    swap: MeterSwap | None = None
    occurrence: Occurrence | None = None
    fixed_m3: int | None = None  # unmetered connection
    history: tuple[HistoryEntry, ...] = ()
    minimum_m3: int = 0  # billed when an average is due and there is no measured history


@dataclass(frozen=True)
class Consumption:
    kind: ConsumptionKind
    volume_m3: int  # what billing prices
    measured_m3: int | None  # the meter's own figure when there was one
    average_m3: Decimal | None  # the average of the deviation window (unrounded), when there is history
    flags: frozenset[Flag] = field(default_factory=frozenset)

    @property
    def needs_review(self) -> bool:
        return bool(self.flags & {Flag.HIGH, Flag.LOW, Flag.ZERO, Flag.REVIEW})


def _check_reading(value: int, digits: int, what: str, field_name: str) -> None:
    if digits < 1:
        raise ValidationFailed(
            f"O hidrômetro deve ter ao menos 1 dígito ({digits}).",
            field=f"{field_name}.digits",
            code=CommonCode.INVALID,
        )
    if value < 0:
        raise ValidationFailed(
            f"A {what} não pode ser negativa ({value}).", field=field_name, code=CommonCode.INVALID
        )
    if value >= 10**digits:
        raise ValidationFailed(
            f"A {what} ({value}) não cabe no hidrômetro de {digits} dígitos.",
            field=field_name,
            code=ErrorCode.READING_TOO_LONG,
        )


def meter_delta(
    previous: int,
    current: int,
    digits: int,
    *,
    rollover_confirmed: bool = False,
    policy: ConsumptionPolicy | None = None,
    field_name: str = "reading",
) -> tuple[int, bool]:
    """(m³, turned over) between two readings of one meter."""
    rules = policy or ConsumptionPolicy()
    _check_reading(previous, digits, "leitura anterior", f"{field_name}.previous")
    _check_reading(current, digits, "leitura atual", f"{field_name}.current")
    if current >= previous:
        return current - previous, False
    capacity = 10**digits
    window = capacity * rules.rollover_window_percent / HUNDRED
    obvious = previous >= capacity - window and current < window
    if not (rollover_confirmed or obvious):
        raise ValidationFailed(
            f"Leitura atual ({current}) menor que a anterior ({previous}) sem virada do hidrômetro nem troca "
            "de hidrômetro: confira a leitura.",
            field=f"{field_name}.current",
            code=ErrorCode.READING_BELOW_PREVIOUS,
        )
    return capacity - previous + current, True


def measured_history(history: Sequence[HistoryEntry], before: YearMonth, months: int) -> list[int]:
    """Measured volumes of the `months` calendar months before `before`, most recent first."""
    first = before.plus(-months)
    entries = [h for h in history if first <= h.month < before and h.kind is ConsumptionKind.MEASURED]
    return [h.volume_m3 for h in sorted(entries, key=lambda h: h.month, reverse=True)]


def average_consumption(
    history: Sequence[HistoryEntry], before: YearMonth, policy: ConsumptionPolicy | None = None
) -> int | None:
    """The average of the last N measured months in whole m³, or None without measured history.

    Only measured months count: an average of averages would freeze a broken meter's bill forever
    (ambiguity A7). Months billed by average are skipped, looking back up to twice N calendar months.
    """
    rules = policy or ConsumptionPolicy()
    if rules.average_months < 1:
        raise ValidationFailed(
            "A média deve usar ao menos 1 mês.", field="average_months", code=CommonCode.INVALID
        )
    volumes = measured_history(history, before, rules.average_months * 2)[: rules.average_months]
    if not volumes:
        return None
    mean = Decimal(sum(volumes)) / len(volumes)
    rounding = ROUND_DOWN if rules.average_rounding is AverageRounding.DOWN else ROUND_HALF_UP
    return int(mean.quantize(Decimal(1), rounding=rounding))


def deviation_average(
    history: Sequence[HistoryEntry], before: YearMonth, policy: ConsumptionPolicy | None = None
) -> Decimal | None:
    rules = policy or ConsumptionPolicy()
    volumes = measured_history(history, before, rules.deviation_months)
    return Decimal(sum(volumes)) / len(volumes) if volumes else None


def deviation_flags(
    volume: int, average: Decimal | None, policy: ConsumptionPolicy | None = None
) -> set[Flag]:
    """High above average × (1 + high %), low below average × (1 − low %); nothing without history
    or with an average below the policy's floor for the check."""
    rules = policy or ConsumptionPolicy()
    flags: set[Flag] = set()
    if volume == 0:
        flags.add(Flag.ZERO)
    if average is None or average < rules.check_min_average_m3:
        return flags
    if volume > average * (1 + rules.high_percent / HUNDRED):
        flags.add(Flag.HIGH)
    if volume < average * (1 - rules.low_percent / HUNDRED):
        flags.add(Flag.LOW)
    return flags


def _measured(data: ConsumptionInput, rules: ConsumptionPolicy) -> tuple[int, set[Flag]] | None:
    """The meter's volume, or None when the period has no current reading."""
    confirmed = data.occurrence is not None and data.occurrence.action is OccurrenceAction.ROLLOVER
    flags: set[Flag] = set()
    if data.swap is not None:
        swap = data.swap
        if swap.new_current is None:
            return None
        old, old_turned = meter_delta(
            swap.old_previous, swap.old_final, swap.old_digits, policy=rules, field_name="swap.old"
        )
        new, new_turned = meter_delta(
            swap.new_initial,
            swap.new_current,
            swap.new_digits,
            rollover_confirmed=confirmed,
            policy=rules,
            field_name="swap.new",
        )
        flags.add(Flag.METER_SWAP)
        if old_turned or new_turned:
            flags.add(Flag.ROLLOVER)
        return old + new, flags
    reading = data.reading
    if reading is None or reading.current is None:
        return None
    volume, turned = meter_delta(
        reading.previous, reading.current, reading.digits, rollover_confirmed=confirmed, policy=rules
    )
    if turned:
        flags.add(Flag.ROLLOVER)
    return volume, flags


def determine_consumption(data: ConsumptionInput, policy: ConsumptionPolicy | None = None) -> Consumption:
    rules = policy or ConsumptionPolicy()
    if data.minimum_m3 < 0:
        raise ValidationFailed(
            f"O consumo mínimo não pode ser negativo ({data.minimum_m3}).",
            field="minimum_m3",
            code=CommonCode.INVALID,
        )
    average_window = deviation_average(data.history, data.reference, rules)
    review = {Flag.REVIEW} if data.occurrence is not None and data.occurrence.review else set()

    if data.fixed_m3 is not None:
        if data.reading is not None or data.swap is not None:
            raise ValidationFailed(
                "Ligação com consumo fixo (sem hidrômetro) não pode ter leitura.",
                field="reading",
                code=ErrorCode.UNMETERED,
            )
        if data.fixed_m3 < 0:
            raise ValidationFailed(
                f"O consumo fixo não pode ser negativo ({data.fixed_m3}).",
                field="fixed_m3",
                code=CommonCode.INVALID,
            )
        return Consumption(ConsumptionKind.FIXED, data.fixed_m3, None, average_window, frozenset(review))

    if data.reading is None and data.swap is None:
        raise ValidationFailed(
            "Ligação hidrometrada sem leitura nem troca de hidrômetro no período.",
            field="reading",
            code=ErrorCode.NO_READING,
        )
    action = data.occurrence.action if data.occurrence is not None else OccurrenceAction.NORMAL
    measured = _measured(data, rules)
    measured_m3 = measured[0] if measured is not None else None
    extra = measured[1] if measured is not None else set()

    if action is OccurrenceAction.MINIMUM:
        return Consumption(
            ConsumptionKind.MINIMUM, data.minimum_m3, measured_m3, average_window, frozenset(review)
        )
    if action is OccurrenceAction.AVERAGE or measured is None:
        average = average_consumption(data.history, data.reference, rules)
        if average is None:
            return Consumption(
                ConsumptionKind.MINIMUM,
                data.minimum_m3,
                measured_m3,
                average_window,
                frozenset(review | extra),
            )
        return Consumption(
            ConsumptionKind.AVERAGE, average, measured_m3, average_window, frozenset(review | extra)
        )
    assert measured_m3 is not None
    flags = review | extra | deviation_flags(measured_m3, average_window, rules)
    return Consumption(ConsumptionKind.MEASURED, measured_m3, measured_m3, average_window, frozenset(flags))


def expected_reading_range(previous: int, average_m3: int, percent: Decimal, digits: int) -> tuple[int, int]:
    """The window a reading should fall in (faixa de leitura, seed 001 3.2.4.4.4): previous + average
    × (1 ∓ percent), in dial values (wrapping at 10^digits). Average 20, ±50 % → previous + 10 … + 30."""
    _check_reading(previous, digits, "leitura anterior", "previous")
    spread = Decimal(average_m3) * percent / HUNDRED
    low = int((average_m3 - spread).to_integral_value(rounding=ROUND_DOWN))
    high = int((average_m3 + spread).to_integral_value(rounding=ROUND_HALF_UP))
    capacity = 10**digits
    return (previous + max(low, 0)) % capacity, (previous + high) % capacity


def policy_reading_window(
    previous: int, average_m3: Decimal, policy: ConsumptionPolicy, digits: int
) -> tuple[int, int]:
    """The dial values a reading must fall between not to be flagged high or low under `policy`
    (−low % … +high % of the average): what the reviewer compares the collector's reading with."""
    average = int(average_m3.to_integral_value(rounding=ROUND_HALF_UP))
    low, _ = expected_reading_range(previous, average, policy.low_percent, digits)
    _, high = expected_reading_range(previous, average, policy.high_percent, digits)
    return low, high


def fixed_by_outlets(outlets: int, m3_per_outlet: int) -> int:
    """Unmetered connections: a fixed volume per outlet (tomada d'água), seed 001 3.2.4.4.3."""
    if outlets < 0 or m3_per_outlet < 0:
        raise ValidationFailed(
            "Tomadas e volume por tomada não podem ser negativos.", field="outlets", code=CommonCode.INVALID
        )
    return outlets * m3_per_outlet


@dataclass(frozen=True)
class CommonArea:
    """The common area of an individualized condominium (seed 002 §14.8): what its master meter's
    bill charges, and by how much the dependents' sum passed the master's volume (0 when it did not)."""

    m3: int
    excess_m3: int

    @property
    def dependents_exceed_master(self) -> bool:
        return self.excess_m3 > 0


def common_area_consumption(master_m3: int, dependents_m3: Sequence[int]) -> CommonArea:
    """The master meter's volume less the sum of its dependents' in the same reference month:
    master 500 m³, dependents 430 m³ → 70 m³ for the common area (S14.8-02).

    Dependents summing more than the master (readings taken on different days, a water tank that
    filled before the master was read, a stopped master meter) never give a negative volume: the
    common area is 0 m³ and `excess_m3` says by how much the dependents passed the master, for the
    bill's critique to look at before the bill is issued (S14.8-03, ADR 0190)."""
    if master_m3 < 0 or any(m3 < 0 for m3 in dependents_m3):
        raise ValidationFailed(
            "Consumos do condomínio não podem ser negativos.", field="dependents_m3", code=CommonCode.INVALID
        )
    difference = master_m3 - sum(dependents_m3)
    return CommonArea(m3=max(difference, 0), excess_m3=max(-difference, 0))
