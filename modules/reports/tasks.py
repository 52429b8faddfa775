"""The reports' background job: one run, on the batch queue (saas/queues.py)."""

from __future__ import annotations

from celery import shared_task

from modules.common.tenancy import TenantTask


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.reports.tasks.report_run",
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1740,
)
def report_run(self: TenantTask, run_id: int) -> dict[str, object]:
    """Idempotent: a run already done or failed is left as it is."""
    from .services import report_run_execute

    run = report_run_execute(run_id=run_id)
    return {"run": run.pk, "status": run.status}
