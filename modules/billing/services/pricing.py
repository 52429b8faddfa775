"""Pricing and writing bills: what a billing run (and a rebill) does for a batch of properties.

Loads a chunk's facts in a handful of queries (categories, connections, meters, the month's
readings, history where a reading is missing, chosen due days, other modules' pending items), prices
each property with the domain calculation (cached per (m³, economias, service)), and COPYs bills,
items and critique anomalies (ADR 0025). A property that cannot be billed raises `NotBillable`
with a stable code and a pt-BR reason; the caller records it and goes on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from modules.common.audit import SystemActor
from modules.common.clock import febraban_company_code, tenant_today
from modules.common.domain import calendar as cal
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.metering.models import Installation
from modules.reading.domain.consumption import (
    FLAG_LABELS,
    ConsumptionKind,
    Flag,
    HistoryEntry,
    average_consumption,
)
from modules.reading.models import Reading, ReadingSchedule, ReviewStatus
from modules.reading.services import consumption_policy, holidays_between
from modules.registry.domain import connections as conn_rules
from modules.registry.models import Property, PropertyCategory, ServiceConnection

from .. import hooks
from ..domain.calculation import BillCalculation, calculate_bill
from ..domain.febraban import build_barcode
from ..domain.tariffs import DwellingUnits, ServiceType, TariffVersion
from ..models import (
    DueDayChoice,
    ItemKind,
)
from .tariffs import tariff_in_force, tariff_version

ZERO = Decimal("0.00")
STALE_CLAIM = dt.timedelta(minutes=10)
DUE_OPTIONS = cal.DueDateOptions(min_days_after_issue=5)
RUN_ACTOR = SystemActor("faturamento")

BILL_COLUMNS = (
    "id",
    "property_id",
    "reference",
    "due_date",
    "status",
    "total",
    "consumption_m3",
    "barcode",
    "typeable_line",
    "cancel_reason",
    "created_at",
    "run_id",
    "tariff_act",
    "consumption_kind",
    "cancelled_by",
    "replaces_id",
)
ITEM_COLUMNS = (
    "bill_id",
    "kind",
    "description",
    "category",
    "band",
    "quantity_m3",
    "unit_price",
    "amount",
    "source",
    "source_id",
    "position",
)


class NotBillable(DomainError):
    """One property the run cannot bill; reported in the run, the others go on."""


@dataclass
class Context:
    """What every property of a run shares, loaded once per chunk."""

    reference: YearMonth
    version: TariffVersion
    company_code: str
    schedule: ReadingSchedule | None
    holidays: frozenset[dt.date]
    average_months: int
    issued_on: dt.date  # the day the bills are issued (the run's day), not the schedule's
    cache: dict[tuple[Any, ...], BillCalculation] = field(default_factory=dict)

    def price(self, m3: int, units: tuple[DwellingUnits, ...], service: ServiceType) -> BillCalculation:
        # Most properties of a month share (m³, economias, service): price each combination once.
        key = (m3, units, service)
        calc = self.cache.get(key)
        if calc is None:
            calc = calculate_bill(self.version, m3, units, service)
            self.cache[key] = calc
        return calc


def context_for(reference: YearMonth, group_id: int | None, *, issued_on: dt.date | None = None) -> Context:
    tariff = tariff_in_force(reference.first_day())
    code = febraban_company_code()
    schedule = (
        ReadingSchedule.objects.filter(group_id=group_id, reference=reference.first_day()).first()
        if group_id
        else None
    )
    start = reference.first_day()
    issued_on = issued_on or tenant_today()
    return Context(
        reference=reference,
        version=tariff_version(tariff),
        company_code=code,
        schedule=schedule,
        holidays=holidays_between(
            start, max(reference.plus(3).last_day(), issued_on + dt.timedelta(days=92))
        ),
        average_months=consumption_policy(start).average_months,
        issued_on=issued_on,
    )


@dataclass
class Priced:
    property_id: int
    account_base: int
    calc: BillCalculation
    consumption_kind: str
    items: list[tuple[Any, ...]]  # ITEM_COLUMNS without bill_id
    total: Decimal
    due: dt.date
    anomalies: list[tuple[str, str]]


@dataclass
class _Loaded:
    props: dict[int, tuple[int, str]]  # id -> (account_base, status)
    categories: dict[int, list[tuple[str, str, int]]]
    connections: dict[int, dict[str, str]]
    metered: set[int]
    readings: dict[int, tuple[str, int, list[str], str]]
    history: dict[int, list[HistoryEntry]]
    due_days: dict[int, int]
    pending: dict[int, list[hooks.PendingItem]]


def id_array(ids: Sequence[int]) -> RawSQL:
    """`x__in=id_array(ids)`: one array parameter instead of a placeholder per id (a thousand placeholders
    cost more to build and parse than the query itself)."""
    return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])


def load_facts(ids: Sequence[int], ctx: Context) -> _Loaded:
    ref = ctx.reference.first_day()
    ids = list(ids)
    in_ids = id_array(ids)
    props = {
        pk: (base, status)
        for pk, base, status in Property.objects.filter(pk__in=in_ids).values_list(
            "pk", "account_base", "status"
        )
    }
    categories: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for pid, code, sub, economies in PropertyCategory.objects.filter(property_id__in=in_ids).values_list(
        "property_id", "category__code", "subcategory__code", "economies"
    ):
        categories[pid].append((code, sub or "", economies))
    connections: dict[int, dict[str, str]] = defaultdict(dict)
    for pid, kind, situation in ServiceConnection.objects.filter(property_id__in=in_ids).values_list(
        "property_id", "kind", "situation"
    ):
        connections[pid][kind] = situation
    metered = set(
        Installation.objects.filter(
            connection__property_id__in=in_ids, connection__kind="water", removed_on__isnull=True
        ).values_list("connection__property_id", flat=True)
    )
    readings = {
        pid: (kind, m3, flags, review)
        for pid, kind, m3, flags, review in Reading.objects.filter(
            property_id__in=in_ids, reference=ref
        ).values_list("property_id", "consumption_kind", "consumption_m3", "flags", "review")
    }
    missing = [pid for pid in ids if pid not in readings and pid in metered]
    history: dict[int, list[HistoryEntry]] = defaultdict(list)
    if missing:
        since = ctx.reference.plus(-2 * ctx.average_months).first_day()
        for pid, r, m3, kind in Reading.objects.filter(
            property_id__in=id_array(missing), reference__lt=ref, reference__gte=since
        ).values_list("property_id", "reference", "consumption_m3", "consumption_kind"):
            history[pid].append(HistoryEntry(YearMonth.of(r), m3, ConsumptionKind(kind)))
    due_days = dict(DueDayChoice.objects.filter(property_id__in=in_ids).values_list("property_id", "day"))
    return _Loaded(
        props,
        categories,
        connections,
        metered,
        readings,
        history,
        due_days,
        hooks.pending_items(ids, ctx.reference),
    )


def _service(conns: dict[str, str], ctx: Context, units: tuple[DwellingUnits, ...]) -> ServiceType:
    water = conns.get("water") in conn_rules.ACTIVE
    sewer = conns.get("sewer") in conn_rules.ACTIVE
    if water and sewer:
        return ServiceType.WATER_SEWER
    if water:
        return ServiceType.WATER
    if sewer and all(ctx.version.category(u.category_code).special_sewer_amount is not None for u in units):
        return ServiceType.SPECIAL_SEWER
    raise NotBillable("Imóvel sem ligação de água ativa.", code="no_active_connection")


def _band_label(from_m3: int, to_m3: int | None) -> str:
    return f"{from_m3} a {to_m3} m³" if to_m3 is not None else f"acima de {from_m3 - 1} m³"


def _items(calc: BillCalculation, pending: Sequence[hooks.PendingItem]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for c in calc.categories:
        for line in c.lines:
            band = _band_label(line.from_m3, line.to_m3)
            rows.append(
                (
                    ItemKind.WATER.value,
                    f"Água {c.category_name} – faixa {line.band_number} ({band})",
                    c.category_code,
                    band,
                    line.volume_m3,
                    line.unit_price,
                    line.water_amount,
                    "",
                    "",
                )
            )
        for line in c.lines:
            if line.sewer_amount is not None:
                band = _band_label(line.from_m3, line.to_m3)
                rows.append(
                    (
                        ItemKind.SEWER.value,
                        f"Esgoto {c.category_name} – faixa {line.band_number} ({band})",
                        c.category_code,
                        band,
                        line.volume_m3,
                        None,
                        line.sewer_amount,
                        "",
                        "",
                    )
                )
        if c.sewer_amount and all(line.sewer_amount is None for line in c.lines):
            rows.append(
                (
                    ItemKind.SEWER.value,
                    f"Esgoto {c.category_name}",
                    c.category_code,
                    "",
                    c.billed_m3,
                    None,
                    c.sewer_amount,
                    "",
                    "",
                )
            )
        if c.special_sewer_amount:
            rows.append(
                (
                    ItemKind.SEWER.value,
                    f"Tarifa de esgoto especial (TEE) {c.category_name}",
                    c.category_code,
                    "",
                    None,
                    None,
                    c.special_sewer_amount,
                    "",
                    "",
                )
            )
        for charge in c.fixed_charges:
            rows.append(
                (
                    ItemKind.FIXED.value,
                    f"{charge.description} ({c.category_name})",
                    c.category_code,
                    "",
                    None,
                    None,
                    charge.amount,
                    "",
                    "",
                )
            )
    for item in pending:
        rows.append(
            (item.kind, item.description, "", "", None, None, item.amount, item.source, item.source_id)
        )
    return [(*row, position) for position, row in enumerate(rows)]


# the reading's flags that the bill's critique repeats (a review occurrence shows as "in review")
BILL_FLAGS = {Flag.HIGH, Flag.LOW, Flag.ZERO, Flag.ROLLOVER, Flag.METER_SWAP}


def _due(ctx: Context, property_id: int, due_days: dict[int, int]) -> dt.date:
    if ctx.schedule is None:
        raise NotBillable(
            f"Não há cronograma do grupo para {ctx.reference.label}: sem data de vencimento.",
            code="no_schedule",
        )
    # a run later than its schedule issues later: the minimum time to pay counts from the real issue
    issued_on = max(ctx.schedule.billing_date, ctx.issued_on)
    chosen = due_days.get(property_id)
    if chosen is None:
        earliest = issued_on + dt.timedelta(days=DUE_OPTIONS.min_days_after_issue)
        due = ctx.schedule.due_date
        return due if due >= earliest else cal.next_business_day(earliest, ctx.holidays)
    return cal.due_date(
        YearMonth.of(max(ctx.schedule.due_date, issued_on)),
        chosen,
        ctx.holidays,
        DUE_OPTIONS,
        issued_on=issued_on,
    )


def price_property(
    ctx: Context, data: _Loaded, property_id: int, *, consumption_override: int | None = None
) -> Priced:
    if property_id not in data.props:
        raise NotBillable("Imóvel não encontrado.", code="not_found")
    base, status = data.props[property_id]
    if status != Property.Status.ACTIVE:
        raise NotBillable(f"Imóvel com situação {status}.", code="property_not_active")
    raw = data.categories.get(property_id)
    if not raw:
        raise NotBillable("Imóvel sem categoria/economias.", code="no_dwelling_units")
    codes = {c.code for c in ctx.version.categories}
    units = tuple(
        DwellingUnits(f"{code}/{sub}" if sub and f"{code}/{sub}" in codes else code, economies)
        for code, sub, economies in raw
    )
    for unit in units:
        if unit.category_code not in codes:
            raise NotBillable(
                f"Categoria {unit.category_code} não existe na tarifa do ato {ctx.version.act}.",
                code="unknown_category",
            )
    service = _service(data.connections.get(property_id, {}), ctx, units)
    anomalies: list[tuple[str, str]] = []
    reading = data.readings.get(property_id)
    if consumption_override is not None:
        kind, m3 = "measured", consumption_override
        anomalies.append(("corrected", f"Consumo informado na correção: {m3} m³."))
    elif reading is not None:
        kind, m3, flags, review = reading
        for flag in flags:
            if flag in BILL_FLAGS:
                anomalies.append((flag, FLAG_LABELS[Flag(flag)]))
        if review == ReviewStatus.PENDING:
            anomalies.append(("reading_in_review", "Leitura pendente de análise."))
    elif property_id in data.metered:
        average = average_consumption(data.history.get(property_id, []), ctx.reference)
        if average is None:
            kind, m3 = "minimum", 0
            anomalies.append(("no_reading", "Sem leitura nem histórico: faturado pelo mínimo."))
        else:
            kind, m3 = "average", average
            anomalies.append(("no_reading", f"Sem leitura: faturado pela média ({average} m³)."))
    else:
        kind, m3 = "fixed", 0  # unmetered: the tariff's minimum per economia (seed 001 3.2.4.4.3)
    calc = ctx.price(m3, units, service)
    items = _items(calc, data.pending.get(property_id, []))
    total = sum((row[6] for row in items), ZERO)
    if total < 0:
        raise NotBillable(f"Créditos maiores que a fatura (total {total}).", code="negative_total")
    return Priced(
        property_id, base, calc, kind, items, total, _due(ctx, property_id, data.due_days), anomalies
    )


def _allocate_ids(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('billing_bill', 'id')) FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def free_field(bill_id: int, account_base: int, reference: YearMonth) -> str:
    """The 25-digit free field of our bills: bill id (12), account base (9), reference YYMM (4)."""
    return f"{bill_id:012d}{account_base:09d}{reference.year % 100:02d}{reference.month:02d}"


def write_bills(
    ctx: Context, priced: Sequence[Priced], *, run_id: int | None, status: str, replaces: int | None = None
) -> list[int]:
    """COPY the bills, their items and anomalies (bulk_create measured 6× slower)."""
    if not priced:
        return []
    ids = _allocate_ids(len(priced))
    now = timezone.now()
    reference = ctx.reference.first_day()
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY billing_bill ({', '.join(BILL_COLUMNS)}) FROM STDIN") as copy:
            for bill_id, p in zip(ids, priced, strict=True):
                code = build_barcode(
                    amount=p.total,
                    company_code=ctx.company_code,
                    free_field=free_field(bill_id, p.account_base, ctx.reference),
                )
                copy.write_row(
                    (
                        bill_id,
                        p.property_id,
                        reference,
                        p.due,
                        status,
                        p.total,
                        p.calc.billed_m3,
                        code.digits,
                        code.typeable_line,
                        "",
                        now,
                        run_id,
                        ctx.version.act,
                        p.consumption_kind,
                        "",
                        replaces,
                    )
                )
        with cursor.copy(f"COPY billing_billitem ({', '.join(ITEM_COLUMNS)}) FROM STDIN") as copy:
            for bill_id, p in zip(ids, priced, strict=True):
                for row in p.items:
                    copy.write_row((bill_id, *row))
        if any(p.anomalies for p in priced):
            with cursor.copy("COPY billing_billanomaly (bill_id, code, message) FROM STDIN") as copy:
                for bill_id, p in zip(ids, priced, strict=True):
                    for code_, message in p.anomalies:
                        copy.write_row((bill_id, code_, message[:300]))
    return ids
