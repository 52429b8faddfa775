"""Tariff simulation (seed 002 part 1 §7): one bill priced on a tariff version, and two versions
compared over the real billed consumption of a past month (revenue per category and band,
histograms). Read-only: nothing here writes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.reading.domain.consumption import ConsumptionKind

from ..domain.calculation import BillCalculation, PricingMethod, calculate_bill
from ..domain.exceptions import BillingException, ExceptionKind
from ..domain.pricing import (
    BilledConsumption,
    BillingTerms,
    CondominiumFacts,
    ItemKind,
    PricedBill,
    PropertyFacts,
    ReadingFact,
    ScheduleDates,
    UnitFact,
    price_bill,
    price_consumption,
    water_rule,
)
from ..domain.tariffs import DwellingUnitMode, DwellingUnits, ServiceType, TariffVersion

ZERO = Decimal("0.00")
CONSUMPTION_BUCKETS = (0, 5, 10, 15, 20, 25, 30, 40, 50, 100)


def money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


@dataclass(frozen=True)
class SimulationEntry:
    category: str
    dwelling_units: int
    dwelling_unit_mode: str = DwellingUnitMode.SPLIT.value  # the usage plan's economia mode (S5.3-05)
    minimum_m3_per_unit: int | None = None  # the usage plan's minimum (S5.3-04)


def calculation_json(calc: BillCalculation) -> dict[str, Any]:
    rules = {c.category_code: water_rule(c) for c in calc.categories}
    if calc.method is PricingMethod.LINEAR:
        rules = {code: rule.replace("tariff.band", "tariff.linear") for code, rule in rules.items()}
    lines = [
        {
            "category": line.category_code,
            "band": line.band_number,
            "from_m3": line.from_m3,
            "to_m3": line.to_m3,
            "capacity_m3": line.capacity_m3,
            "volume_m3": line.volume_m3,
            "unit_price": format(line.unit_price, "f"),
            "water": money(line.water_amount),
            "sewer": None if line.sewer_amount is None else money(line.sewer_amount),
            "rule": rules[line.category_code],
        }
        for line in calc.lines
    ]
    return {
        "act": calc.act,
        "consumption_m3": calc.consumption_m3,
        "billed_m3": calc.billed_m3,
        "water": money(calc.water_amount),
        "sewer": money(calc.sewer_amount + calc.special_sewer_amount),
        "fixed": money(calc.fixed_charges_amount),
        "total": money(calc.total),
        "lines": lines,
        "categories": [
            {
                "category": c.category_code,
                "name": c.category_name,
                "dwelling_units": c.dwelling_units,
                "allocated_m3": c.allocated_m3,
                "billed_m3": c.billed_m3,
                "minimum_applied": c.minimum_applied,
                "water": money(c.water_amount),
                "sewer": money(c.sewer_amount + c.special_sewer_amount),
                "fixed_charges": [
                    {"name": f.description, "amount": money(f.amount)} for f in c.fixed_charges
                ],
                "total": money(c.total),
            }
            for c in calc.categories
        ],
    }


def simulate(
    *,
    version: TariffVersion,
    entries: Sequence[SimulationEntry],
    consumption_m3: int,
    service: ServiceType = ServiceType.WATER_SEWER,
    method: PricingMethod = PricingMethod.CASCADE,
) -> dict[str, Any]:
    """The bill of `consumption_m3` for these economias: the staff simulator, the API and (later) the
    citizens' simulator all answer from here."""
    units = [
        DwellingUnits(
            e.category, e.dwelling_units, e.minimum_m3_per_unit, DwellingUnitMode(e.dwelling_unit_mode)
        )
        for e in entries
    ]
    return calculation_json(calculate_bill(version, consumption_m3, units, service, method))


def simulate_bill(
    *,
    version: TariffVersion,
    reference: YearMonth,
    entries: Sequence[SimulationEntry],
    consumption_m3: int,
    service: ServiceType = ServiceType.WATER_SEWER,
    exceptions: Sequence[BillingException] = (),
    dependents_m3: Sequence[int] | None = None,
) -> dict[str, Any]:
    """The bill of `consumption_m3` as a billing run prices it (`price_bill`), with the property's
    exceptions and, for a condominium's master meter, its dependents' volumes (the bill charges the
    common area, ADR 0190): the calculation's shape plus each bill line with the rule that made it.
    Raises the pricing's NotBillable or ValidationFailed."""
    end = reference.last_day()
    facts = PropertyFacts(
        property_id=0,
        account_base=0,
        active=True,
        status_label="ativo",
        units=tuple(
            UnitFact(e.category, "", e.dwelling_units, e.minimum_m3_per_unit, e.dwelling_unit_mode)
            for e in entries
        ),
        water_active=True,
        sewer_active=True,
        metered=True,
        reading=ReadingFact(ConsumptionKind.MEASURED, consumption_m3, (), False),
        condominium=CondominiumFacts(tuple(dependents_m3)) if dependents_m3 is not None else None,
        exceptions=(
            tuple(exceptions)
            if any(e.kind == ExceptionKind.SERVICE_TYPE for e in exceptions)
            else (*exceptions, BillingException(ExceptionKind.SERVICE_TYPE, service_type=service.value))
        ),
    )
    terms = BillingTerms(
        reference=reference,
        version=version,
        issued_on=end,
        schedule=ScheduleDates(end, end + dt.timedelta(days=15)),
        holidays=frozenset(),
        min_days_after_issue=1,
    )
    return priced_json(price_bill(facts, terms), exceptions)


