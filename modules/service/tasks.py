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
    name="modules.service.tasks.inventory_send",
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
    max_retries=8,
)
def inventory_send(self: TenantTask, order_id: int) -> str:
    """An opening's forecast material to the inventory (3.2.11.10). Idempotent: a sent request is not
    sent again, and the provider replays a repeated key; an unavailable inventory is retried with
    backoff (30 s, 60 s, … up to 1 h)."""
    from . import inventory
    from .services.opening import inventory_request_send

    try:
        return inventory_request_send(order_id=order_id)
    except inventory.InventoryUnavailable as exc:
        raise self.retry(exc=exc, countdown=min(3600, 30 * 2**self.request.retries)) from exc
    except inventory.InventoryRefused:
        return "refused"


MEASUREMENT_TASK = "service.measurements_monthly"


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.service.tasks.measurements_monthly",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
)
def measurements_monthly(self: TenantTask) -> dict[str, object]:
    """On the 1st: the previous month's measurement (medição) of every contract in force then
    (3.2.11.26.4). Re-running it recomputes the same rows (one per contract and month)."""
    from modules.common.audit import SystemActor
    from modules.common.domain.dates import YearMonth

    from .services import contractors

    today = tenant_today()
    month = YearMonth.of(today).previous()
    actor = SystemActor("service.measurements")
    done = []
    for contract_id in contractors.measurements_due(today):
        contractors.measurement_compute(actor=actor, contract_id=contract_id, month=month)
        done.append(contract_id)
    return {"month": str(month), "contracts": done}


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


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.service.tasks.loss_inspections_open",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
)
def loss_inspections_open(self: TenantTask) -> dict[str, object]:
    """Nightly (seed 001 3.2.7.22.3, ADR 0228): an inspection order for each unit cut longer than the
    utility's days. Idempotent: a unit already inspected since its cut opens nothing again."""
    from modules.common.audit import SystemActor

    from .services.losses import long_cut_inspections_open

    today = tenant_today()
    orders = long_cut_inspections_open(actor=SystemActor("service.loss_inspections_open"), today=today)
    return {"day": today.isoformat(), "opened": [o.pk for o in orders]}
