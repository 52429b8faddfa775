"""The notices' jobs: thin, idempotent, tenant-aware (ADR 0207)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from modules.common.tenancy import TenantTask

from .providers import ProviderFailed


@shared_task(
    base=TenantTask,
    bind=True,
    name="notifications.bills_released",
    acks_late=True,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def notifications_bills_released(self: Any, run_id: int) -> int:
    """The `bill_issued` notices of a released run; a repeat creates and sends nothing new."""
    from .dispatch import run_bills_notify

    return run_bills_notify(run_id)


@shared_task(
    base=TenantTask,
    bind=True,
    name="notifications.deliver",
    acks_late=True,
    autoretry_for=(ProviderFailed,),  # a provider down; a bug is not retried
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=60,
    time_limit=90,
)
def notifications_deliver(self: Any, delivery_id: int) -> str:
    """Send one notice, if still pending (a redelivered message finds it taken and sends nothing)."""
    from .dispatch import delivery_send

    return delivery_send(delivery_id)


@shared_task(
    base=TenantTask,
    bind=True,
    name="notifications.scan",
    acks_late=True,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def notifications_scan(self: Any) -> int:
    """The beat's pass over one tenant's recent facts (payments, protocol steps, due dates,
    interruptions, releases): the new notices."""
    from .dispatch import scan

    return scan()
