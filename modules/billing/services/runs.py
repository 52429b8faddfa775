"""Billing runs: one group and reference month, cut into chunks of properties, each chunk priced and
written (bills, items, critique anomalies) in one transaction with COPY.

Exactly once (ADR 0025): a chunk is claimed with a conditional update, then locked and re-checked
inside the transaction that writes its bills and marks it done. A worker killed half-way leaves the
transaction rolled back and the chunk `running` with an old claim; the periodic sweep (`runs_sweep`,
ADR 0115) hands it out again on its own, a bounded number of times, and `run_resume` after a person.
Properties that already have a bill alive for the month are skipped, and the database refuses a
second alive bill per property and month anyway. No task holds more than one chunk (about a second
of work), far from RabbitMQ's 30-minute acknowledgement limit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, DomainError, ValidationFailed
from modules.common.stuck import stuck_work_record
from modules.reading.models import ReadingSchedule
from modules.registry.models import BillingGroup, Property

from ..domain.pricing import PricedBill
from ..errors import ErrorCode
from ..hooks import bills_released
from ..legal import legal_locks_for
from ..models import Bill, BillingRun, BillStatus, RunChunk, RunError, RunStatus
from .critique import below_minimum_message, critique_apply, minimums, run_minimum_split
from .documents import run_is_latest_released
from .pricing import (
    RUN_ACTOR,
    ZERO,
    Context,
    context_for,
    id_array,
    load_facts,
    price_property,
    write_bills,
)

_CONTEXTS: dict[tuple[str, int], Context] = {}


# a bill with an anomaly nobody has accepted yet (one join row: the anomaly exists and is open)
OPEN_ANOMALY = Q(anomalies__isnull=False, anomalies__accepted_at__isnull=True)


def _run_context(run: BillingRun) -> Context:
    """A run's context, built once per worker process (tariff, holidays, FEBRABAN code, schedule)."""
    key = (connection.schema_name, run.pk)
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        if len(_CONTEXTS) > 32:
            _CONTEXTS.clear()
        ctx = _CONTEXTS[key] = context_for(
            YearMonth.of(run.reference), run.group_id, issued_on=run.issued_on or run.created_at.date()
        )
    return ctx


