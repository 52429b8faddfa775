"""Reads of billing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from modules.common.domain.dates import YearMonth
from modules.registry.domain import connections as conn_rules
from modules.registry.models import PropertyCategory, ServiceConnection

from .domain.pricing import BilledConsumption, UnitFact
from .models import Bill, BillHold, BillingRun, BillStatus


def bill_list(
    *, property_id: int | None = None, reference: str = "", status: str = "", run: int | None = None
) -> QuerySet[Bill]:
    qs = Bill.objects.select_related("property").order_by("-reference", "property_id", "-id")
    if property_id:
        qs = qs.filter(property_id=property_id)
    if reference:
        qs = qs.filter(reference=YearMonth.parse(reference).first_day())
    if status in BillHold.values and status:
        # "em processo", "pagamento comprovado": a hold on an issued bill (seed 001 3.2.13.9.1)
        qs = qs.filter(hold=status).exclude(status=BillStatus.CANCELLED)
    elif status:
        qs = qs.filter(status=status)
    if run:
        qs = qs.filter(run_id=run)
    return qs


def consumption_history(property_id: int, until: dt.date, months: int = 12) -> list[tuple[dt.date, int]]:
    """(reference, m³) of the last `months` months up to `until`, oldest first: the billed volume of
    each alive bill, else the month's reading (history from before the system billed)."""
    from modules.reading.models import Reading

    first = YearMonth.of(until).plus(-(months - 1)).first_day()
    volumes = dict(
        Reading.objects.filter(property_id=property_id, reference__range=(first, until)).values_list(
            "reference", "consumption_m3"
        )
    )
    for reference, m3 in (
        Bill.objects.filter(property_id=property_id, reference__range=(first, until))
        .exclude(status=BillStatus.CANCELLED)
        .values_list("reference", "consumption_m3")
    ):
        volumes[reference] = m3 or 0
    return sorted(volumes.items())


def billed_consumptions(month: YearMonth) -> list[BilledConsumption]:
    """The month's alive bills as the tariff comparison prices them again: the m³ each billed, with
    the property's economias and active connections (two queries)."""

    def connected(kind: object) -> Exists:
        return Exists(
            ServiceConnection.objects.filter(
                property=OuterRef("property_id"), kind=kind, situation__in=conn_rules.ACTIVE
            )
        )

    bills = list(
        Bill.objects.filter(reference=month.first_day())
        .exclude(status=BillStatus.CANCELLED)
        .annotate(
            water_active=connected(ServiceConnection.Kind.WATER),
            sewer_active=connected(ServiceConnection.Kind.SEWER),
            sewer_percent=Subquery(
                ServiceConnection.objects.filter(
                    property=OuterRef("property_id"), kind=ServiceConnection.Kind.SEWER
                ).values("sewer_share_percent")[:1]
            ),
        )
        .values_list("property_id", "consumption_m3", "water_active", "sewer_active", "sewer_percent")
    )
    units: dict[int, list[UnitFact]] = defaultdict(list)
    for pid, code, sub, economies, plan_minimum in PropertyCategory.objects.filter(
        property_id__in=[row[0] for row in bills]
    ).values_list(
        "property_id", "category__code", "subcategory__code", "economies", "usage_plan__minimum_m3_per_unit"
    ):
        units[pid].append(UnitFact(code, sub or "", economies, plan_minimum))
    return [
        BilledConsumption(
            m3=m3 or 0,
            units=tuple(units[pid]),
            water_active=water,
            sewer_active=sewer,
            sewer_percent=percent,
        )
        for pid, m3, water, sewer, percent in bills
        if units.get(pid)
    ]


def run_list() -> QuerySet[BillingRun]:
    return BillingRun.objects.select_related("group").order_by("-reference", "group__code")


def run_anomalies(run: BillingRun) -> QuerySet[Any]:
    return (
        Bill.objects.filter(run=run, anomalies__isnull=False)
        .exclude(status=BillStatus.CANCELLED)
        .select_related("property")
        .prefetch_related("anomalies")
        .distinct()
        .order_by("property_id")
    )


def last_billed_month() -> YearMonth | None:
    """The latest reference month with a bill alive (the month a comparison reads by default)."""
    ref = (
        Bill.objects.exclude(status=BillStatus.CANCELLED)
        .order_by("-reference")
        .values_list("reference", flat=True)
    )
    first = ref.first()
    return YearMonth.of(first) if first else None


