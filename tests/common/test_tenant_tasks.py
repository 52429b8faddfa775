"""Background jobs carry their tenant; a tenant task with no tenant refuses to run, loudly."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import connection

from modules.common.models import JobRun
from modules.common.tasks import dispatch_to_tenants, tenant_heartbeat
from modules.common.tenancy import SCHEMA_HEADER, TenantContextError, tenant_context


def test_a_tenant_task_without_a_tenant_refuses_to_run(public_schema, caplog) -> None:
    with pytest.raises(TenantContextError, match="exige um cliente"):
        tenant_heartbeat.apply(args=["slot"], throw=True)
    assert "refused: no tenant" in caplog.text


def test_a_tenant_task_told_to_run_in_public_refuses(public_schema) -> None:
    with pytest.raises(TenantContextError):
        tenant_heartbeat.apply(args=["slot"], headers={SCHEMA_HEADER: "public"}, throw=True)


def test_a_tenant_task_runs_inside_the_schema_its_message_names(public_schema) -> None:
    result = tenant_heartbeat.apply(args=["2026112201"], headers={SCHEMA_HEADER: "alpha"}, throw=True)
    assert result.get() == "created"
    assert connection.schema_name == "public"  # restored after the task
    with tenant_context("alpha"):
        assert JobRun.objects.filter(task="heartbeat", key="2026112201").count() == 1
    with tenant_context("beta"):
        assert not JobRun.objects.filter(task="heartbeat", key="2026112201").exists()


def test_a_redelivered_tenant_task_changes_nothing(public_schema) -> None:
    for expected in ("created", "exists", "exists"):
        assert (
            tenant_heartbeat.apply(args=["slot-x"], headers={SCHEMA_HEADER: "beta"}, throw=True).get()
            == expected
        )
    with tenant_context("beta"):
        assert JobRun.objects.filter(key="slot-x").count() == 1


def test_dispatcher_fans_out_through_rabbitmq_to_every_active_tenant(
    django_db_setup, live_worker, django_db_blocker
) -> None:
    slot = f"it-{uuid.uuid4().hex[:12]}"
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        dispatch_to_tenants.delay("modules.common.tasks.tenant_heartbeat", [slot])
        found: dict[str, int] = {}
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                for schema in ("alpha", "beta"):
                    with tenant_context(schema):
                        found[schema] = JobRun.objects.filter(task="heartbeat", key=slot).count()
                if found.get("alpha") and found.get("beta"):
                    break
                time.sleep(0.2)
            assert found == {"alpha": 1, "beta": 1}
        finally:
            for schema in ("alpha", "beta"):
                with tenant_context(schema):
                    JobRun.objects.filter(task="heartbeat", key=slot).delete()
