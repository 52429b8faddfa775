"""Billing runs: one group and reference month, cut into chunks of properties, each chunk priced and
written (bills, items, critique anomalies) in one transaction with COPY.

Exactly once (ADR 0025): a chunk is claimed with a conditional update, then locked and re-checked
inside the transaction that writes its bills and marks it done. A worker killed half-way leaves the
transaction rolled back and the chunk `running` with an old claim; `run_resume` hands it out again.
Properties that already have a bill alive for the month are skipped, and the database refuses a
second alive bill per property and month anyway. No task holds more than one chunk (about a second
of work), far from RabbitMQ's 30-minute acknowledgement limit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from modules.common.audit import Actor, SystemActor, audit_record
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, DomainError, ValidationFailed
from modules.metering.models import Installation
from modules.reading.domain import calendar as cal
from modules.reading.domain.consumption import ConsumptionKind, HistoryEntry, average_consumption
from modules.reading.models import Reading, ReadingSchedule, ReviewStatus
from modules.reading.services import consumption_policy, holidays_between
from modules.registry.domain import connections as conn_rules
from modules.registry.models import BillingGroup, Property, PropertyCategory, ServiceConnection
from modules.registry.services import tenant_today

from .. import hooks
from ..domain.calculation import BillCalculation, calculate_bill
from ..domain.febraban import build_barcode
from ..domain.tariffs import DwellingUnits, ServiceType, TariffVersion
from ..models import (
    Bill,
    BillingRun,
    BillStatus,
    DueDayChoice,
    ItemKind,
    RunChunk,
    RunError,
    RunStatus,
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
    cache: dict[tuple[Any, ...], BillCalculation] = field(default_factory=dict)

    def price(self, m3: int, units: tuple[DwellingUnits, ...], service: ServiceType) -> BillCalculation:
        # Most properties of a month share (m³, economias, service): price each combination once.
        key = (m3, units, service)
        calc = self.cache.get(key)
        if calc is None:
            calc = calculate_bill(self.version, m3, units, service)
            self.cache[key] = calc
        return calc


def context_for(reference: YearMonth, group_id: int | None) -> Context:
    tariff = tariff_in_force(reference.first_day())
    code = getattr(getattr(connection, "tenant", None), "febraban_company_code", "") or ""
    if len(code) != 4 or not code.isdigit():
        raise ValidationFailed(
            "A concessionária não tem código FEBRABAN (4 dígitos) cadastrado: sem ele não há "
            "código de barras.",
            field="febraban_company_code",
            code="no_febraban_code",
        )
    schedule = (
        ReadingSchedule.objects.filter(group_id=group_id, reference=reference.first_day()).first()
        if group_id
        else None
    )
    start = reference.first_day()
    return Context(
        reference=reference,
        version=tariff_version(tariff),
        company_code=code,
        schedule=schedule,
        holidays=holidays_between(start, reference.plus(3).last_day()),
        average_months=consumption_policy(start).average_months,
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


def _ids(ids: Sequence[int]) -> RawSQL:
    """`x__in=_ids(ids)`: one array parameter instead of a placeholder per id (a thousand placeholders
    cost more to build and parse than the query itself)."""
    return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])


def _load(ids: Sequence[int], ctx: Context) -> _Loaded:
    ref = ctx.reference.first_day()
    ids = list(ids)
    in_ids = _ids(ids)
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
            property_id__in=_ids(missing), reference__lt=ref, reference__gte=since
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


def _due(ctx: Context, property_id: int, due_days: dict[int, int]) -> dt.date:
    if ctx.schedule is None:
        raise NotBillable(
            f"Não há cronograma do grupo para {ctx.reference.label}: sem data de vencimento.",
            code="no_schedule",
        )
    chosen = due_days.get(property_id)
    if chosen is None:
        return ctx.schedule.due_date
    return cal.due_date(
        YearMonth.of(ctx.schedule.due_date),
        chosen,
        ctx.holidays,
        DUE_OPTIONS,
        issued_on=ctx.schedule.billing_date,
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
        labels = {
            "high": "Consumo alto (acima da média de 12 meses)",
            "low": "Consumo baixo (abaixo da média)",
            "zero": "Consumo zero",
            "rollover": "Virada do hidrômetro",
            "meter_swap": "Troca de hidrômetro",
        }
        for flag in flags:
            if flag in labels:
                anomalies.append((flag, labels[flag]))
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


_CONTEXTS: dict[tuple[str, int], Context] = {}


def _run_context(run: BillingRun) -> Context:
    """A run's context, built once per worker process (tariff, holidays, FEBRABAN code, schedule)."""
    key = (connection.schema_name, run.pk)
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        if len(_CONTEXTS) > 32:
            _CONTEXTS.clear()
        ctx = _CONTEXTS[key] = context_for(YearMonth.of(run.reference), run.group_id)
    return ctx


