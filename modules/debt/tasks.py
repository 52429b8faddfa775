"""Debt's background jobs (tenant tasks, fanned out by beat through the per-tenant dispatcher)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from modules.common.audit import SystemActor
from modules.common.clock import tenant_today
from modules.common.models import JobRun
from modules.common.tenancy import TenantTask

from . import services

ENFORCE_TASK = "debt.agreements_enforce"


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.debt.tasks.agreements_enforce",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
)
def agreements_enforce(self: TenantTask) -> dict[str, object]:
    """Daily: cancel agreements whose down payment expired unpaid or with too many overdue
    installments. Idempotent: each cancellation is its own transaction on a live agreement only, so
    a redelivered or re-run message finds nothing left to cancel; the day's JobRun row keeps the
    union of what every run of that day cancelled."""
    today = tenant_today()  # the utility's date, read once
    cancelled = services.agreements_enforce(actor=SystemActor("debt.agreements_enforce"), today=today)
    with transaction.atomic():
        run, _ = JobRun.objects.select_for_update().get_or_create(
            task=ENFORCE_TASK, key=today.isoformat(), defaults={"detail": {"cancelled": []}}
        )
        done = sorted(set(run.detail.get("cancelled", [])) | set(cancelled))
        run.detail = {"cancelled": done}
        run.state = "done"
        run.finished_at = timezone.now()
        run.save(update_fields=["detail", "state", "finished_at"])
    return {"day": today.isoformat(), "cancelled": cancelled}


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.debt.tasks.bureau_run",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
)
def bureau_run(self: TenantTask) -> dict[str, object]:
    """Daily, and right after a listed debt is paid or negotiated: the credit bureau exchange
    (services_bureau.bureau_run). Idempotent: records move forward by conditional state, movements
    are sent with their idempotency key, and a return applied twice changes nothing."""
    from .services_bureau import bureau_run as run

    return run(actor=SystemActor("debt.bureau"), as_of=tenant_today())


LADDER_TASK = "debt.ladder_daily"


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.debt.tasks.ladder_daily",
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1740,
)
def ladder_daily(self: TenantTask) -> dict[str, object]:
    """Daily: the collection ladder's steps the policy in force names (`daily_steps`), in the
    ladder's order, each committing its day's selection. Idempotent: every step's run writes nothing
    more on a second run of the same day; the day's JobRun row keeps what each step wrote."""
    from .cutoff_policy import policy_in_force
    from .ladder import run

    today = tenant_today()
    actor = SystemActor(LADDER_TASK)
    written: dict[str, int] = {}
    for code in policy_in_force(today).daily_steps:
        written[code] = run(code, as_of=today, actor=actor).written
    with transaction.atomic():
        job, _ = JobRun.objects.select_for_update().get_or_create(
            task=LADDER_TASK, key=today.isoformat(), defaults={"detail": {}}
        )
        detail = dict(job.detail)
        for code, count in written.items():
            detail[code] = int(detail.get(code, 0)) + count
        job.detail, job.state, job.finished_at = detail, "done", timezone.now()
        job.save(update_fields=["detail", "state", "finished_at"])
    return {"day": today.isoformat(), "written": written}
