"""The registry's background jobs (tenant tasks, fanned out by beat through the per-tenant dispatcher)."""

from __future__ import annotations

from celery import shared_task

from modules.common.audit import SystemActor
from modules.common.clock import tenant_today
from modules.common.tenancy import TenantTask

from .services.rental import rental_contracts_expire


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.registry.tasks.rental_contracts_expire",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
)
def rental_contracts_expire_task(self: TenantTask) -> dict[str, object]:
    """Daily: rental contracts past their end are ended and the owner answers for the unit again
    (seed 002 S10.15-03). Idempotent: a contract is ended only while in force, so a redelivery or a
    second run the same day ends nothing."""
    today = tenant_today()  # the utility's date, read once
    ended = rental_contracts_expire(actor=SystemActor("registry.rental_contracts_expire"), today=today)
    return {"day": today.isoformat(), "ended": ended}
