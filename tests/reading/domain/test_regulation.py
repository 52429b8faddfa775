"""The consumption regulation as data: a version's parameters read into the policy with their limits
(pt-BR messages naming the parameter's path), written back the same way; the floor of the check."""

from __future__ import annotations

from decimal import Decimal

import pytest

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
    determine_consumption,
)
from modules.reading.domain.regulation import policy_from_payload, policy_labels, policy_payload

JULY = YearMonth(2026, 7)


def test_an_empty_version_is_the_default_policy_and_writes_back_as_strings() -> None:
    policy = policy_from_payload({})
    assert policy == ConsumptionPolicy()
    assert policy_payload(policy) == {
        "average_months": 6,
        "average_rounding": "down",
        "deviation_months": 12,
        "high_percent": "70",
        "low_percent": "30",
        "check_min_average_m3": 0,
        "rollover_window_percent": "10",
    }


def test_a_version_reads_every_parameter_the_rules_use() -> None:
    policy = policy_from_payload(
        {
            "average_months": 3,
            "average_rounding": "half_up",
            "deviation_months": 6,
            "high_percent": "50.5",
            "low_percent": 25,
            "check_min_average_m3": "5",
            "rollover_window_percent": "5",
        }
    )
    assert policy == ConsumptionPolicy(
        average_months=3,
        average_rounding=AverageRounding.HALF_UP,
        deviation_months=6,
        high_percent=Decimal("50.5"),
        low_percent=Decimal(25),
        check_min_average_m3=5,
        rollover_window_percent=Decimal(5),
    )
    assert policy_from_payload(policy_payload(policy)) == policy


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"average_months": 0},
            "v.average_months",
            "Meses da média (faturamento pela média): informe um número de 1 a 24 meses.",
        ),
        ({"average_months": 2.5}, "v.average_months", "de 1 a 24 meses"),
        ({"average_months": "2.5"}, "v.average_months", "informe um número inteiro"),
        (
            {"high_percent": "-1"},
            "v.high_percent",
            "Consumo alto (acima da média): informe um número de 0 a 1000 %.",
        ),
        ({"low_percent": "101"}, "v.low_percent", "de 0 a 100 %"),
        ({"low_percent": "abc"}, "v.low_percent", "de 0 a 100 %"),
        ({"low_percent": True}, "v.low_percent", "de 0 a 100 %"),
        ({"rollover_window_percent": "60"}, "v.rollover_window_percent", "de 0 a 50 %"),
        ({"average_rounding": "up"}, "v.average_rounding", "Arredondamento da média"),
        ({"leak_percent": "10"}, "v.leak_percent", "Parâmetro desconhecido"),
    ],
)
def test_out_of_range_parameters_are_refused_naming_their_path(
    payload: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        policy_from_payload(payload, path="v.")
    assert raised.value.field == field
    assert message in raised.value.message


def test_below_the_floor_of_the_check_a_month_is_not_flagged_high_or_low() -> None:
    """Average 2 m³: 5 m³ is +150 %; with a floor of 3 m³ it is no high consumption. Zero still is."""
    history = tuple(HistoryEntry(JULY.plus(-(i + 1)), 2, ConsumptionKind.MEASURED) for i in range(12))

    def flags(volume: int, floor: int) -> frozenset[Flag]:
        data = ConsumptionInput(JULY, reading=MeterReading(100, 100 + volume, 4), history=history)
        return determine_consumption(data, ConsumptionPolicy(check_min_average_m3=floor)).flags

    assert flags(5, 0) == {Flag.HIGH}
    assert flags(5, 3) == frozenset()
    assert flags(0, 3) == {Flag.ZERO}


def test_the_versions_page_reads_the_parameters_in_words() -> None:
    labels = dict(policy_labels(ConsumptionPolicy(high_percent=Decimal("70.50"))))
    assert labels["Consumo alto (acima da média)"] == "70,5 %"
    assert labels["Arredondamento da média"].startswith("para baixo")
    assert labels["Meses da média (faturamento pela média)"] == "6 meses"
