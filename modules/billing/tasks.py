"""Billing jobs: thin, idempotent, tenant-aware; one chunk of a run per task."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from modules.common.tenancy import TenantTask


@shared_task(
    base=TenantTask,
    bind=True,
    name="billing.run_chunk",
    acks_late=True,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def billing_run_chunk(self: Any, chunk_id: int) -> int:
    from .services.runs import chunk_process

    return chunk_process(chunk_id=chunk_id)