def run_create(
    *,
    actor: Actor,
    group: BillingGroup,
    reference: YearMonth,
    chunk_size: int = 1000,
    enqueue: bool = True,
    today: dt.date | None = None,
) -> BillingRun:
    """Plan the run of a group and month (chunks of properties in route order) and hand it to workers."""
    if chunk_size < 1:
        raise ValidationFailed("O tamanho do lote deve ser ao menos 1.", field="chunk_size")
    context_for(reference, group.pk)  # fail now, not in a worker: tariff in force, FEBRABAN code
    schedule = ReadingSchedule.objects.filter(group=group, reference=reference.first_day()).first()
    if schedule is None:
        raise ValidationFailed(
            f"Não há cronograma de leitura do grupo {group.code} para {reference.label}.",
            field="reference",
            code="no_schedule",
        )
    today = today or tenant_today()
    if today <= schedule.reading_end:
        # S12.1-01: billing a group before its reading window closes would bill by average
        # properties whose readings are still coming.
        raise Conflict(
            f"A leitura do grupo {group.code} em {reference.label} termina em "
            f"{schedule.reading_end:%d/%m/%Y}: fature depois do fim da leitura.",
            field="reference",
            code="readings_not_closed",
        )
    if BillingRun.objects.filter(group=group, reference=reference.first_day()).exists():
        raise Conflict(
            f"O grupo {group.code} já tem faturamento de {reference.label}: use retomar, não um novo.",
            field="reference",
            code="run_exists",
        )
    ids = list(
        Property.objects.filter(billing_group=group, status=Property.Status.ACTIVE)
        .order_by("route_id", "route_sequence", "id")
        .values_list("id", flat=True)
    )
    with transaction.atomic():
        run = BillingRun.objects.create(
            group=group,
            reference=reference.first_day(),
            chunk_size=chunk_size,
            total_properties=len(ids),
            total_chunks=(len(ids) + chunk_size - 1) // chunk_size,
            created_by=actor.get_username(),
            status=RunStatus.PENDING if ids else RunStatus.DONE,
        )
        RunChunk.objects.bulk_create(
            RunChunk(run=run, number=n, property_ids=ids[i : i + chunk_size])
            for n, i in enumerate(range(0, len(ids), chunk_size), start=1)
        )
        audit_record(
            actor=actor,
            action="billing.run_create",
            target=run,
            after={"group": group.code, "reference": str(reference), "properties": len(ids)},
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from ..tasks import billing_run_chunk

    for chunk_id in (
        RunChunk.objects.filter(run_id=run_id)
        .exclude(status=RunChunk.Status.DONE)
        .values_list("id", flat=True)
    ):
        billing_run_chunk.delay(chunk_id)


def run_resume(*, actor: Actor, run: BillingRun, enqueue: bool = True) -> int:
    """Hand out again every chunk not done (a killed worker's chunk included). Safe while a worker still
    holds a chunk: the chunk is locked and re-checked before anything is written."""
    if run.status == RunStatus.RELEASED:
        raise Conflict("Faturamento já liberado.", code="run_released")
    with transaction.atomic():
        count = (
            RunChunk.objects.filter(run=run)
            .exclude(status=RunChunk.Status.DONE)
            .update(status=RunChunk.Status.PENDING)
        )
        audit_record(actor=actor, action="billing.run_resume", target=run, after={"chunks": count})
        if enqueue and count:
            transaction.on_commit(lambda: _enqueue(run.pk))
    return count


# A test hook: called with each chunk inside its transaction, before the chunk is marked done.
_chunk_hook: Callable[[RunChunk], None] | None = None


def chunk_process(*, chunk_id: int, stale_after: dt.timedelta = STALE_CLAIM) -> int:
    """Claim, price and write one chunk; the number of bills written (0 when another worker has it)."""
    now = timezone.now()
    claimed = (
        RunChunk.objects.filter(pk=chunk_id)
        .filter(
            Q(status=RunChunk.Status.PENDING)
            | Q(status=RunChunk.Status.RUNNING, claimed_at__lt=now - stale_after)
        )
        .update(status=RunChunk.Status.RUNNING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return 0
    with transaction.atomic():
        chunk = RunChunk.objects.select_for_update().select_related("run").get(pk=chunk_id)
        if chunk.status == RunChunk.Status.DONE:
            return 0
        run = chunk.run
        BillingRun.objects.filter(pk=run.pk, status=RunStatus.PENDING).update(status=RunStatus.RUNNING)
        ctx = _run_context(run)
        ids = [int(i) for i in chunk.property_ids]
        billed = set(
            Bill.objects.filter(property_id__in=_ids(ids), reference=run.reference)
            .exclude(status=BillStatus.CANCELLED)
            .values_list("property_id", flat=True)
        )
        todo = [pid for pid in ids if pid not in billed]
        data = _load(todo, ctx)
        priced: list[Priced] = []
        errors: list[RunError] = []
        for pid in todo:
            try:
                priced.append(price_property(ctx, data, pid))
            except DomainError as exc:
                errors.append(RunError(run=run, property_id=pid, code=exc.code, message=exc.message))
        write_bills(ctx, priced, run_id=run.pk, status=BillStatus.DRAFT)
        if run.errors_count or chunk.attempts > 1:
            RunError.objects.filter(run=run, property_id__in=_ids(todo)).delete()
        RunError.objects.bulk_create(errors)
        if _chunk_hook is not None:
            _chunk_hook(chunk)
        chunk.status = RunChunk.Status.DONE
        chunk.finished_at = timezone.now()
        chunk.save(update_fields=["status", "finished_at"])
        BillingRun.objects.filter(pk=run.pk).update(
            done_chunks=F("done_chunks") + 1,
            bills_count=F("bills_count") + len(priced),
            errors_count=F("errors_count") + len(errors),
            anomalies_count=F("anomalies_count") + sum(1 for p in priced if p.anomalies),
            total_amount=F("total_amount") + sum((p.total for p in priced), ZERO),
        )
        BillingRun.objects.filter(pk=run.pk, done_chunks=F("total_chunks")).exclude(
            status=RunStatus.RELEASED
        ).update(status=RunStatus.DONE, finished_at=timezone.now())
        audit_record(
            actor=RUN_ACTOR,
            action="billing.run_chunk",
            target=chunk,
            after={"run": run.pk, "bills": len(priced), "errors": len(errors)},
        )
    return len(priced)


def run_release(*, actor: Actor, run: BillingRun, reason: str = "") -> int:
    """The critique's formal validation (S14.4-03): the responsible person releases the run's draft
    bills, anomalies seen; until then no bill of the run is valid for anything."""
    with transaction.atomic():
        locked = BillingRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.DONE:
            raise Conflict(
                "O faturamento só pode ser liberado depois de calculado por inteiro (crítica concluída).",
                code="run_not_done",
            )
        count = Bill.objects.filter(run=locked, status=BillStatus.DRAFT).update(
            status=BillStatus.RELEASED, issued_at=timezone.now()
        )
        locked.status = RunStatus.RELEASED
        locked.released_by = actor.get_username()
        locked.released_at = timezone.now()
        locked.save(update_fields=["status", "released_by", "released_at"])
        audit_record(
            actor=actor,
            action="billing.run_release",
            target=locked,
            reason=reason,
            after={"bills": count, "anomalies": locked.anomalies_count},
        )
    return count
