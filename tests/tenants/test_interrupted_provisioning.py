"""A tenant row whose schema does not exist yet (the server was killed mid-provisioning): every loop
over tenants skips it or finishes it, never crashes — `make demo` and a deploy's migration job start
again from whatever state the previous run left."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from modules.common.audit import SystemActor
from tenants import provisioning
from tenants.models import ProvisioningState, Tenant
from tests.conftest import drop_tenant

ACTOR = SystemActor("tests")


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def orphan_row(django_db_setup, django_db_blocker):
    """Committed, as a killed server leaves it: a tenant in `requested` and no schema."""
    schema = f"orf{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        tenant = provisioning.tenant_request(
            actor=ACTOR,
            enqueue=False,
            request=provisioning.TenantRequest(schema, "SAAE Interrompida", f"{schema}.localhost"),
        )
        assert schema not in _schemas()
        try:
            yield tenant
        finally:
            drop_tenant(schema)


def test_the_make_demo_migration_steps_skip_a_tenant_without_schema(orphan_row) -> None:
    out = io.StringIO()
    call_command("migrate_schemas", "--shared", verbosity=0, stdout=out)
    call_command("migrate_schemas", verbosity=0, stdout=out)
    call_command("seed_tenants", verbosity=0, stdout=out)

    lines = out.getvalue().splitlines()
    assert (
        f"{orphan_row.schema_name}: esquema ainda não existe (implantação em 'requested'); pulado — "
        "a implantação cria e migra o esquema quando retomar."
    ) in lines
    assert "alpha: dados de referência em dia" in lines
    assert orphan_row.schema_name not in _schemas()  # skipping writes nothing
    orphan_row.refresh_from_db()
    assert orphan_row.provisioning_state == ProvisioningState.REQUESTED


def test_the_skipped_tenant_resumes_and_is_then_migrated_like_the_others(orphan_row) -> None:
    tenant = provisioning.tenant_provision(tenant_id=orphan_row.pk)
    assert tenant.provisioning_state == ProvisioningState.ACTIVE

    out = io.StringIO()
    call_command("migrate_schemas", "--tenant", verbosity=0, stdout=out)
    assert out.getvalue() == ""


def test_loops_over_tenants_leave_out_a_row_without_schema(public_schema, caplog) -> None:
    from modules.common.tenancy import active_tenant_schemas

    provisioning.tenant_request(
        actor=ACTOR, enqueue=False, request=provisioning.TenantRequest("sem_esquema", "SAAE A", "a.localhost")
    )
    ghost = provisioning.tenant_request(
        actor=ACTOR, enqueue=False, request=provisioning.TenantRequest("fantasma", "SAAE B", "b.localhost")
    )
    Tenant.objects.filter(pk=ghost.pk).update(provisioning_state=ProvisioningState.ACTIVE)

    assert active_tenant_schemas() == ["alpha", "beta"]
    assert "tenant fantasma is active but its schema does not exist: skipped" in caplog.messages
    out = io.StringIO()
    call_command("seed_tenants", stdout=out)
    assert out.getvalue().splitlines() == [
        "alpha: dados de referência em dia",
        "beta: dados de referência em dia",
    ]
