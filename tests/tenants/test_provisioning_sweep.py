"""A tenant stuck in a non-final provisioning state is retried by the beat sweep, a bounded number
of times, and the console shows why; no retry is offered while provisioning still runs."""

from __future__ import annotations

import datetime as dt
import time
import uuid

from django.db import connection
from django.utils import timezone

from modules.common.audit import SystemActor
from modules.common.models import AuditEntry
from tenants import provisioning
from tenants.healing import provisioning_sweep
from tenants.models import ProvisioningState, Tenant
from tenants.tasks import provision_tenant_task, provisioning_sweep_task
from tests.conftest import bearer, drop_tenant, host_client, make_user

ACTOR = SystemActor("tests")


def _requested(schema: str, *, minutes_ago: int, **fields: object) -> Tenant:
    tenant = provisioning.tenant_request(
        actor=ACTOR,
        enqueue=False,
        request=provisioning.TenantRequest(schema, f"SAAE {schema}", f"{schema}.localhost"),
    )
    Tenant.objects.filter(pk=tenant.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=minutes_ago), **fields
    )
    tenant.refresh_from_db()
    return tenant


def test_a_stuck_tenant_is_retried_with_the_reason_and_ends_active(
    public_schema, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PROVISIONING_STUCK_SECONDS = 300
    stuck = _requested("parada", minutes_ago=6)
    _requested("recente", minutes_ago=1)  # still within the time a worker may take: left alone

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert provisioning_sweep() == ["parada"]
    assert len(enqueued) == 1
    stuck.refresh_from_db()
    assert stuck.provisioning_retried_at is not None
    entry = AuditEntry.objects.get(action="tenant.provision_retry", object_id=str(stuck.pk))
    assert entry.actor == "sistema:provisioning_sweep"
    assert entry.reason.startswith("parada em 'requested' desde ")
    assert entry.after == {"state": "requested", "attempt": 1}
    # claimed: a second sweep at once retries nothing
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert provisioning_sweep() == []
    assert again == []

    assert provision_tenant_task(stuck.pk) == "active"  # what the enqueued message runs
    stuck.refresh_from_db()
    assert (stuck.provisioning_state, stuck.provisioning_attempts) == ("active", 1)


def test_a_failed_tenant_is_retried_until_the_attempts_run_out(
    public_schema, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PROVISIONING_MAX_ATTEMPTS = 3
    failed = _requested(
        "falhada",
        minutes_ago=10,
        provisioning_state=ProvisioningState.FAILED,
        provisioning_resume_from=ProvisioningState.SCHEMA_CREATED,
        provisioning_error="OperationalError: disco cheio",
        provisioning_attempts=2,
    )
    _requested(
        "esgotada", minutes_ago=10, provisioning_state=ProvisioningState.FAILED, provisioning_attempts=3
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert provisioning_sweep() == ["falhada"]
    entry = AuditEntry.objects.get(action="tenant.provision_retry", object_id=str(failed.pk))
    assert entry.reason == "falhou em 'schema_created': OperationalError: disco cheio"
    assert not AuditEntry.objects.filter(
        action="tenant.provision_retry", object_id=str(Tenant.objects.get(schema_name="esgotada").pk)
    ).exists()


def _console(ops_client):
    make_user("public", "vendor", "Senha-forte-123", is_admin=True)
    assert (
        ops_client.post(
            "/ops/conta/entrar/", {"username": "vendor", "password": "Senha-forte-123"}
        ).status_code
        == 302
    )
    return ops_client


def test_the_console_offers_no_retry_while_provisioning_runs(ops_client, settings) -> None:
    settings.PROVISIONING_MAX_ATTEMPTS = 5
    _requested("andamento", minutes_ago=1, provisioning_attempts=1)
    console = _console(ops_client)
    page = console.get("/ops/concessionarias/andamento/").content.decode()
    assert "Tentar novamente" not in page
    assert "Implantação em andamento" in page
    refused = console.post("/ops/concessionarias/andamento/", {"action": "retry"}, follow=True)
    assert "A implantação ainda está em andamento: aguarde o fim ou a falha." in refused.content.decode()
    headers = bearer(console, "vendor", "Senha-forte-123", "/ops/api/v1/auth/token")
    api = console.post("/ops/api/v1/tenants/andamento/retry", **headers)
    assert api.status_code == 409 and api.json()["code"] == "provisioning_running"


def test_the_console_shows_a_stuck_tenant_with_attempts_last_retry_and_a_retry_button(
    ops_client, settings
) -> None:
    settings.PROVISIONING_MAX_ATTEMPTS = 5
    retried_at = timezone.now() - dt.timedelta(minutes=20)
    _requested(
        "travada",
        minutes_ago=15,
        provisioning_state=ProvisioningState.FAILED,
        provisioning_error="ProgrammingError: relation exists",
        provisioning_attempts=5,
        provisioning_retried_at=retried_at,
    )
    page = _console(ops_client).get("/ops/concessionarias/travada/").content.decode()
    assert "<dt>Tentativas</dt><dd>5/5 — retomada automática esgotada</dd>" in page
    local = timezone.localtime(retried_at, timezone.get_fixed_timezone(-180))
    assert f"<dt>Última retomada automática</dt><dd>{local:%d/%m/%Y %H:%M}</dd>" in page
    assert "ProgrammingError: relation exists" in page
    assert "Tentar novamente" in page


def test_the_beat_sweep_on_a_real_worker_finishes_a_tenant_left_without_schema(
    django_db_setup, live_worker, django_db_blocker, settings
) -> None:
    settings.PROVISIONING_STUCK_SECONDS = 300
    schema = f"sw{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        try:
            _requested(schema, minutes_ago=30)  # a server killed before CREATE SCHEMA
            provisioning_sweep_task.delay()  # what beat sends every PROVISIONING_SWEEP_SECONDS
            state, deadline = "requested", time.monotonic() + 90
            while state != "active" and time.monotonic() < deadline:
                time.sleep(0.25)
                state = Tenant.objects.get(schema_name=schema).provisioning_state
            assert state == "active"
            tenant = Tenant.objects.get(schema_name=schema)
            assert tenant.provisioning_retried_at is not None and tenant.provisioning_attempts == 1
            assert host_client(f"{schema}.localhost").get("/conta/entrar/").status_code == 200
        finally:
            drop_tenant(schema)