def priced_json(bill: PricedBill, exceptions: Sequence[BillingException]) -> dict[str, Any]:
    """`calculation_json`'s shape for a priced bill: water, sewer and fixed are sums of the bill's
    lines (so an exemption shows), `items` the lines with their rule, `rules` what changed the bill."""
    out = calculation_json(bill.calculation)

    def total(*kinds: str) -> str:
        return money(sum((line.amount for line in bill.lines if line.kind in kinds), ZERO))

    out.update(
        consumption_m3=bill.consumption_m3,
        service_type=bill.service.value,
        water=total(ItemKind.WATER),
        sewer=total(ItemKind.SEWER),
        fixed=total(ItemKind.FIXED),
        solid_waste=total(ItemKind.SOLID_WASTE),
        total=money(bill.total),
        items=[
            {
                "kind": line.kind,
                "description": line.description,
                "category": line.category,
                "quantity_m3": line.quantity_m3,
                "amount": money(line.amount),
                "rule": line.rule,
            }
            for line in bill.lines
        ],
        anomalies=[{"code": a.code, "message": a.message} for a in bill.anomalies],
    )
    if any(e.kind == ExceptionKind.DUE_DAY for e in exceptions):
        out["due_date"] = bill.due_date.isoformat()
    return out


def _bucket(m3: int) -> str:
    for low, high in pairwise(CONSUMPTION_BUCKETS):
        if m3 <= high:
            return f"{low if low == 0 else low + 1}–{high}"
    return f"> {CONSUMPTION_BUCKETS[-1]}"


def compare(
    *,
    base: TariffVersion,
    proposed: TariffVersion,
    month: YearMonth,
    billed: Sequence[BilledConsumption],
) -> dict[str, Any]:
    """Revenue of each version over the same real consumptions: totals, per category and band, a
    histogram of consumption and one of each bill's change. Each bill is priced as the billing run
    prices it (`price_consumption`). Bills a version cannot price (category missing, above its last
    band) are counted apart, never guessed."""
    revenue: dict[str, dict[tuple[str, int], Decimal]] = {
        "base": defaultdict(Decimal),
        "proposed": defaultdict(Decimal),
    }
    totals = {"base": ZERO, "proposed": ZERO}
    unpriced = {"base": 0, "proposed": 0}
    consumption_hist: dict[str, int] = defaultdict(int)
    change_hist: dict[str, int] = defaultdict(int)
    for bill in billed:
        consumption_hist[_bucket(bill.m3)] += 1
        amounts: dict[str, Decimal | None] = {}
        for name, version in (("base", base), ("proposed", proposed)):
            try:
                calc = price_consumption(
                    version,
                    bill.m3,
                    bill.units,
                    water_active=bill.water_active,
                    sewer_active=bill.sewer_active,
                    sewer_percent=bill.sewer_percent,
                )
            except DomainError:
                unpriced[name] += 1
                amounts[name] = None
                continue
            for line in calc.lines:
                revenue[name][(line.category_code, line.band_number)] += line.water_amount + (
                    line.sewer_amount or ZERO
                )
            for c in calc.categories:
                extra = c.fixed_charges_amount + c.special_sewer_amount
                if not c.lines or any(line.sewer_amount is None for line in c.lines):
                    extra += c.sewer_amount  # sewer rounded per bill: not attributable to a band
                revenue[name][(c.category_code, 0)] += extra
            totals[name] += calc.total
            amounts[name] = calc.total
        if amounts["base"] is not None and amounts["proposed"] is not None and amounts["base"]:
            pct = (amounts["proposed"] - amounts["base"]) / amounts["base"] * 100
            step = int(pct // 5) * 5
            change_hist[f"{step:+d}% a {step + 5:+d}%"] += 1
    keys = sorted(set(revenue["base"]) | set(revenue["proposed"]))
    by_band = [
        {
            "category": cat,
            "band": band if band else "fixas/esgoto",
            "base": money(revenue["base"].get((cat, band), ZERO)),
            "proposed": money(revenue["proposed"].get((cat, band), ZERO)),
        }
        for cat, band in keys
    ]
    categories = sorted({cat for cat, _ in keys})
    by_category = [
        {
            "category": cat,
            "base": money(sum((v for (c, _), v in revenue["base"].items() if c == cat), ZERO)),
            "proposed": money(sum((v for (c, _), v in revenue["proposed"].items() if c == cat), ZERO)),
        }
        for cat in categories
    ]
    change = ZERO if not totals["base"] else (totals["proposed"] - totals["base"]) / totals["base"] * 100
    return {
        "reference": str(month),
        "bills": len(billed),
        "base": {"act": base.act, "total": money(totals["base"]), "unpriced": unpriced["base"]},
        "proposed": {
            "act": proposed.act,
            "total": money(totals["proposed"]),
            "unpriced": unpriced["proposed"],
        },
        "change_percent": format(change.quantize(Decimal("0.01")), "f"),
        "by_category": by_category,
        "by_band": by_band,
        "consumption_histogram": [
            {"bucket": b, "bills": consumption_hist[b]}
            for b in dict.fromkeys(
                [_bucket(x) for x in CONSUMPTION_BUCKETS] + [f"> {CONSUMPTION_BUCKETS[-1]}"]
            )
            if b in consumption_hist
        ],
        "change_histogram": [
            {"bucket": k, "bills": v}
            for k, v in sorted(change_hist.items(), key=lambda kv: int(kv[0].split("%")[0]))
        ],
    }
