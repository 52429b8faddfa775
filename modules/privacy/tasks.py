"""Nightly fraud hunting per utility (S6.3)."""

from __future__ import annotations

from celery import shared_task

from modules.common.tenancy import TenantTask


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.privacy.tasks.fraud_hunt",
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1740,
)
def fraud_hunt(self: TenantTask) -> dict[str, int]:
    """Idempotent: each finding is keyed, so a redelivery adds nothing already found."""
    from modules.common.audit import SystemActor

    from .fraud import fraud_hunt_run

    result = fraud_hunt_run(actor=SystemActor("caca-fraude"))
    return {"repeated": result.repeated, "similar_names": result.similar_names, "conflicts": result.conflicts}