@transaction.atomic(durable=True)
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
        raise ValidationFailed(
            "O tamanho do lote deve ser ao menos 1.", field="chunk_size", code=ErrorCode.CHUNK_SIZE_INVALID
        )
    context_for(reference, group.pk)  # fail now, not in a worker: tariff in force, FEBRABAN code
    schedule = ReadingSchedule.objects.filter(group=group, reference=reference.first_day()).first()
    if schedule is None:
        raise ValidationFailed(
            f"Não há cronograma de leitura do grupo {group.code} para {reference.label}.",
            field="reference",
            code=ErrorCode.NO_SCHEDULE,
        )
    today = today or tenant_today()
    if today <= schedule.reading_end:
        # S12.1-01: billing a group before its reading window closes would bill by average
        # properties whose readings are still coming.
        raise Conflict(
            f"A leitura do grupo {group.code} em {reference.label} termina em "
            f"{schedule.reading_end:%d/%m/%Y}: fature depois do fim da leitura.",
            field="reference",
            code=ErrorCode.READINGS_NOT_CLOSED,
        )
    if BillingRun.objects.filter(group=group, reference=reference.first_day()).exists():
        raise Conflict(
            f"O grupo {group.code} já tem faturamento de {reference.label}: use retomar, não um novo.",
            field="reference",
            code=ErrorCode.RUN_EXISTS,
        )
    ids = list(
        Property.objects.filter(billing_group=group, status=Property.Status.ACTIVE)
        .order_by("route__sequence", "route__code", "route_sequence", "id")
        .values_list("id", flat=True)
    )
    run: BillingRun = BillingRun.objects.create(
        group=group,
        reference=reference.first_day(),
        chunk_size=chunk_size,
        total_properties=len(ids),
        total_chunks=(len(ids) + chunk_size - 1) // chunk_size,
        created_by=actor.get_username(),
        issued_on=today,
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


@transaction.atomic(durable=True)
def run_resume(*, actor: Actor, run: BillingRun, enqueue: bool = True) -> int:
    """Hand out again every chunk not done (a killed worker's chunk included). Safe while a worker still
    holds a chunk: the chunk is locked and re-checked before anything is written. A run the sweep gave
    up on (`failed`) runs again with its automatic attempts counted from zero: a person looked."""
    if run.status == RunStatus.RELEASED:
        raise Conflict("Faturamento já liberado.", code=ErrorCode.RUN_RELEASED)
    count: int = (
        RunChunk.objects.filter(run=run)
        .exclude(status=RunChunk.Status.DONE)
        .update(status=RunChunk.Status.PENDING, sweeps=0)
    )
    BillingRun.objects.filter(pk=run.pk, status=RunStatus.FAILED).update(
        status=RunStatus.RUNNING, attention=""
    )
    audit_record(
        actor=actor,
        action="billing.run_resume",
        target=run,
        before={"status": run.status, "attention": run.attention},
        after={"chunks": count},
    )
    if enqueue and count:
        transaction.on_commit(lambda: _enqueue(run.pk))
    return count


# A test hook: called with each chunk inside its transaction, before the chunk is marked done.
_chunk_hook: Callable[[RunChunk], None] | None = None


def chunk_stale_after() -> dt.timedelta:
    """How long a chunk's claim holds: past it, the worker is taken for dead (BILLING_CHUNK_STALE_SECONDS,
    far above the task's 6-minute hard limit, so a live worker's claim never looks stale)."""
    return dt.timedelta(seconds=int(settings.BILLING_CHUNK_STALE_SECONDS))


def chunk_process(*, chunk_id: int, stale_after: dt.timedelta | None = None) -> int:
    """Claim, price and write one chunk; the number of bills written (0 when another worker has it).
    The claim is its own statement, committed before the work (a dead worker's claim goes stale and
    the sweep hands the chunk out again); the work is one durable transaction (`_chunk_write`)."""
    now = timezone.now()
    stale_after = chunk_stale_after() if stale_after is None else stale_after
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
    try:
        written: int = _chunk_write(chunk_id)
    except Exception as exc:
        # The chunk stays claimed (the sweep hands it out again once the claim is stale); the reason
        # is kept so that a run the sweep gives up on says why. Never mask the original error.
        with contextlib.suppress(DatabaseError):
            RunChunk.objects.filter(pk=chunk_id, status=RunChunk.Status.RUNNING).update(
                last_error=f"{type(exc).__name__}: {exc}"[:500]
            )
        raise
    return written


@transaction.atomic(durable=True)
def _chunk_write(chunk_id: int) -> int:
    """Price and write one claimed chunk with its bills, errors and counters: the unit of work of a run
    (ADR 0025); locked and re-checked first, so a chunk is written once."""
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
    errors: list[RunError] = []
    unbilled = todo
    todo = _skip_blocked(run, unbilled, errors)
    data = load_facts(todo, ctx)
    priced: list[PricedBill] = []
    for pid in todo:
        try:
            priced.append(price_property(ctx, data, pid))
        except DomainError as exc:
            errors.append(RunError(run=run, property_id=pid, code=exc.code, message=exc.message))
    # the utility's critique rules and the run's minimum value (ADR 0226), on what the pricing answered
    priced = critique_apply(priced, data, run.reference)
    minimum = minimums().run_bill
    priced, below = run_minimum_split(priced, minimum)
    errors += [
        RunError(
            run=run,
            property_id=p.property_id,
            code=ErrorCode.BELOW_MINIMUM,
            message=below_minimum_message(p.total, minimum),
        )
        for p in below
    ]
    write_bills(ctx, priced, run_id=run.pk, status=BillStatus.DRAFT)
    delay = float(getattr(settings, "BILLING_CHUNK_TEST_DELAY_SECONDS", 0))
    if delay:  # test settings only: a chunk slow enough to kill its worker half-way (ADR 0115)
        time.sleep(delay * len(priced))
    if run.errors_count or chunk.attempts > 1:
        RunError.objects.filter(run=run, property_id__in=id_array(unbilled)).delete()
    RunError.objects.bulk_create(errors)
    if _chunk_hook is not None:
        _chunk_hook(chunk)
    chunk.status = RunChunk.Status.DONE
    chunk.finished_at = timezone.now()
    chunk.last_error = ""
    chunk.save(update_fields=["status", "finished_at", "last_error"])
    BillingRun.objects.filter(pk=run.pk).update(
        done_chunks=F("done_chunks") + 1,
        bills_count=F("bills_count") + len(priced),
        errors_count=F("errors_count") + len(errors),
        anomalies_count=F("anomalies_count") + sum(1 for p in priced if p.anomalies),
        total_amount=F("total_amount") + sum((p.total for p in priced), ZERO),
    )
    BillingRun.objects.filter(pk=run.pk, done_chunks=F("total_chunks")).exclude(
        status=RunStatus.RELEASED
    ).update(status=RunStatus.DONE, finished_at=timezone.now(), attention="")
    audit_record(
        actor=RUN_ACTOR,
        action="billing.run_chunk",
        target=chunk,
        after={"run": run.pk, "bills": len(priced), "errors": len(errors)},
    )
    return len(priced)


def _skip_blocked(run: BillingRun, property_ids: list[int], errors: list[RunError]) -> list[int]:
    """Leave out the properties with an "impede faturamento" exception in force on the run's issue
    day (TR S10.13-01): each is reported as the run reports any property it could not bill."""
    locks = legal_locks_for(property_ids, run.issued_on or tenant_today())
    todo = []
    for pid in property_ids:
        if locks[pid].no_billing:
            errors.append(
                RunError(
                    run=run,
                    property_id=pid,
                    code=ErrorCode.BILLING_BLOCKED,
                    message="Exceção “Impede faturamento” vigente: imóvel não faturado.",
                )
            )
        else:
            todo.append(pid)
    return todo


@transaction.atomic(durable=True)
def run_release(*, actor: Actor, run: BillingRun, reason: str = "", render_pdfs: bool = True) -> int:
    """The critique's formal validation (S14.4-03): the responsible person releases the run's draft
    bills, anomalies seen; until then no bill of the run is valid for anything. Once committed, the
    bills' PDFs are rendered in the background (tasks.billing_render_pdfs) when this is its group's
    latest released month; a run released after a later one renders on demand."""
    locked = BillingRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != RunStatus.DONE:
        raise Conflict(
            "O faturamento só pode ser liberado depois de calculado por inteiro (crítica concluída).",
            code=ErrorCode.RUN_NOT_DONE,
        )
    drafts = Bill.objects.filter(run=locked, status=BillStatus.DRAFT)
    held = drafts.filter(OPEN_ANOMALY).values("pk")
    count: int = drafts.exclude(pk__in=held).update(status=BillStatus.RELEASED, issued_at=timezone.now())
    locked.status = RunStatus.RELEASED
    locked.released_by = actor.get_username()
    locked.released_at = timezone.now()
    locked.save(update_fields=["status", "released_by", "released_at"])
    audit_record(
        actor=actor,
        action="billing.run_release",
        target=locked,
        reason=reason,
        after={"bills": count, "held": held_in_critique(locked), "anomalies": locked.anomalies_count},
    )
    if render_pdfs and count and run_is_latest_released(locked.pk):
        transaction.on_commit(lambda: _enqueue_pdfs(locked.pk))
    if count:  # the citizens' notices of the issued bills (billing/hooks.py, issue 23)
        transaction.on_commit(partial(bills_released, locked.pk))
    return count


def held_in_critique(run: BillingRun) -> int:
    """Draft bills of `run` that an open anomaly keeps from being issued."""
    held: int = (
        Bill.objects.filter(OPEN_ANOMALY, run=run, status=BillStatus.DRAFT).values("pk").distinct().count()
    )
    return held


def _enqueue_pdfs(run_id: int) -> None:
    from ..tasks import billing_render_pdfs

    billing_render_pdfs.delay(run_id, 0)


STUCK_KIND = "billing_runs"


@dataclass(frozen=True)
class SweepResult:
    handed_out: list[int] = field(default_factory=list)  # chunk ids enqueued again
    failed: list[int] = field(default_factory=list)  # runs given up on by this sweep
    stuck: list[dict[str, Any]] = field(default_factory=list)  # what /readyz and the console show


def runs_sweep(*, enqueue: bool = True) -> SweepResult:
    """Find the tenant's runs that stopped moving and hand their chunks out again, without a person.

    A chunk claimed longer than BILLING_CHUNK_STALE_SECONDS ago and not done lost its worker (killed,
    out of memory, its node gone: the transaction rolled back and the redelivered message, if any,
    found the claim still fresh). A pending chunk of a run with no activity for as long lost its
    message. Each goes back to `pending` and to the queue, at most BILLING_CHUNK_MAX_SWEEPS times;
    then the run is marked `failed` with the reason and waits for "Retomar". Exactly once still
    holds: the chunk is locked and re-checked before anything is written (ADR 0025).

    Writes the tenant's stuck runs (no progress for the timeout, or failed) to the public summary."""
    now = timezone.now()
    cutoff = now - chunk_stale_after()
    max_sweeps = int(settings.BILLING_CHUNK_MAX_SWEEPS)
    handed_out: list[int] = []
    failed: list[int] = []
    stuck: list[dict[str, Any]] = []
    active = (
        BillingRun.objects.filter(status__in=[RunStatus.PENDING, RunStatus.RUNNING, RunStatus.FAILED])
        .select_related("group")
        .annotate(
            last_claim=Max("chunks__claimed_at"),
            last_finish=Max("chunks__finished_at"),
            last_hand_out=Max("chunks__handed_out_at"),
        )
        .order_by("pk")
    )
    for run in active:
        moments = (run.created_at, run.last_claim, run.last_finish, run.last_hand_out)
        last_activity = max(t for t in moments if t is not None)
        if run.status == RunStatus.FAILED:
            stuck.append(_stuck_item(run, last_activity, run.attention, RunStatus.FAILED))
            continue
        if last_activity >= cutoff and not _stale_claims(run, cutoff).exists():
            continue
        chunks = list(_stale_claims(run, cutoff)) if last_activity >= cutoff else list(_idle_chunks(run))
        exhausted = [c for c in chunks if c.sweeps >= max_sweeps]
        if exhausted:
            reason = _give_up_reason(exhausted, max_sweeps)
            if _run_fail(run, reason):
                failed.append(run.pk)
            stuck.append(_stuck_item(run, last_activity, reason, RunStatus.FAILED))
            continue
        ids = _hand_out(run, chunks, cutoff, enqueue=enqueue)
        handed_out.extend(ids)
        if last_activity < cutoff:
            reason = f"Sem progresso; {len(ids)} lote(s) reenviado(s) automaticamente."
            stuck.append(_stuck_item(run, last_activity, reason, run.status))
    stuck_work_record(schema_name=connection.schema_name, kind=STUCK_KIND, items=stuck)
    return SweepResult(handed_out=handed_out, failed=failed, stuck=stuck)


def _stale_claims(run: BillingRun, cutoff: dt.datetime) -> Any:
    return RunChunk.objects.filter(run=run, status=RunChunk.Status.RUNNING, claimed_at__lt=cutoff)


def _idle_chunks(run: BillingRun) -> Any:
    """Every chunk not done of a run idle for the whole timeout: stale claims and lost messages."""
    return RunChunk.objects.filter(run=run).exclude(status=RunChunk.Status.DONE)


@transaction.atomic(durable=True)
def _hand_out(run: BillingRun, chunks: list[RunChunk], cutoff: dt.datetime, *, enqueue: bool) -> list[int]:
    """Put the chunks back to `pending` (conditionally: a chunk that finished or was claimed again
    since it was read is left alone) and enqueue them once committed. The hand-out counts as the
    run's activity: sweeps delivered in a burst after a backlog re-send a chunk once, not each."""
    now = timezone.now()
    ids: list[int] = []
    for chunk in chunks:
        still = RunChunk.objects.filter(pk=chunk.pk).filter(
            Q(status=RunChunk.Status.PENDING) | Q(status=RunChunk.Status.RUNNING, claimed_at__lt=cutoff)
        )
        if still.update(status=RunChunk.Status.PENDING, sweeps=F("sweeps") + 1, handed_out_at=now):
            ids.append(chunk.pk)
    if ids:
        audit_record(
            actor=RUN_ACTOR,
            action="billing.run_sweep",
            target=run,
            after={"chunks": sorted(c.number for c in chunks if c.pk in ids)},
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue_chunks(ids))
    return ids


def _enqueue_chunks(chunk_ids: list[int]) -> None:
    from ..tasks import billing_run_chunk

    for chunk_id in chunk_ids:
        billing_run_chunk.delay(chunk_id)


def _give_up_reason(exhausted: list[RunChunk], max_sweeps: int) -> str:
    first = min(exhausted, key=lambda c: c.number)
    why = (
        f"Último erro: {first.last_error}."
        if first.last_error
        else "Nenhum erro registrado: o processo que o executava foi interrompido."
    )
    return (
        f"Lote {first.number} não concluiu após {max_sweeps} reenvio(s) automático(s) e "
        f"{first.attempts} tentativa(s). {why} Corrija a causa e use Retomar."
    )[:1000]


@transaction.atomic(durable=True)
def _run_fail(run: BillingRun, reason: str) -> bool:
    changed = BillingRun.objects.filter(pk=run.pk, status__in=[RunStatus.PENDING, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED, attention=reason
    )
    if changed:
        audit_record(
            actor=RUN_ACTOR,
            action="billing.run_fail",
            target=run,
            before={"status": run.status},
            after={"status": RunStatus.FAILED},
            reason=reason,
        )
    return bool(changed)


def _stuck_item(run: BillingRun, since: dt.datetime, reason: str, status: str) -> dict[str, Any]:
    return {
        "run": run.pk,
        "group": run.group.code,
        "reference": f"{run.reference:%m/%Y}",
        "status": str(status),
        "since": since.isoformat(),
        "reason": reason,
    }
