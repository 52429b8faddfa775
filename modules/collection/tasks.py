"""Collection's background jobs (tenant tasks, fanned out by beat through the per-tenant dispatcher)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from modules.common.tenancy import TenantTask

from .card_checkout import card_checkouts_expire as expire


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.collection.tasks.card_checkouts_expire",
    acks_late=True,
    time_limit=600,
    soft_time_limit=540,
)
def card_checkouts_expire(self: TenantTask) -> dict[str, object]:
    """Every few minutes: card checkouts past their deadline are asked about once more and, ended
    unpaid, released (their bills leave *em revisão*). Idempotent: only pending rows are looked at,
    so a redelivered or re-run message finds nothing left to change."""
    now = timezone.now()
    return {"at": now.isoformat(), "changed": expire(now=now)}


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.collection.tasks.closings_run",
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1740,
)
def closings_run(self: TenantTask) -> dict[str, object]:
    """Every few minutes: the monthly closings staff scheduled whose time has come (ADR 0237).
    Idempotent: a closed month is never closed again."""
    from .closing import closings_due

    return {"closed": closings_due()}


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.collection.tasks.bank_inbox_poll",
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1740,
)
def bank_inbox_poll(self: TenantTask) -> dict[str, object]:
    """Every BANK_INBOX_POLL_SECONDS: the agents' inbox folders (ADR 0238). Idempotent: a file is moved
    once handled, and a file dropped again is refused as already imported."""
    from .inbox import inbox_poll

    return {"files": inbox_poll()}
