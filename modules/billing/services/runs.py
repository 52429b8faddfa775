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
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, DomainError, ValidationFailed
from modules.reading.models import ReadingSchedule
from modules.registry.models import BillingGroup, Property
from modules.registry.services import tenant_today

from ..models import Bill, BillingRun, BillStatus, RunChunk, RunError, RunStatus
from .documents import run_is_latest_released
from .pricing import (
    RUN_ACTOR,
    STALE_CLAIM,
    ZERO,
    Context,
    Priced,
    context_for,
    id_array,
    load_facts,
    price_property,
    write_bills,
)

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
            Bill.objects.filter(property_id__in=id_array(ids), reference=run.reference)
            .exclude(status=BillStatus.CANCELLED)
            .values_list("property_id", flat=True)
        )
        todo = [pid for pid in ids if pid not in billed]
        data = load_facts(todo, ctx)
        priced: list[Priced] = []
        errors: list[RunError] = []
        for pid in todo:
            try:
                priced.append(price_property(ctx, data, pid))
            except DomainError as exc:
                errors.append(RunError(run=run, property_id=pid, code=exc.code, message=exc.message))
        write_bills(ctx, priced, run_id=run.pk, status=BillStatus.DRAFT)
        if run.errors_count or chunk.attempts > 1:
            RunError.objects.filter(run=run, property_id__in=id_array(todo)).delete()
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


def run_release(*, actor: Actor, run: BillingRun, reason: str = "", render_pdfs: bool = True) -> int:
    """The critique's formal validation (S14.4-03): the responsible person releases the run's draft
    bills, anomalies seen; until then no bill of the run is valid for anything. Once committed, the
    bills' PDFs are rendered in the background (tasks.billing_render_pdfs) when this is its group's
    latest released month; a run released after a later one renders on demand."""
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
        if render_pdfs and count and run_is_latest_released(locked.pk):
            transaction.on_commit(lambda: _enqueue_pdfs(locked.pk))
    return count


def _enqueue_pdfs(run_id: int) -> None:
    from ..tasks import billing_render_pdfs

    billing_render_pdfs.delay(run_id, 0)
