"""A property's bill as a pure function of its facts (domain.pricing): the consumption choice, what
the critique sees, the lines and the total, and the due date, without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from modules.billing.domain.calculation import ConsumptionAboveLastBand
from modules.billing.domain.pricing import (
    BillingTerms,
    ItemKind,
    NotBillable,
    PendingItem,
    PropertyFacts,
    ReadingFact,
    ScheduleDates,
    UnitFact,
    price_bill,
)
from modules.billing.domain.tariffs import Band, CategoryTariff, FixedCharge, SewerRounding, TariffVersion
from modules.common.domain.dates import YearMonth
from modules.common.domain.money import Rounding
from modules.common.errors import ValidationFailed
from modules.reading.domain.consumption import ConsumptionKind, ConsumptionPolicy, HistoryEntry

D = Decimal
MAY = YearMonth(2025, 5)


def tariff() -> TariffVersion:
    """§14.7's bands (1.07 / 1.61 / 2.33 / 3.37), sewer 92.5 % per band, truncation; a commercial
    category with a minimum, a fixed charge and an open last band; a TEE category for wells."""
    return TariffVersion(
        act="Ato 14.7",
        valid_from=dt.date(2013, 1, 1),
        rounding=Rounding.TRUNCATE,
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
            CategoryTariff(
                code="RES/SOC",
                name="Residencial social",
                bands=(Band(0, 10, D("0.50")), Band(11, None, D("1.00"))),
                sewer_percent=D("50"),
            ),
            CategoryTariff(
                code="COM",
                name="Comercial",
                bands=(Band(0, 10, D("2.00")), Band(11, None, D("4.00"))),
                minimum_m3_per_unit=10,
                sewer_percent=D("92.5"),
                fixed_charges=(FixedCharge("DISP", "Tarifa de disponibilidade", D("5.00")),),
            ),
            CategoryTariff(
                code="POC",
                name="Poço",
                bands=(Band(0, None, D("1.00")),),
                special_sewer_amount=D("30.00"),
            ),
        ),
    )


def terms(**overrides: object) -> BillingTerms:
    base = BillingTerms(
        reference=MAY,
        version=tariff(),
        issued_on=dt.date(2025, 5, 31),
        schedule=ScheduleDates(billing_date=dt.date(2025, 5, 31), due_date=dt.date(2025, 6, 16)),
        holidays=frozenset(),
    )
    return replace(base, **overrides)


def reading(m3: int, *flags: str, in_review: bool = False) -> ReadingFact:
    return ReadingFact(ConsumptionKind.MEASURED, m3, flags, in_review, dt.date(2025, 5, 10), 100, 100 + m3)


def facts(**overrides: object) -> PropertyFacts:
    base = PropertyFacts(
        property_id=1,
        account_base=1000,
        active=True,
        status_label="ativo",
        units=(UnitFact("RES", "", 1),),
        water_active=True,
        sewer_active=True,
        metered=True,
        reading=reading(16),
    )
    return replace(base, **overrides)


def test_a_measured_reading_is_billed_band_by_band_with_sewer_per_band() -> None:
    bill = price_bill(facts(), terms())
    assert (bill.consumption_kind, bill.billed_m3, bill.total) == (ConsumptionKind.MEASURED, 16, D("40.56"))
    assert [(line.kind, line.quantity_m3, line.amount) for line in bill.lines] == [
        (ItemKind.WATER, 10, D("10.70")),
        (ItemKind.WATER, 5, D("8.05")),
        (ItemKind.WATER, 1, D("2.33")),
        (ItemKind.SEWER, 10, D("9.89")),
        (ItemKind.SEWER, 5, D("7.44")),
        (ItemKind.SEWER, 1, D("2.15")),
    ]
    assert [line.position for line in bill.lines] == list(range(6))
    assert bill.lines[0].description == "Água Residencial – faixa 1 (0 a 10 m³)"
    assert bill.anomalies == ()
    assert bill.due_date == dt.date(2025, 6, 16)
    assert bill.reading == reading(16)


def test_the_readings_flags_reach_the_critique_but_a_review_occurrence_shows_as_in_review() -> None:
    bill = price_bill(facts(reading=reading(16, "high", "review", in_review=True)), terms())
    assert [(a.code, a.message) for a in bill.anomalies] == [
        ("high", "Consumo alto (acima da média de 12 meses)"),
        ("reading_in_review", "Leitura pendente de análise."),
    ]


def test_no_reading_bills_the_average_of_the_measured_history_or_the_minimum() -> None:
    history = tuple(
        HistoryEntry(MAY.plus(-i), m3, ConsumptionKind.MEASURED) for i, m3 in ((1, 14), (2, 12), (3, 10))
    )
    by_average = price_bill(facts(reading=None, history=history), terms())
    assert (by_average.consumption_kind, by_average.billed_m3) == (ConsumptionKind.AVERAGE, 12)
    assert [(a.code, a.message) for a in by_average.anomalies] == [
        ("no_reading", "Sem leitura: faturado pela média (12 m³).")
    ]
    minimum = price_bill(facts(reading=None, units=(UnitFact("COM", "", 2),)), terms())
    assert (minimum.consumption_kind, minimum.billed_m3) == (ConsumptionKind.MINIMUM, 20)
    assert [a.code for a in minimum.anomalies] == ["no_reading"]


def test_the_average_takes_the_tenants_number_of_months() -> None:
    """The run loads 2 × N months of history by the tenant's policy; the average must use N too, not
    the default 6 (an average of 3 months here: (14 + 12 + 10) / 3, not the 6 months' 17)."""
    volumes = (14, 12, 10, 26, 20, 20)
    history = tuple(
        HistoryEntry(MAY.plus(-i), m3, ConsumptionKind.MEASURED) for i, m3 in enumerate(volumes, start=1)
    )
    three = price_bill(
        facts(reading=None, history=history), terms(consumption_policy=ConsumptionPolicy(average_months=3))
    )
    assert (three.consumption_kind, three.billed_m3) == (ConsumptionKind.AVERAGE, 12)
    assert price_bill(facts(reading=None, history=history), terms()).billed_m3 == 17


def test_an_unmetered_property_bills_the_tariffs_minimum_per_economia_without_critique() -> None:
    bill = price_bill(facts(reading=None, metered=False, units=(UnitFact("COM", "", 3),)), terms())
    assert (bill.consumption_kind, bill.billed_m3, bill.anomalies) == (ConsumptionKind.FIXED, 30, ())


def test_a_correction_bills_the_corrected_consumption_and_says_so() -> None:
    bill = price_bill(facts(reading=reading(40, "high")), terms(), consumption_override=10)
    assert (bill.consumption_kind, bill.billed_m3, bill.total) == (ConsumptionKind.MEASURED, 10, D("20.59"))
    assert [(a.code, a.message) for a in bill.anomalies] == [
        ("corrected", "Consumo informado na correção: 10 m³.")
    ]


def test_other_modules_items_follow_the_tariff_lines_and_count_in_the_total() -> None:
    pending = (
        PendingItem("installment", "Parcela 2/10 do acordo 7", D("15.00"), "debt.installment", "71"),
        PendingItem("credit", "Crédito de pagamento em duplicidade", D("-5.50"), "collection.credit", "9"),
    )
    bill = price_bill(facts(units=(UnitFact("COM", "", 1),), pending=pending), terms())
    tail = [
        (line.kind, line.description, line.amount, line.source, line.source_id, line.position)
        for line in bill.lines[-3:]
    ]
    assert tail == [
        (ItemKind.FIXED, "Tarifa de disponibilidade (Comercial)", D("5.00"), "", "", 4),
        ("installment", "Parcela 2/10 do acordo 7", D("15.00"), "debt.installment", "71", 5),
        ("credit", "Crédito de pagamento em duplicidade", D("-5.50"), "collection.credit", "9", 6),
    ]
    assert bill.total == sum((line.amount for line in bill.lines), D("0.00"))


def test_a_subcategory_the_tariff_prices_is_billed_as_such_otherwise_as_its_category() -> None:
    social = price_bill(facts(units=(UnitFact("RES", "SOC", 1),), reading=reading(12)), terms())
    assert {line.category for line in social.lines} == {"RES/SOC"}
    other = price_bill(facts(units=(UnitFact("RES", "IDO", 1),), reading=reading(12)), terms())
    assert {line.category for line in other.lines} == {"RES"}


def test_the_sewer_connections_own_share_replaces_the_tariffs_percentage() -> None:
    """S4.7-02 (percentual de esgoto): 80 % of each band's water amount, truncated per band, instead
    of the category's 92.5 %: 10.70 → 8.56, 8.05 → 6.44, 2.33 → 1.86."""
    bill = price_bill(facts(sewer_percent=D("80")), terms())
    assert [line.amount for line in bill.lines if line.kind == ItemKind.SEWER] == [
        D("8.56"),
        D("6.44"),
        D("1.86"),
    ]
    assert bill.total == D("37.94")
    exempt = price_bill(facts(sewer_percent=D("0")), terms())
    assert exempt.total == D("21.08")  # the water alone


def test_the_connections_share_rounds_per_bill_when_the_tariff_does() -> None:
    per_bill = terms(version=replace(tariff(), sewer_rounding=SewerRounding.PER_BILL))
    bill = price_bill(facts(sewer_percent=D("80")), per_bill)
    sewer = [(line.description, line.amount) for line in bill.lines if line.kind == ItemKind.SEWER]
    assert sewer == [("Esgoto Residencial", D("16.86"))]  # 21.08 × 0.80 = 16.864, truncated


def test_a_negative_sewer_share_is_refused() -> None:
    with pytest.raises(ValidationFailed) as raised:
        price_bill(facts(sewer_percent=D("-1")), terms())
    assert raised.value.code == "sewer_share_negative"


def test_sewer_only_on_a_well_bills_the_special_sewer_tariff() -> None:
    bill = price_bill(facts(units=(UnitFact("POC", "", 2),), water_active=False), terms())
    assert [(line.description, line.amount) for line in bill.lines] == [
        ("Tarifa de esgoto especial (TEE) Poço", D("60.00"))
    ]


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"active": False, "status_label": "inativo"}, "property_not_active", "Imóvel com situação inativo."),
        ({"units": ()}, "no_dwelling_units", "Imóvel sem categoria/economias."),
        (
            {"units": (UnitFact("IND", "", 1),)},
            "unknown_category",
            "Categoria IND não existe na tarifa do ato Ato 14.7.",
        ),
        ({"water_active": False}, "no_active_connection", "Imóvel sem ligação de água ativa."),
        (
            {"pending": (PendingItem("credit", "Crédito", D("-50.00"), "collection.credit", "1"),)},
            "negative_total",
            "Créditos maiores que a fatura (total -9.44).",
        ),
    ],
)
def test_what_cannot_be_billed_says_why(changes: dict[str, object], code: str, message: str) -> None:
    with pytest.raises(NotBillable) as raised:
        price_bill(facts(**changes), terms())
    assert (raised.value.code, raised.value.message) == (code, message)


