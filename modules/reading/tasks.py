"""Reading's background jobs (tenant tasks, fanned out by beat through the per-tenant dispatcher)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from modules.common.tenancy import TenantTask


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.reading.tasks.device_positions_prune",
    acks_late=True,
    time_limit=600,
    soft_time_limit=540,
)
def device_positions_prune(self: TenantTask) -> dict[str, object]:
    """Nightly: the readers' device positions older than the retention days are deleted (LGPD).
    Idempotent: a second run finds nothing older to delete."""
    from modules.common.audit import SystemActor

    from .services.batches import positions_prune

    deleted = positions_prune(actor=SystemActor("sistema:reading.field"), now=timezone.now())
    return {"deleted": deleted}
