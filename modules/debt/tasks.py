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
