from __future__ import annotations

from celery import shared_task

from .healing import provisioning_sweep
from .provisioning import tenant_provision


@shared_task(name="tenants.provision", acks_late=True, time_limit=15 * 60, soft_time_limit=14 * 60)
def provision_tenant_task(tenant_id: int) -> str:
    """Runs in the public schema: provisioning creates the tenant's schema itself."""
    try:
        return str(tenant_provision(tenant_id=tenant_id).provisioning_state)
    except Exception:
        return "failed"


@shared_task(name="tenants.provisioning_sweep", acks_late=True, time_limit=120, soft_time_limit=100)
def provisioning_sweep_task() -> list[str]:
    """Beat, public schema: provision again every tenant stuck past PROVISIONING_STUCK_SECONDS."""
    return provisioning_sweep()
