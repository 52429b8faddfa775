"""Service's background jobs (tenant tasks, fanned out by beat through the per-tenant dispatcher)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from modules.common.clock import tenant_today
from modules.common.models import JobRun
from modules.common.tenancy import TenantTask

from .services import automatic

EXPIRING_TASK = "service.meters_expiring_open"


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.service.tasks.meters_expiring_open",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
)
def meters_expiring_open(self: TenantTask) -> dict[str, object]:
    """Nightly: an order for each installed meter whose calibration expires within the metering
    policy's alert days (when a rule names the event). Idempotent: each meter and calibration opens
    once (the source key), so a redelivered or re-run message opens nothing more; the day's JobRun
    row keeps the union of what every run of that day opened."""
    today = tenant_today()
    opened = automatic.expiring_open(today=today)
    with transaction.atomic():
        run, _ = JobRun.objects.select_for_update().get_or_create(
            task=EXPIRING_TASK, key=today.isoformat(), defaults={"detail": {"opened": []}}
        )
        run.detail = {"opened": sorted(set(run.detail.get("opened", [])) | set(opened))}
        run.state = "done"
        run.finished_at = timezone.now()
        run.save(update_fields=["detail", "state", "finished_at"])
    return {"day": today.isoformat(), "opened": opened}


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.service.tasks.field_positions_prune",
    acks_late=True,
    time_limit=600,
    soft_time_limit=540,
)
def field_positions_prune(self: TenantTask) -> dict[str, object]:
    """Nightly: the field positions older than the utility's retention days are deleted (LGPD).
    Idempotent: a second run finds nothing older to delete."""
    from modules.common.audit import SystemActor

    from .services.field import positions_prune

    deleted = positions_prune(actor=SystemActor("sistema:service.field"), now=timezone.now())
    return {"deleted": deleted}
