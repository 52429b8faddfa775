"""Every worked example of the TR of SAAE Sorocaba (seed 002 part 2, §3), to the cent, with the
document's numbers, plus the derived boundary vectors of the same section."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from modules.billing.domain.calculation import ConsumptionAboveLastBand, calculate_bill
from modules.billing.domain.tariffs import (
    Band,
    CategoryTariff,
    DwellingUnits,
    ServiceType,
    SewerRounding,
    TariffVersion,
)
from modules.common.domain.money import Rounding
from tests.billing.worked_vectors import VECTORS_14_1, VECTORS_14_7

D = Decimal


def sorocaba_14_1() -> TariffVersion:
    """The hypothetical bands of §14.1 (0–10 @ 2.00, 11–15 @ 3.00, 16–20 @ 4.00), sewer 92.5 % (§14.5)."""
    return TariffVersion(
        act="exemplo §14.1",
        valid_from=dt.date(2013, 1, 1),
        rounding=Rounding.TRUNCATE,
        categories=(
            CategoryTariff(
                code="RES",
                name="Residencial",
                bands=(Band(0, 10, D("2.00")), Band(11, 15, D("3.00")), Band(16, 20, D("4.00"))),
                sewer_percent=D("92.5"),
            ),
        ),
    )


def sorocaba_14_7(sewer_rounding: SewerRounding = SewerRounding.PER_BAND) -> TariffVersion:
    """The hypothetical bands of Tabelas 14.1 and 14.2 (1.07 / 1.61 / 2.33 / 3.37), sewer 92.5 %."""
    return TariffVersion(
        act="exemplo §14.7",
        valid_from=dt.date(2013, 1, 1),
        rounding=Rounding.TRUNCATE,
        sewer_rounding=sewer_rounding,
        categories=(
            CategoryTariff(
                code="RES",
                name="Residencial",
                bands=(
                    Band(0, 10, D("1.07")),
                    Band(11, 15, D("1.61")),
                    Band(16, 20, D("2.33")),
                    Band(21, 25, D("3.37")),
                ),
                sewer_percent=D("92.5"),
            ),
        ),
    )


def residential(count: int) -> list[DwellingUnits]:
    return [DwellingUnits("RES", count)]


def test_example_1_cascade_16_m3_water_only() -> None:
    """Example 1 (§14.1): 16 m³, no sewer: 10 × 2.00 + 5 × 3.00 + 1 × 4.00 = 39.00."""
    bill = calculate_bill(sorocaba_14_1(), 16, residential(1), ServiceType.WATER)

    assert [(line.volume_m3, line.unit_price, line.water_amount) for line in bill.lines] == [
        (10, D("2.00"), D("20.00")),
        (5, D("3.00"), D("15.00")),
        (1, D("4.00"), D("4.00")),
    ]
    assert bill.water_amount == D("39.00")
    assert bill.sewer_amount == D("0.00")
    assert bill.total == D("39.00")
    assert all(line.sewer_amount is None for line in bill.lines)


def test_example_1_linear_pricing_is_not_the_rule() -> None:
    """Example 1, contrast: all 16 m³ at the band reached (4.00) would give 64.00 (simulation only)."""
    bill = calculate_bill(sorocaba_14_1(), 16, residential(1), ServiceType.WATER, method="linear")  # type: ignore[arg-type]
    assert bill.water_amount == D("64.00")


def test_example_2_sewer_92_5_percent_truncated() -> None:
    """Example 2 (§14.5): 39.00 × 0.925 = 36.075 → 36.07 (digits discarded); total 75.07."""
    bill = calculate_bill(sorocaba_14_1(), 16, residential(1), ServiceType.WATER_SEWER)

    assert [line.sewer_amount for line in bill.lines] == [D("18.50"), D("13.87"), D("3.70")]
    assert bill.water_amount == D("39.00")
    assert bill.sewer_amount == D("36.07")
    assert bill.total == D("75.07")


def test_example_2_per_bill_truncation_agrees_here() -> None:
    """Example 2 does not discriminate: truncating the bill's 36.075 also gives 36.07."""
    tariff = sorocaba_14_1()
    per_bill = TariffVersion(
        act=tariff.act,
        valid_from=tariff.valid_from,
        categories=tariff.categories,
        sewer_rounding=SewerRounding.PER_BILL,
    )
    bill = calculate_bill(per_bill, 16, residential(1))
    assert (bill.sewer_amount, bill.total) == (D("36.07"), D("75.07"))


def test_example_2_half_up_would_give_75_08() -> None:
    """Example 2, contrast: rounding half-up (not the Sorocaba rule) gives 36.08 / 75.08."""
    tariff = sorocaba_14_1()
    half_up = TariffVersion(
        act=tariff.act,
        valid_from=tariff.valid_from,
        categories=tariff.categories,
        rounding=Rounding.HALF_UP,
        sewer_rounding=SewerRounding.PER_BILL,
    )
    assert calculate_bill(half_up, 16, residential(1)).total == D("75.08")


