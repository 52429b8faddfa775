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
    name="modules.service.tasks.sewer_letters_sweep",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
)
def sewer_letters_sweep(self: TenantTask) -> dict[str, int]:
    """Nightly: sewer release letters fulfilled or, past the deadline, fined (3.2.11.32). Idempotent:
    a letter leaves the open status when swept, so a re-run charges nothing twice."""
    from modules.common.audit import SystemActor

    from .services.units_letters import sewer_letters_sweep as sweep

    return sweep(actor=SystemActor("cartas de liberação de esgoto"))
