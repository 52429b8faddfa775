"""The per-tenant periodic dispatcher and the heartbeat that proves it.

Beat runs in the public schema; `dispatch_to_tenants` fans a tenant task out to every active tenant,
each message carrying its schema. Later modules add beat entries that name their tenant task.
"""

from __future__ import annotations

from typing import Any

from celery import current_app, shared_task
from django.db import transaction
from django.utils import timezone

from .models import JobRun
from .tenancy import TenantTask, active_tenant_schemas


@shared_task(
    name="modules.common.tasks.dispatch_to_tenants", acks_late=True, time_limit=300, soft_time_limit=240
)
def dispatch_to_tenants(task_name: str, args: list[Any] | None = None) -> int:
    task = current_app.tasks[task_name]
    schemas = active_tenant_schemas()
    for schema in schemas:
        task.apply_async(args=args or [], schema_name=schema)
    return len(schemas)


@shared_task(
    name="modules.common.tasks.dispatch_heartbeat", acks_late=True, time_limit=300, soft_time_limit=240
)
def dispatch_heartbeat() -> int:
    return int(
        dispatch_to_tenants("modules.common.tasks.tenant_heartbeat", [timezone.now().strftime("%Y%m%d%H%M")])
    )


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.common.tasks.tenant_heartbeat",
    time_limit=60,
    soft_time_limit=50,
)
def tenant_heartbeat(self: TenantTask, slot: str) -> str:
    """Idempotent by slot: a redelivered message finds its row and does nothing."""
    with transaction.atomic():
        _run, created = JobRun.objects.get_or_create(
            task="heartbeat", key=slot, defaults={"state": "done", "finished_at": timezone.now()}
        )
    return "created" if created else "exists"


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.common.tasks.audit_chain_check",
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1740,
)
def audit_chain_check(self: TenantTask) -> dict[str, object]:
    """Nightly: recompute the utility's audit chain (ADR 0240) and log an error naming the first
    broken row, which the error tracker pages on. Only reads: a redelivery is harmless."""
    import logging

    from .audit_chain import audit_chain_verify

    report = audit_chain_verify()
    brk = report.first_break
    if brk is not None:
        logging.getLogger("modules.common.audit_chain").error(
            "audit chain broken at seq %s (entry %s): %s", brk.seq, brk.entry_id, brk.reason
        )
    return {"ok": report.ok, "checked": report.checked, "first_break": brk.entry_id if brk else None}


@shared_task(
    base=TenantTask,
    bind=True,
    name="modules.common.tasks.audit_retention_purge",
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1740,
)
def audit_retention_purge(self: TenantTask) -> dict[str, int]:
    """Nightly: audit rows past the utility's retention policy leave the chain (a prefix, anchored).
    Idempotent: a second run finds nothing older to purge."""
    from .audit_chain import audit_retention_purge as purge

    result = purge(now=timezone.now())
    return {"audit_rows": result.audit_rows, "legacy_rows": result.legacy_rows}