def tariff_base(tariff: Any) -> Any:
    """What a version is compared with: the approved version in force on its start (the previous one
    for an approved version); None when there is none."""
    from .models import Tariff, TariffStatus

    qs = Tariff.objects.filter(status=TariffStatus.APPROVED, valid_from__lte=tariff.valid_from).exclude(
        pk=tariff.pk
    )
    if tariff.status == TariffStatus.APPROVED:
        qs = qs.filter(valid_from__lt=tariff.valid_from)
    return qs.order_by("-valid_from").first()


def _or_dash(value: Any) -> str:
    return "—" if value is None else str(value)


def _band_text(band: dict[str, Any]) -> str:
    upper = "sem limite" if band["to_m3"] is None else f"{band['to_m3']} m³"
    return f"{band['from_m3']} a {upper}: R$ {band['price']}"


def tariff_differences(tariff: Any) -> dict[str, Any] | None:
    """Category by category, what the version changes from its base (tariff_base): rules, minimums,
    sewer share, bands, fixed charges; pt-BR lines for the version's page."""
    from .services.tariffs import tariff_json

    base = tariff_base(tariff)
    if base is None:
        return None
    old, new = tariff_json(base), tariff_json(tariff)
    from .services.tariffs import ROUNDING_LABELS, SEWER_ROUNDING_LABELS, SPLIT_LABELS

    rules = []
    labels = {
        "rounding": ("arredondamento", ROUNDING_LABELS),
        "sewer_rounding": ("arredondamento do esgoto", SEWER_ROUNDING_LABELS),
        "category_split": ("mais de uma categoria", SPLIT_LABELS),
    }
    for key, (label, words) in labels.items():
        if old[key] != new[key]:
            rules.append(f"{label}: {words[old[key]]} → {words[new[key]]}")
    old_cats = {c["code"]: c for c in old["categories"]}
    new_cats = {c["code"]: c for c in new["categories"]}
    rows = []
    for code in sorted(set(old_cats) | set(new_cats)):
        was, now = old_cats.get(code), new_cats.get(code)
        if was is None or now is None:
            rows.append({"code": code, "what": "nova" if was is None else "removida", "lines": []})
            continue
        lines = []
        for key, label in (
            ("minimum_m3_per_unit", "mínimo (m³/economia)"),
            ("sewer_percent", "esgoto (%)"),
            ("special_sewer_amount", "TEE (R$)"),
        ):
            if was[key] != now[key]:
                lines.append(f"{label}: {_or_dash(was[key])} → {_or_dash(now[key])}")
        for i in range(max(len(was["bands"]), len(now["bands"]))):
            a = was["bands"][i] if i < len(was["bands"]) else None
            b = now["bands"][i] if i < len(now["bands"]) else None
            if a != b:
                lines.append(
                    f"faixa {i + 1}: {_band_text(a) if a else '—'} → {_band_text(b) if b else 'removida'}"
                )
        if was["fixed_charges"] != now["fixed_charges"]:
            fees = "; ".join(f"{f['name']} R$ {f['amount']}" for f in now["fixed_charges"]) or "nenhuma"
            lines.append(f"tarifas fixas: {fees}")
        rows.append({"code": code, "what": "alterada" if lines else "igual", "lines": lines})
    return {"base": base, "rules": rules, "categories": rows}


def billed_months(since: dt.date) -> set[tuple[int, dt.date]]:
    """(group id, reference) of every billing run from `since` on, whatever its state: once a run has
    started, its bills come from that month's schedule and consumption regulation (reading asks this
    through its hook before it changes either)."""
    return set(BillingRun.objects.filter(reference__gte=since).values_list("group_id", "reference"))


def bill_is_held(bill: Bill) -> bool:
    """Whether the bill is out of collection (late charges, debt statement, cut-off, credit
    bureaus): paid at an agent whose file has not come yet, or under an administrative or judicial
    proceeding (seed 001 3.2.13.9.11, .20). Other modules read this, or filter with `HELD_BILLS`."""
    return bool(bill.hold)


# for querysets of bills: `.exclude(HELD_BILLS)` leaves the held ones out
HELD_BILLS = ~Q(hold="")


def bill_notes(bill: Bill) -> Any:
    """The annotations of the bill's changes, newest first."""
    return bill.notes.all()


def quality_tables_published(today: dt.date, months: int = 12) -> list[Any]:
    """3.2.14.10 (ADR 0224): the monthly water-quality tables the utility prints on its bills
    (Decreto 5.440/2005), as the citizen may see them: only months already begun (a table typed
    ahead for a later month is not yet published), newest first, at most `months` of them."""
    from .models import BillText

    return list(
        BillText.objects.filter(
            kind=BillText.Kind.WATER_QUALITY, valid_from__lte=today.replace(day=1)
        ).order_by("-valid_from")[:months]
    )
