"""Provisioning: bad input leaves nothing; a half-way failure is retried to the same end state."""

from __future__ import annotations

import pytest
from django.db import connection

from modules.access.models import PasswordPolicy, Profile
from modules.common.audit import SystemActor
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from tenants import provisioning
from tenants.models import Domain, ProvisioningState, Tenant
from tests.conftest import bearer, make_user

ACTOR = SystemActor("tests")


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def _request(schema: str, domain: str | None = None, **kw) -> provisioning.TenantRequest:
    return provisioning.TenantRequest(schema, f"SAAE {schema}", domain or f"{schema}.localhost", **kw)


def test_clean_run_walks_every_state_and_seeds_reference_data(public_schema) -> None:
    tenant = provisioning.tenant_request(actor=ACTOR, request=_request("gama"), enqueue=False)
    assert tenant.provisioning_state == ProvisioningState.REQUESTED
    tenant = provisioning.tenant_provision(tenant_id=tenant.pk)
    assert tenant.provisioning_state == ProvisioningState.ACTIVE
    assert tenant.provisioned_at is not None
    assert "gama" in _schemas()
    assert {"access_user", "common_auditentry", "django_migrations"} <= _tables("gama")
    connection.set_tenant(Tenant.objects.get(schema_name="gama"))
    assert PasswordPolicy.objects.count() == 1
    assert {"Atendente", "Consulta", "Gestor"} <= set(Profile.objects.values_list("name", flat=True))


def test_failure_half_way_is_recorded_and_a_retry_ends_like_a_clean_run(public_schema) -> None:
    tenant = provisioning.tenant_request(actor=ACTOR, request=_request("delta"), enqueue=False)
    with connection.cursor() as cursor:  # a real obstacle: a foreign table where migrations must write
        cursor.execute('CREATE SCHEMA "delta"; CREATE TABLE "delta".django_migrations (bogus int)')
    with pytest.raises(Exception):  # noqa: B017 - whatever the database raises is recorded below
        provisioning.tenant_provision(tenant_id=tenant.pk)
    tenant.refresh_from_db()
    assert tenant.provisioning_state == ProvisioningState.FAILED
    assert tenant.provisioning_resume_from == ProvisioningState.SCHEMA_CREATED
    assert "bogus" in tenant.provisioning_error or "django_migrations" in tenant.provisioning_error

    with connection.cursor() as cursor:
        cursor.execute('DROP TABLE "delta".django_migrations')
    tenant = provisioning.tenant_provision(tenant_id=tenant.pk)
    assert tenant.provisioning_state == ProvisioningState.ACTIVE
    assert tenant.provisioning_error == ""
    assert tenant.provisioning_attempts == 2
    assert _tables("delta") == _tables("alpha")


def test_running_provisioning_again_changes_nothing(public_schema) -> None:
    tenant = Tenant.objects.get(schema_name="alpha")
    before = (tenant.provisioning_state, tenant.provisioned_at, _tables("alpha"))
    again = provisioning.tenant_provision(tenant_id=tenant.pk)
    assert (again.provisioning_state, again.provisioned_at, _tables("alpha")) == before


@pytest.mark.parametrize(
    ("request_kwargs", "field"),
    [
        ({"schema_name": "public"}, "schema"),
        ({"schema_name": "Maiusculo"}, "schema"),
        ({"schema_name": "x; drop schema public"}, "schema"),
        ({"schema_name": "pg_toast2"}, "schema"),
        ({"schema_name": "ok_schema", "domain": "nao e dominio"}, "domain"),
        ({"schema_name": "ok_schema", "timezone": "America/Atlantida"}, "timezone"),
        ({"schema_name": "ok_schema", "cnpj": "11.222.333/0001-00"}, "cnpj"),
    ],
)
def test_bad_requests_name_the_field_and_create_nothing(public_schema, request_kwargs, field) -> None:
    kwargs = {"schema_name": "ok_schema", "name": "SAAE Teste", "domain": "teste.localhost", **request_kwargs}
    before = (Tenant.objects.count(), Domain.objects.count(), _schemas())
    with pytest.raises(ValidationFailed) as exc:
        provisioning.tenant_request(actor=ACTOR, request=provisioning.TenantRequest(**kwargs), enqueue=False)
    assert exc.value.field == field
    assert (Tenant.objects.count(), Domain.objects.count(), _schemas()) == before