def test_example_3_tabela_14_1_eight_economias_94_m3() -> None:
    """Example 3 (§14.7, Tabela 14.1): 8 economias, 94 m³ → 108.14 / 100.02 / 208.16."""
    bill = calculate_bill(sorocaba_14_7(), 94, residential(8))

    assert [
        (line.capacity_m3, line.volume_m3, line.unit_price, line.water_amount, line.sewer_amount)
        for line in bill.lines
    ] == [
        (80, 80, D("1.07"), D("85.60"), D("79.18")),
        (40, 14, D("1.61"), D("22.54"), D("20.84")),
    ]
    assert bill.water_amount == D("108.14")
    assert bill.sewer_amount == D("100.02")
    assert bill.total == D("208.16")


def test_example_4_tabela_14_2_twelve_economias_268_m3() -> None:
    """Example 4 (§14.7, Tabela 14.2): 12 economias, 268 m³ → 459.16 / 424.71 / 883.87."""
    bill = calculate_bill(sorocaba_14_7(), 268, residential(12))

    assert [
        (line.capacity_m3, line.volume_m3, line.unit_price, line.water_amount, line.sewer_amount)
        for line in bill.lines
    ] == [
        (120, 120, D("1.07"), D("128.40"), D("118.77")),
        (60, 60, D("1.61"), D("96.60"), D("89.35")),
        (60, 60, D("2.33"), D("139.80"), D("129.31")),
        (60, 28, D("3.37"), D("94.36"), D("87.28")),
    ]
    assert bill.water_amount == D("459.16")
    assert bill.sewer_amount == D("424.71")
    assert bill.total == D("883.87")


def test_example_4_per_bill_truncation_does_not_reproduce_the_table() -> None:
    """Example 4 is the discriminating evidence: trunc(459.16 × 0.925 = 424.723) = 424.72 ≠ 424.71."""
    bill = calculate_bill(sorocaba_14_7(SewerRounding.PER_BILL), 268, residential(12))
    assert (bill.sewer_amount, bill.total) == (D("424.72"), D("883.88"))
    assert all(line.sewer_amount is None for line in bill.lines)


# Example 5 (Tabela 13.1, late charges) and its derived vectors are reproduced by the late-charge engine
# of the collection module: tests/collection/domain/test_late_charges.py.


@pytest.mark.parametrize(
    ("m3", "water", "sewer", "total"),
    VECTORS_14_1,
)
def test_derived_boundary_vectors_tariff_14_1(m3: int, water: str, sewer: str, total: str) -> None:
    """§3, derived boundary vectors: tariff of §14.1, 1 economia, water + sewer 92.5 % per band."""
    bill = calculate_bill(sorocaba_14_1(), m3, residential(1))
    assert (bill.water_amount, bill.sewer_amount, bill.total) == (D(water), D(sewer), D(total))


@pytest.mark.parametrize(
    ("units", "m3", "water", "sewer", "total"),
    VECTORS_14_7,
)
def test_derived_boundary_vectors_tariff_14_7(
    units: int, m3: int, water: str, sewer: str, total: str
) -> None:
    """§3, derived boundary vectors: tariff of §14.7 with economias."""
    bill = calculate_bill(sorocaba_14_7(), m3, residential(units))
    assert (bill.water_amount, bill.sewer_amount, bill.total) == (D(water), D(sewer), D(total))


def test_derived_vector_12_economias_240_m3_discriminates_per_bill_rounding() -> None:
    """§3: 12 economias / 240 m³ — bill-level truncation would give 337.44, per band 337.43."""
    assert calculate_bill(sorocaba_14_7(SewerRounding.PER_BILL), 240, residential(12)).sewer_amount == D(
        "337.44"
    )


def test_derived_vector_21_m3_is_above_the_last_band() -> None:
    """§3: 21 m³ on the §14.1 tariff is undefined (above the last, bounded band)."""
    with pytest.raises(ConsumptionAboveLastBand) as raised:
        calculate_bill(sorocaba_14_1(), 21, residential(1))
    assert raised.value.message == (
        "Consumo de 21 m³ (categoria RES, 1 economia) excede a última faixa da tarifa: até 20 m³ por "
        "economia, 20 m³ no total. A tarifa não define preço acima disso."
    )
    assert raised.value.code == "consumption_above_last_band"


def test_derived_vector_8_economias_201_m3_is_above_the_last_band() -> None:
    """§3: 8 economias / 201 m³ on the §14.7 tariff is undefined."""
    with pytest.raises(ConsumptionAboveLastBand) as raised:
        calculate_bill(sorocaba_14_7(), 201, residential(8))
    assert raised.value.message == (
        "Consumo de 201 m³ (categoria RES, 8 economias) excede a última faixa da tarifa: até 25 m³ por "
        "economia, 200 m³ no total. A tarifa não define preço acima disso."
    )