def test_no_schedule_no_due_date() -> None:
    with pytest.raises(NotBillable) as raised:
        price_bill(facts(), terms(schedule=None))
    assert raised.value.code == "no_schedule"
    assert raised.value.message == "Não há cronograma do grupo para 05/2025: sem data de vencimento."


def test_a_consumption_above_the_last_band_is_the_calculations_refusal() -> None:
    with pytest.raises(ConsumptionAboveLastBand):
        price_bill(facts(reading=reading(26)), terms())


@pytest.mark.parametrize(
    ("issued_on", "chosen_day", "minimum", "due"),
    [
        (dt.date(2025, 5, 31), None, 5, dt.date(2025, 6, 16)),  # the schedule's date
        (dt.date(2025, 6, 12), None, 5, dt.date(2025, 6, 17)),  # late run: 5 days after the real issue
        (dt.date(2025, 6, 12), None, 10, dt.date(2025, 6, 23)),  # the tenant's 10 days (22/06 is a Sunday)
        (dt.date(2025, 5, 31), 10, 5, dt.date(2025, 6, 10)),  # the chosen day
        (dt.date(2025, 6, 12), 10, 5, dt.date(2025, 7, 10)),  # too close: the chosen day of next month
    ],
)
def test_the_due_date_keeps_the_minimum_time_to_pay_after_the_issue(
    issued_on: dt.date, chosen_day: int | None, minimum: int, due: dt.date
) -> None:
    bill = price_bill(facts(due_day=chosen_day), terms(issued_on=issued_on, min_days_after_issue=minimum))
    assert bill.due_date == due
