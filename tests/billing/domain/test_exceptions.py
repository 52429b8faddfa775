"""Every service type and billing exception as data (issue #17 item 1; seed 002 §4.7, §5.3, §14.1;
seed 001 3.2.7.9, 3.2.7.12.5/.7, 3.2.7.18): each rule is a worked vector to the cent through the pure
`price_bill`, and each bill line names its rule. No database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from modules.billing.domain.calculation import calculate_bill
from modules.billing.domain.exceptions import BillingException, volume_rule
from modules.billing.domain.pricing import ItemKind, NotBillable, UnitFact, price_bill
from modules.billing.domain.tariffs import (
    Band,
    CategoryTariff,
    DwellingUnitMode,
    DwellingUnits,
    FixedCharge,
    ServiceType,
    TariffVersion,
)
from modules.billing.errors import ErrorCode
from modules.common.domain.money import Rounding
from modules.common.errors import ValidationFailed
from tests.billing.domain.test_pricing import facts, reading, terms

D = Decimal


def _amounts(bill: object, kind: str) -> list[Decimal]:
    return [line.amount for line in bill.lines if line.kind == kind]  # type: ignore[attr-defined]


# --- volume exceptions (S4.7-02/04: faturar por até o limite, apenas o excesso, o volume limite) ---


def test_volume_cap_bills_up_to_the_limit_to_the_cent() -> None:
    # 16 m³ read, cap 12: water 10 × 1.07 + 2 × 1.61 = 10.70 + 3.22; sewer 92.5 % truncated 9.89 + 2.97
    bill = price_bill(facts(exceptions=(BillingException("volume_cap", volume_m3=12),)), terms())
    assert bill.billed_m3 == 12 and bill.consumption_m3 == 16
    assert _amounts(bill, ItemKind.WATER) == [D("10.70"), D("3.22")]
    assert _amounts(bill, ItemKind.SEWER) == [D("9.89"), D("2.97")]
    assert bill.total == D("26.78")
    note = next(line for line in bill.lines if line.kind == ItemKind.ADJUSTMENT)
    assert (note.amount, note.rule) == (D("0.00"), "exception.volume_cap")
    assert note.description == (
        "Exceção de faturamento: consumo de 16 m³, faturado até o limite de 12 m³ (12 m³)."
    )


def test_volume_cap_below_the_consumption_changes_nothing_but_the_note() -> None:
    bill = price_bill(
        facts(reading=reading(8), exceptions=(BillingException("volume_cap", volume_m3=12),)), terms()
    )
    assert (bill.billed_m3, bill.total) == (8, D("8.56") + D("7.91"))  # 8 × 1.07 = 8.56; sewer 7.91


def test_excess_only_bills_what_passed_the_limit() -> None:
    # 16 − 10 = 6 m³: water 6 × 1.07 = 6.42; sewer 5.9385 → 5.93
    bill = price_bill(facts(exceptions=(BillingException("excess_only", volume_m3=10),)), terms())
    assert (bill.billed_m3, _amounts(bill, ItemKind.WATER), _amounts(bill, ItemKind.SEWER)) == (
        6,
        [D("6.42")],
        [D("5.93")],
    )
    assert bill.total == D("12.35")
    below = price_bill(
        facts(reading=reading(7), exceptions=(BillingException("excess_only", volume_m3=10),)), terms()
    )
    assert (below.billed_m3, below.total) == (0, D("0.00"))


def test_limit_volume_bills_the_limit_whatever_was_read() -> None:
    # 3 m³ read, limit 20: water 10.70 + 8.05 + 5 × 2.33 = 30.40; sewer 9.89 + 7.44 + 10.77 = 28.10
    bill = price_bill(
        facts(reading=reading(3), exceptions=(BillingException("limit_volume", volume_m3=20),)), terms()
    )
    assert bill.billed_m3 == 20
    assert _amounts(bill, ItemKind.WATER) == [D("10.70"), D("8.05"), D("11.65")]
    assert _amounts(bill, ItemKind.SEWER) == [D("9.89"), D("7.44"), D("10.77")]
    assert bill.total == D("58.50")


def test_a_correction_figure_is_never_reduced_by_the_volume_exception() -> None:
    bill = price_bill(
        facts(exceptions=(BillingException("volume_cap", volume_m3=12),)), terms(), consumption_override=16
    )
    assert bill.billed_m3 == 16 and bill.total == D("40.56")


def test_volume_rule_is_none_without_a_volume_exception() -> None:
    assert volume_rule(16, (BillingException("due_day", day=20),)) is None


# --- sewer share, due day, service type ---------------------------------------------------------


def test_sewer_percent_exception_replaces_the_tariffs_share_per_band() -> None:
    # water 10.70 / 8.05 / 2.33 at 50 %: 5.35, 4.025 → 4.02, 1.165 → 1.16 (truncation)
    bill = price_bill(facts(exceptions=(BillingException("sewer_percent", percent=D("50")),)), terms())
    assert _amounts(bill, ItemKind.SEWER) == [D("5.35"), D("4.02"), D("1.16")]
    assert bill.total == D("21.08") + D("10.53")
    assert {line.rule for line in bill.lines if line.kind == ItemKind.SEWER} == {"exception.sewer_percent"}


def test_sewer_percent_exception_wins_over_the_connections_share() -> None:
    bill = price_bill(
        facts(sewer_percent=D("80"), exceptions=(BillingException("sewer_percent", percent=D("50")),)),
        terms(),
    )
    assert sum(_amounts(bill, ItemKind.SEWER), D(0)) == D("10.53")
    own = price_bill(facts(sewer_percent=D("80")), terms())
    # 10.70 × 0.8 = 8.56, 8.05 × 0.8 = 6.44, 2.33 × 0.8 = 1.864 → 1.86
    assert _amounts(own, ItemKind.SEWER) == [D("8.56"), D("6.44"), D("1.86")]
    assert own.lines[3].rule == "connection.sewer_percent"


def test_due_day_exception_moves_the_schedules_due_date() -> None:
    assert price_bill(facts(), terms()).due_date == dt.date(2025, 6, 16)
    moved = price_bill(facts(exceptions=(BillingException("due_day", day=20),)), terms())
    assert moved.due_date == dt.date(2025, 6, 20)
    # the exception wins over the customer's chosen day
    both = price_bill(facts(due_day=25, exceptions=(BillingException("due_day", day=20),)), terms())
    assert both.due_date == dt.date(2025, 6, 20)


def _mixed() -> TariffVersion:
    """A category with every component: bands 2.00 / 3.00, sewer 80 %, TEE 15.00, solid waste 7.50."""
    return TariffVersion(
        act="Ato TEE",
        valid_from=dt.date(2020, 1, 1),
        rounding=Rounding.TRUNCATE,
        categories=(
            CategoryTariff(
                code="RES",
                name="Residencial",
                bands=(Band(0, 10, D("2.00")), Band(11, None, D("3.00"))),
                sewer_percent=D("80"),
                special_sewer_amount=D("15.00"),
                solid_waste_amount=D("7.50"),
            ),
        ),
    )


@pytest.mark.parametrize(
    ("service", "water", "sewer", "total"),
    [
        # 16 m³: water 10 × 2.00 + 6 × 3.00 = 38.00; sewer 16.00 + 14.40 = 30.40; TEE 15.00; solid waste 7.50
        (ServiceType.WATER, [D("20.00"), D("18.00")], [], D("45.50")),
        (ServiceType.WATER_SEWER, [D("20.00"), D("18.00")], [D("16.00"), D("14.40")], D("75.90")),
        (ServiceType.SPECIAL_SEWER, [], [D("15.00")], D("22.50")),
        (ServiceType.WATER_SPECIAL_SEWER, [D("20.00"), D("18.00")], [D("15.00")], D("60.50")),
        (
            ServiceType.WATER_SEWER_SPECIAL_SEWER,
            [D("20.00"), D("18.00")],
            [D("16.00"), D("14.40"), D("15.00")],
            D("90.90"),
        ),
    ],
)
def test_each_of_the_five_service_types_bills_only_its_components(
    service: ServiceType, water: list[Decimal], sewer: list[Decimal], total: Decimal
) -> None:
    bill = price_bill(
        facts(exceptions=(BillingException("service_type", service_type=service.value),)),
        terms(version=_mixed()),
    )
    assert bill.service is service
    assert (_amounts(bill, ItemKind.WATER), _amounts(bill, ItemKind.SEWER)) == (water, sewer)
    assert _amounts(bill, ItemKind.SOLID_WASTE) == [D("7.50")]
    assert bill.total == total
    rules = {line.kind: line.rule for line in bill.lines}
    assert rules[ItemKind.SOLID_WASTE] == "tariff.solid_waste"
    if service.special_sewer:
        assert [line.rule for line in bill.lines if line.kind == ItemKind.SEWER][-1] == "tariff.special_sewer"


def test_a_service_type_that_bills_water_needs_the_water_connection() -> None:
    with pytest.raises(NotBillable) as caught:
        price_bill(
            facts(
                water_active=False,
                exceptions=(BillingException("service_type", service_type="water_special_sewer"),),
            ),
            terms(version=_mixed()),
        )
    assert caught.value.code == ErrorCode.NO_ACTIVE_CONNECTION


def test_a_tee_service_type_on_a_category_without_tee_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        price_bill(
            facts(exceptions=(BillingException("service_type", service_type="water_special_sewer"),)), terms()
        )
    assert (caught.value.code, caught.value.field) == (ErrorCode.SPECIAL_SEWER_NOT_IN_TARIFF, "service")


# --- exemptions per component, solid waste ------------------------------------------------------


def test_an_exempt_exception_zeroes_its_component_and_names_the_rule() -> None:
    bill = price_bill(
        facts(exceptions=(BillingException("exempt", component="solid_waste"),)), terms(version=_mixed())
    )
    waste = next(line for line in bill.lines if line.kind == ItemKind.SOLID_WASTE)
    assert (waste.amount, waste.rule) == (D("0.00"), "tariff.solid_waste+exemption")
    assert waste.description == "Resíduos sólidos (Residencial) – isento"
    assert bill.total == D("68.40")  # 38.00 + 30.40


def test_solid_waste_is_per_economia() -> None:
    two = price_bill(facts(units=(UnitFact("RES", "", 2),)), terms(version=_mixed()))
    # 2 economias, 16 m³: band 1 holds 20 m³ → water 32.00, sewer 25.60, solid waste 2 × 7.50
    assert (_amounts(two, ItemKind.WATER), _amounts(two, ItemKind.SOLID_WASTE)) == (
        [D("32.00")],
        [D("15.00")],
    )
    assert two.total == D("72.60")


# --- the three economia strategies (S5.3-05) ----------------------------------------------------


def _plan_tariff() -> TariffVersion:
    return TariffVersion(
        act="Ato planos",
        valid_from=dt.date(2020, 1, 1),
        categories=(
            CategoryTariff(
                code="RES",
                name="Residencial",
                bands=(
                    Band(0, 10, D("2.00")),
                    Band(11, 15, D("3.00")),
                    Band(16, 20, D("4.00")),
                    Band(21, None, D("5.00")),
                ),
                minimum_m3_per_unit=10,
                fixed_charges=(FixedCharge("DISP", "Tarifa de disponibilidade", D("5.00")),),
            ),
        ),
    )


@pytest.mark.parametrize(
    ("mode", "m3", "water", "fixed", "billed"),
    [
        # split: 3 economias widen each band × 3 → 30 m³ all in band 1 = 60.00; fixed 3 × 5.00
        (DwellingUnitMode.SPLIT, 30, D("60.00"), D("15.00"), 30),
        # main economia: one economia's bands 10 × 2 + 5 × 3 + 5 × 4 + 10 × 5 = 105.00; fixed 5.00
        (DwellingUnitMode.PRINCIPAL, 30, D("105.00"), D("5.00"), 30),
        # one economia with differentiated tariffs: one economia's bands, fixed charges of the three
        (DwellingUnitMode.SINGLE, 30, D("105.00"), D("15.00"), 30),
        # below the minimum: split and single bill 3 × 10 m³; main economia 1 × 10, so 12 m³ stands
        (DwellingUnitMode.SPLIT, 12, D("60.00"), D("15.00"), 30),
        (DwellingUnitMode.PRINCIPAL, 12, D("26.00"), D("5.00"), 12),
        (DwellingUnitMode.SINGLE, 12, D("105.00"), D("15.00"), 30),
    ],
)
def test_the_three_economia_strategies_to_the_cent(
    mode: DwellingUnitMode, m3: int, water: Decimal, fixed: Decimal, billed: int
) -> None:
    calc = calculate_bill(_plan_tariff(), m3, [DwellingUnits("RES", 3, None, mode)], ServiceType.WATER)
    assert (calc.water_amount, calc.fixed_charges_amount, calc.billed_m3) == (water, fixed, billed)
    assert calc.categories[0].dwelling_units == 3
    bill = price_bill(
        facts(reading=reading(m3), units=(UnitFact("RES", "", 3, None, mode.value),), sewer_active=False),
        terms(version=_plan_tariff()),
    )
    assert bill.total == water + fixed
    rule = bill.lines[0].rule
    assert ("economia." in rule) is (mode is not DwellingUnitMode.SPLIT)
    assert ("minimum" in rule) is (billed > m3)


# --- first bill delayed (3.2.7.12.5) and the delivery fee (3.2.7.12.7) --------------------------


def test_a_connection_too_recent_for_the_reading_waits_a_cycle() -> None:
    # read on 10/05; 10 days required; connected on 05/05 → 5 days
    with pytest.raises(NotBillable) as caught:
        price_bill(facts(connected_on=dt.date(2025, 5, 5)), terms(first_bill_min_days=10))
    assert caught.value.code == ErrorCode.FIRST_BILL_DELAYED
    assert "05/05/2025, 5 dia(s) antes da leitura (mínimo 10)" in caught.value.message
    on_time = price_bill(facts(connected_on=dt.date(2025, 4, 30)), terms(first_bill_min_days=10))
    assert on_time.total == D("40.56")
    assert price_bill(facts(connected_on=dt.date(2025, 5, 5)), terms()).total == D("40.56")  # 0 = off


def test_the_delivery_fee_only_for_an_alternative_address_and_only_when_charged() -> None:
    fee = terms(delivery_fee=D("3.50"))
    bill = price_bill(facts(alternative_delivery=True), fee)
    line = next(line for line in bill.lines if line.rule == "settings.delivery_fee")
    assert (line.kind, line.amount, line.description) == (
        ItemKind.SERVICE,
        D("3.50"),
        "Taxa de entrega em endereço alternativo",
    )
    assert bill.total == D("44.06")
    assert price_bill(facts(), fee).total == D("40.56")
    assert price_bill(facts(alternative_delivery=True), terms()).total == D("40.56")


def test_every_line_names_its_rule() -> None:
    bill = price_bill(replace(facts(), exceptions=(BillingException("volume_cap", volume_m3=12),)), terms())
    assert [line.rule for line in bill.lines] == [
        "tariff.band",
        "tariff.band",
        "tariff.sewer_percent",
        "tariff.sewer_percent",
        "exception.volume_cap",
    ]


# --- the condominium's common area by policy (S14.8-02, ADR 0220) -------------------------------


def test_the_common_area_apportioned_among_the_dependents_in_whole_m3() -> None:
    from modules.billing.domain.pricing import CondominiumFacts, common_area_shares

    # master 500 m³, dependents 200 + 130 + 100 = 430 → 70 m³ of common area: 24, 23, 23
    assert common_area_shares(500, [200, 130, 100]) == (24, 23, 23)
    assert common_area_shares(400, [200, 130, 100]) == (0, 0, 0)  # never negative
    # a dependent read 10 m³ with a 6 m³ share bills 16 m³: 40.56, and says why
    dependent = price_bill(facts(reading=reading(10), common_area_share_m3=6), terms())
    assert (dependent.billed_m3, dependent.total) == (16, D("40.56"))
    note = next(line for line in dependent.lines if line.rule == "condominium.apportion")
    assert note.description == "Rateio da área comum do condomínio: 6 m³ somados ao consumo."
    # under that policy the master's own bill charges 0 m³ (its minimum only); under "master" the area
    master = facts(reading=reading(30), condominium=CondominiumFacts((10, 4), policy="apportion"))
    assert price_bill(master, terms()).billed_m3 == 0
    assert price_bill(replace(master, condominium=CondominiumFacts((10, 4))), terms()).billed_m3 == 16
