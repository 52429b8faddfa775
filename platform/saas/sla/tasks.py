"""Periodic probes of every active utility, run in the public schema (they write vendor data).

Beat starts `probe_tenants` every minute; it fans out one `probe_tenant` per active utility with the
minute's slot, so a redelivered message records nothing twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from modules.common.tenancy import active_tenant_schemas
from saas import metrics

from . import services
from .probes import http_probe


# Both limits, always: with only `time_limit` the task inherits the global soft limit (20 min), above
# its hard one, and Celery's apply_async raises ValueError ("soft_time_limit must be less than or
# equal to time_limit"), so beat could never send a probe.
@shared_task(name="saas.sla.tasks.probe_tenants", acks_late=True, time_limit=120, soft_time_limit=100)
def probe_tenants(slot: str | None = None) -> int:
    slot = slot or probe_slot(timezone.now(), settings.SLA_PROBE_INTERVAL_SECONDS)
    schemas = active_tenant_schemas()  # a tenant still provisioning has no host to probe yet
    for schema in schemas:
        probe_tenant.delay(schema, slot)
    return len(schemas)


@shared_task(name="saas.sla.tasks.probe_tenant", acks_late=True, time_limit=60, soft_time_limit=50)
def probe_tenant(schema: str, slot: str = "", base_url: str | None = None) -> bool:
    return probe_once(schema=schema, slot=slot, base_url=base_url)


def probe_slot(at: dt.datetime, interval_seconds: int) -> str:
    """The beat slot `at` falls in: the minute (YYYYmmddHHMM) for intervals of a minute or more, as
    production runs; with seconds for a shorter interval (tests), so each tick is its own slot."""
    interval = max(1, interval_seconds)
    start = dt.datetime.fromtimestamp(int(at.timestamp()) // interval * interval, tz=dt.UTC)
    return start.strftime("%Y%m%d%H%M" if interval % 60 == 0 else "%Y%m%d%H%M%S")


def probe_once(*, schema: str, slot: str = "", base_url: str | None = None, session: object = None) -> bool:
    tenant = services.tenant_by_schema(schema)
    at = timezone.now()
    outcome = http_probe(
        base_url=base_url or settings.SLA_PROBE_BASE_URL,
        host=tenant.primary_domain,
        timeout=settings.SLA_PROBE_TIMEOUT_SECONDS,
        session=session,
    )
    services.probe_record(
        tenant_schema=schema,
        at=at,
        ok=outcome.ok,
        status_code=outcome.status_code,
        latency_ms=outcome.latency_ms,
        error=outcome.error,
        slot=slot,
    )
    metrics.PROBE_SUCCESS.labels(tenant=schema).set(1 if outcome.ok else 0)
    return outcome.ok