def test_duplicate_schema_or_domain_is_refused(public_schema) -> None:
    with pytest.raises(Conflict) as schema_clash:
        provisioning.tenant_request(actor=ACTOR, request=_request("alpha", "outro.localhost"), enqueue=False)
    assert schema_clash.value.field == "schema"
    with pytest.raises(Conflict) as domain_clash:
        provisioning.tenant_request(actor=ACTOR, request=_request("omega", "alpha.localhost"), enqueue=False)
    assert domain_clash.value.field == "domain"
    assert not Tenant.objects.filter(schema_name="omega").exists()


def test_ops_api_refuses_duplicates_and_unsafe_names_with_400(ops_client) -> None:
    make_user("public", "vendor", "Senha-forte-123", is_admin=True)
    headers = bearer(ops_client, "vendor", "Senha-forte-123", "/ops/api/v1/auth/token")
    tenants, domains = Tenant.objects.count(), Domain.objects.count()
    dup = ops_client.post(
        "/ops/api/v1/tenants",
        {"schema": "alpha", "name": "X", "domain": "x.localhost"},
        content_type="application/json",
        **headers,
    )
    assert dup.status_code == 409
    assert (dup.json()["field"], dup.json()["code"]) == ("schema", "duplicate")
    unsafe = ops_client.post(
        "/ops/api/v1/tenants",
        {"schema": "a-b", "name": "X", "domain": "x.localhost"},
        content_type="application/json",
        **headers,
    )
    assert unsafe.status_code == 400 and unsafe.json()["field"] == "schema"
    missing = ops_client.post(
        "/ops/api/v1/tenants", {"schema": "zeta"}, content_type="application/json", **headers
    )
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"name", "domain"}
    assert (Tenant.objects.count(), Domain.objects.count()) == (tenants, domains)


def test_ops_api_needs_a_vendor_token(ops_client, alpha_client) -> None:
    assert ops_client.get("/ops/api/v1/tenants").status_code == 401
    make_user("alpha", "staff", "Senha-forte-123", is_admin=True)
    staff_headers = bearer(alpha_client, "staff", "Senha-forte-123")
    assert ops_client.get("/ops/api/v1/tenants", **staff_headers).status_code == 401


def test_a_tenant_not_yet_active_answers_503_on_its_host(public_schema, client) -> None:
    provisioning.tenant_request(actor=ACTOR, request=_request("epsilon"), enqueue=False)
    response = client.get("/", HTTP_HOST="epsilon.localhost")
    assert response.status_code == 503
    assert "em implantação" in response.content.decode()


@pytest.mark.parametrize("clash", ["schema", "domain"])
def test_two_requests_at_once_for_the_same_schema_or_host_give_one_conflict(public_schema, clash) -> None:
    import threading

    from django.db import transaction

    first_inserted, release = threading.Event(), threading.Event()
    other = ("corrida", "corrida.localhost") if clash == "schema" else ("outra", "disputado.localhost")

    def first_request() -> None:  # its own connection, committed: another gunicorn worker
        try:
            with transaction.atomic():
                tenant = Tenant.objects.create(schema_name=other[0], name="SAAE Primeira")
                Domain.objects.create(domain=other[1], tenant=tenant, is_primary=True)
                first_inserted.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=first_request)
    thread.start()
    assert first_inserted.wait(10)
    threading.Timer(0.5, release.set).start()  # commits while the second INSERT waits on the index
    try:
        with pytest.raises(Conflict) as exc:
            provisioning.tenant_request(
                actor=ACTOR, request=_request("corrida", "disputado.localhost"), enqueue=False
            )
        assert exc.value.field == clash
        assert Tenant.objects.filter(schema_name="corrida").count() == (1 if clash == "schema" else 0)
        assert Domain.objects.filter(domain="disputado.localhost").count() == (1 if clash == "domain" else 0)
        assert not AuditEntry.objects.filter(action="tenant.request", after__schema_name="corrida").exists()
    finally:
        thread.join()

        def cleanup() -> None:
            try:
                Domain.objects.filter(domain=other[1]).delete()
                Tenant.objects.filter(schema_name=other[0]).delete()
            finally:
                connection.close()

        janitor = threading.Thread(target=cleanup)
        janitor.start()
        janitor.join()
