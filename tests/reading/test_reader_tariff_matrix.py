"""One table of cases, priced by the server's billing domain (`price_bill` with the reading's
consumption, as the sync's re-pricing does) and by the reader app's engine (tariff.js under node,
fed by the very serialization the route package carries: `tariff_json` and `property_json`): every
total and every line to the cent, every refusal the same (ADR 0227). Plus meter turnovers through
`meter_delta` and its port, and the golden vectors of seed 002 S12.4-01."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from modules.billing.domain.pricing import (
    BillingTerms,
    NotBillable,
    PendingItem,
    PropertyFacts,
    ScheduleDates,
    UnitFact,
    price_bill,
)
from modules.billing.domain.tariffs import (
    Band,
    CategorySplit,
    CategoryTariff,
    FixedCharge,
    SewerRounding,
    TariffVersion,
)
from modules.billing.services.field_package import property_json, tariff_json
from modules.common.domain.dates import YearMonth
from modules.common.domain.money import Rounding
from modules.common.errors import DomainError
from modules.reading.domain.consumption import ConsumptionPolicy, meter_delta
from tests.billing.domain.test_worked_examples import sorocaba_14_1, sorocaba_14_7
from tests.reading.reader_engine import run_engine

D = Decimal
MONTH = YearMonth(2025, 5)


def _dae(rounding: Rounding, sewer: SewerRounding, split: CategorySplit) -> TariffVersion:
    """Three categories with minimums, a fixed charge per economia and once, a TEE, sewer shares
    with decimals and prices with four places: everything the calculation rounds."""
    return TariffVersion(
        act=f"matriz {rounding}/{sewer}/{split}",
        valid_from=dt.date(2025, 1, 1),
        rounding=rounding,
        sewer_rounding=sewer,
        category_split=split,
        categories=(
            CategoryTariff(
                code="RES",
                name="Residencial",
                bands=(
                    Band(0, 10, D("2.3471")),
                    Band(11, 20, D("3.1187")),
                    Band(21, 50, D("5.5555")),
                    Band(51, None, D("7.0101")),
                ),
                minimum_m3_per_unit=10,
                sewer_percent=D("80.5"),
                special_sewer_amount=D("12.345"),
                fixed_charges=(FixedCharge("DISP", "Tarifa de disponibilidade", D("4.333")),),
            ),
            CategoryTariff(
                code="COM",
                name="Comercial",
                bands=(Band(0, 10, D("4.01")), Band(11, 30, D("6.667")), Band(31, None, D("9.999"))),
                minimum_m3_per_unit=5,
                sewer_percent=D("100"),
                special_sewer_amount=D("20.00"),
                fixed_charges=(
                    FixedCharge("TAXA", "Taxa de coleta de lixo", D("9.875"), per_dwelling_unit=False),
                ),
            ),
            CategoryTariff(
                code="RES/SOC",
                name="Residencial social",
                bands=(Band(0, 10, D("0.995")), Band(11, 20, D("2.505")), Band(21, 40, D("4.005"))),
                minimum_m3_per_unit=0,
                sewer_percent=D("50"),
                special_sewer_amount=D("6.125"),
                social=True,
            ),
        ),
    )


def _terms(version: TariffVersion) -> BillingTerms:
    return BillingTerms(
        reference=MONTH,
        version=version,
        issued_on=dt.date(2025, 5, 10),
        schedule=ScheduleDates(dt.date(2025, 5, 12), dt.date(2025, 5, 27)),
        holidays=frozenset(),
        consumption_policy=ConsumptionPolicy(),
    )


UNIT_SETS: tuple[tuple[UnitFact, ...], ...] = (
    (UnitFact("RES", "", 1),),
    (UnitFact("RES", "", 3),),
    (UnitFact("RES", "", 8),),
    (UnitFact("COM", "", 1),),
    (UnitFact("COM", "", 2),),
    (UnitFact("RES", "SOC", 1),),
    (UnitFact("RES", "", 2), UnitFact("COM", "", 1)),
    (UnitFact("RES", "", 1), UnitFact("COM", "", 3), UnitFact("RES", "SOC", 2)),
    (UnitFact("IND", "", 1),),  # a category the tariff misses: both refuse
)
CONNECTIONS = ((True, True, None), (True, False, None), (False, True, None), (True, True, D("62.75")))
EXTRAS: tuple[tuple[tuple[PendingItem, ...], frozenset[str]], ...] = (
    ((), frozenset()),
    (
        (
            PendingItem(
                "installment", "Parcela 2/10 do acordo 2025/0001", D("31.17"), "debt.installment", "9"
            ),
            PendingItem(
                "credit", "Crédito de pagamento em duplicidade", D("-12.50"), "collection.credit", "3"
            ),
        ),
        frozenset(),
    ),
    (
        (PendingItem("service", "Religação", D("45.00"), "service.charge", "4"),),
        frozenset({"sewer", "fixed"}),
    ),
    (
        (PendingItem("credit", "Crédito", D("-900.00"), "collection.credit", "5"),),
        frozenset(),
    ),  # negative: refused
)
CONSUMPTIONS = (*range(0, 61), 75, 94, 99, 100, 101, 149, 150, 199, 268, 401)


def _facts(
    units: tuple[UnitFact, ...], connection: tuple[bool, bool, Decimal | None], extra: Any
) -> PropertyFacts:
    water, sewer, share = connection
    pending, exempt = extra
    return PropertyFacts(
        property_id=1,
        account_base=12345,
        active=True,
        status_label="ativo",
        units=units,
        water_active=water,
        sewer_active=sewer,
        metered=True,
        reading=None,
        pending=pending,
        sewer_percent=share,
        exempt=exempt,
    )


def _server(facts: PropertyFacts, terms: BillingTerms, m3: int) -> dict[str, Any]:
    try:
        bill = price_bill(facts, terms, consumption_override=m3)
    except DomainError as exc:
        return {"error": str(exc.code)}
    return {
        "total": f"{bill.total:.2f}",
        "billed": bill.billed_m3,
        "lines": [[line.kind, line.description, f"{line.amount:.2f}"] for line in bill.lines],
    }


def test_the_phone_engine_prices_the_whole_table_as_the_server_to_the_cent() -> None:
    versions = {
        f"v{i}": _dae(r, s, c)
        for i, (r, s, c) in enumerate(itertools.product(Rounding, SewerRounding, CategorySplit))
    }
    versions["s14_1"], versions["s14_7"] = sorocaba_14_1(), sorocaba_14_7()
    tariffs = {key: tariff_json(v) for key, v in versions.items()}
    cases: list[dict[str, Any]] = []
    expected: list[dict[str, Any]] = []
    for key, version in versions.items():
        terms = _terms(version)
        sets = (
            UNIT_SETS
            if key.startswith("v")
            else ((UnitFact("RES", "", 1),), (UnitFact("RES", "", 8),), (UnitFact("RES", "", 12),))
        )
        for units, connection, extra in itertools.product(sets, CONNECTIONS, EXTRAS):
            facts = _facts(units, connection, extra)
            try:
                device_facts = property_json(facts, version)
            except NotBillable as exc:  # what the package marks "billed at the office"
                assert exc.code in {"unknown_category", "no_active_connection"}
                continue
            for m3 in CONSUMPTIONS:
                cases.append({"tariff": key, "facts": device_facts, "m3": m3})
                expected.append(_server(facts, terms, m3))
    assert len(cases) >= 10_000
    got = run_engine(tariffs, cases)
    mismatches = [(c, e, g) for c, e, g in zip(cases, expected, got, strict=True) if e != g]
    assert not mismatches, f"{len(mismatches)} de {len(cases)} casos diferem; o primeiro: {mismatches[0]}"
    priced = [e for e in expected if "total" in e]
    refusals = {e["error"] for e in expected if "error" in e}
    # the table reaches every branch: bills, the band ceiling, the credits above the bill
    assert len(priced) > 9_000 and {"consumption_above_last_band", "negative_total"} <= refusals


def test_golden_vectors_of_s12_4_01_on_the_phone_engine() -> None:
    """16 m³ → 75.07; 8 economias / 94 m³ → 208.16; 12 / 268 → 883.87 (seed 002 §3)."""
    cases = [
        {
            "tariff": "a",
            "facts": {
                "units": [["RES", 1]],
                "service": "water_sewer",
                "sewer_percent": None,
                "pending": [],
                "exempt": [],
            },
            "m3": 16,
        },
        {
            "tariff": "b",
            "facts": {
                "units": [["RES", 8]],
                "service": "water_sewer",
                "sewer_percent": None,
                "pending": [],
                "exempt": [],
            },
            "m3": 94,
        },
        {
            "tariff": "b",
            "facts": {
                "units": [["RES", 12]],
                "service": "water_sewer",
                "sewer_percent": None,
                "pending": [],
                "exempt": [],
            },
            "m3": 268,
        },
    ]
    got = run_engine({"a": tariff_json(sorocaba_14_1()), "b": tariff_json(sorocaba_14_7())}, cases)
    assert [g["total"] for g in got] == ["75.07", "208.16", "883.87"]


def test_meter_turnovers_on_the_phone_engine_as_on_the_server() -> None:
    cases, expected = [], []
    for digits, window in ((4, "10"), (5, "10"), (4, "2.5"), (6, "0")):
        capacity = 10**digits
        for previous, current in itertools.product(
            (
                0,
                15,
                capacity // 2,
                capacity - capacity // 10 - 1,
                capacity - capacity // 10,
                capacity - 40,
                capacity - 1,
            ),
            (0, 14, 15, 16, capacity // 40, capacity // 10 - 1, capacity // 10, capacity // 2, capacity - 1),
        ):
            policy = ConsumptionPolicy(rollover_window_percent=D(window))
            try:
                m3, turned = meter_delta(previous, current, digits, policy=policy)
                expected.append({"m3": m3, "rollover": turned})
            except DomainError as exc:
                expected.append({"error": str(exc.code)})
            cases.append({"meter": [previous, current, digits, window]})
    got = run_engine({}, cases)
    assert got == expected
    # 3.2.5.9's own check: a 4-digit meter, previous 9990, current 0015 → 25 m³
    assert run_engine({}, [{"meter": [9990, 15, 4, "10"]}]) == [{"m3": 25, "rollover": True}]
