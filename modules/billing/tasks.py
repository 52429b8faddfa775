"""Billing jobs: thin, idempotent, tenant-aware; one chunk of a run per task."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from modules.common.tenancy import TenantTask


@shared_task(
    base=TenantTask,
    bind=True,
    name="billing.run_chunk",
    acks_late=True,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def billing_run_chunk(self: Any, chunk_id: int) -> int:
    from .services.runs import chunk_process

    return chunk_process(chunk_id=chunk_id)


@shared_task(
    base=TenantTask,
    bind=True,
    name="billing.runs_sweep",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def billing_runs_sweep(self: Any) -> int:
    """The beat's sweep of one tenant (ADR 0115): chunks whose worker died go back to the queue, runs
    out of automatic attempts are marked failed, and the tenant's stuck runs are summarised in the
    public schema. Idempotent: a second sweep finds the claims fresh and hands nothing out twice."""
    from .services.runs import runs_sweep

    return len(runs_sweep().handed_out)


PDF_BATCH = 200


@shared_task(
    base=TenantTask,
    bind=True,
    name="billing.render_pdfs",
    acks_late=True,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def billing_render_pdfs(self: Any, run_id: int, after_id: int = 0) -> int:
    """Render the PDFs of a released run's bills ahead of the citizens' first download, PDF_BATCH
    bills per task, each task handing the next batch on: one run never holds more than one worker,
    so interactive jobs interleave. Idempotent: a stored PDF is skipped, so a redelivered or repeated
    task renders nothing twice."""
    from .services.documents import run_pdfs_render_batch

    rendered, last_id = run_pdfs_render_batch(run_id=run_id, after_id=after_id, limit=PDF_BATCH)
    if last_id is not None:
        billing_render_pdfs.delay(run_id, last_id)
    return rendered
