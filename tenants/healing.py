"""Provisioning that heals itself: a tenant left in a non-final state (a killed worker, a lost
message, a step that failed) longer than PROVISIONING_STUCK_SECONDS is provisioned again by a beat
sweep, at most PROVISIONING_MAX_ATTEMPTS attempts in all; past that it waits for a person.

Every step of tenants.provisioning is idempotent and guarded by an advisory lock, so a retry that
races a slow first run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from modules.common.audit import SystemActor, audit_record

from .models import ProvisioningState, Tenant

logger = logging.getLogger(__name__)

SWEEP_ACTOR = SystemActor("provisioning_sweep")


def stuck_after() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "PROVISIONING_STUCK_SECONDS", 300)))


def max_attempts() -> int:
    return int(getattr(settings, "PROVISIONING_MAX_ATTEMPTS", 5))


@dataclass(frozen=True)
class HealthOfProvisioning:
    """What the console shows about a tenant's provisioning, and whether a retry makes sense now."""

    running: bool  # not final and moved recently: a worker is (or may be) on it
    stuck: bool  # not final and still for longer than the configured time
    failed: bool
    attempts: int
    max_attempts: int
    exhausted: bool  # no more automatic retries
    last_retry_at: dt.datetime | None
    stuck_since: dt.datetime | None

    @property
    def retry_allowed(self) -> bool:
        return self.failed or self.stuck


def provisioning_health(tenant: Tenant, now: dt.datetime | None = None) -> HealthOfProvisioning:
    now = now or timezone.now()
    final = tenant.provisioning_state == ProvisioningState.ACTIVE
    failed = tenant.provisioning_state == ProvisioningState.FAILED
    still = (
        not final and not failed and tenant.updated_at is not None and tenant.updated_at < now - stuck_after()
    )
    return HealthOfProvisioning(
        running=not final and not failed and not still,
        stuck=still,
        failed=failed,
        attempts=tenant.provisioning_attempts,
        max_attempts=max_attempts(),
        exhausted=not final and tenant.provisioning_attempts >= max_attempts(),
        last_retry_at=tenant.provisioning_retried_at,
        stuck_since=tenant.updated_at if still else None,
    )


def _reason(tenant: Tenant) -> str:
    if tenant.provisioning_state == ProvisioningState.FAILED:
        step = tenant.provisioning_resume_from or ProvisioningState.REQUESTED
        return f"falhou em '{step}': {tenant.provisioning_error}"[:500]
    return f"parada em '{tenant.provisioning_state}' desde {tenant.updated_at:%d/%m/%Y %H:%M} UTC"


def provisioning_sweep(*, now: dt.datetime | None = None) -> list[str]:
    """Claim every tenant stuck past the configured time with attempts left, record why, and enqueue
    its provisioning. Returns the schemas retried. The claim is a conditional update on updated_at,
    so two sweeps at once retry a tenant once."""
    from .tasks import provision_tenant_task

    now = now or timezone.now()
    candidates = (
        Tenant.objects.exclude(schema_name="public")
        .exclude(provisioning_state=ProvisioningState.ACTIVE)
        .filter(updated_at__lt=now - stuck_after(), provisioning_attempts__lt=max_attempts())
        .order_by("updated_at")
    )
    retried: list[str] = []
    for tenant in candidates:
        with transaction.atomic(durable=True):
            claimed = Tenant.objects.filter(pk=tenant.pk, updated_at=tenant.updated_at).update(
                provisioning_retried_at=now, updated_at=now
            )
            if not claimed:
                continue
            audit_record(
                actor=SWEEP_ACTOR,
                action="tenant.provision_retry",
                target=tenant,
                after={"state": tenant.provisioning_state, "attempt": tenant.provisioning_attempts + 1},
                reason=_reason(tenant),
            )
            tenant_id = tenant.pk
            transaction.on_commit(lambda tenant_id=tenant_id: provision_tenant_task.delay(tenant_id))
        logger.warning("provisioning of %s retried automatically: %s", tenant.schema_name, _reason(tenant))
        retried.append(tenant.schema_name)
    return retried
