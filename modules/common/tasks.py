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
