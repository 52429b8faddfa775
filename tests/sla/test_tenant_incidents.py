"""Chamados opened by a utility's staff from their own host: they land in the public schema tagged
with that utility, and another utility's staff can neither list nor reach them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from modules.access.models import Profile, ProfileGrant
from modules.common.models import AuditEntry
from saas.sla.models import Incident
from tests.conftest import make_user


def staff(schema: str, username: str, *, grant: bool = True) -> dict[str, str]:
    """A non-admin staff user of `schema` (granted ops.incidents or not) and their bearer header."""
    from modules.access.services.tokens import token_issue
    from tenants.models import Tenant

    user = make_user(schema, username, "Senha-forte-123")
    connection.set_tenant(Tenant.objects.get(schema_name=schema))
    try:
        if grant:
            profile = Profile.objects.create(name=f"Suporte {username}")
            ProfileGrant.objects.create(
                profile=profile, function="ops.incidents", can_view=True, can_add=True, can_change=True
            )
            user.profiles.add(profile)
        token = token_issue(user=user)
    finally:
        connection.set_schema_to_public()
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def open_from(client: Any, headers: dict[str, str], **body: Any) -> Any:
    payload = {"priority": 1, "description": "Erro ao emitir segunda via", **body}
    return client.post("/api/v1/incidents", payload, content_type="application/json", **headers)


@pytest.mark.django_db
def test_a_staff_incident_lands_in_public_tagged_with_its_tenant(alpha_client) -> None:
    headers = staff("alpha", "marta")
    response = open_from(alpha_client, headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tenant"] == "alpha" and body["opened_by"] == "alpha:marta" and body["channel"] == "portal"

    connection.set_schema_to_public()
    incident = Incident.objects.get(protocol=body["protocol"])
    assert incident.tenant.schema_name == "alpha" and incident.opened_by_utility
    # the vendor audit trail names the utility's user by schema, never by a foreign id
    entry = AuditEntry.objects.get(action="sla.incident_open", object_id=str(incident.pk))
    assert entry.actor == "alpha:marta" and entry.actor_id is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('alpha.sla_incident'), to_regclass('public.sla_incident')")
        assert cursor.fetchone() == (None, "sla_incident")


@pytest.mark.django_db
def test_beta_staff_cannot_see_or_touch_alphas_incidents(alpha_client, beta_client) -> None:
    protocol = open_from(alpha_client, staff("alpha", "marta")).json()["protocol"]
    beta = staff("beta", "bruno")
    open_from(beta_client, beta, description="Pedido de beta")

    listed = beta_client.get("/api/v1/incidents", **beta).json()
    assert [i["description"] for i in listed] == ["Pedido de beta"]
    assert beta_client.get(f"/api/v1/incidents/{protocol}", **beta).status_code == 404
    assert beta_client.post(f"/api/v1/incidents/{protocol}/accept", **beta).status_code == 404
    connection.set_schema_to_public()
    assert Incident.objects.get(protocol=protocol).accepted_at is None


@pytest.mark.django_db
def test_staff_without_the_function_are_refused(alpha_client) -> None:
    headers = staff("alpha", "sem_perfil", grant=False)
    incidents = Incident.objects.count()
    assert open_from(alpha_client, headers).status_code == 403
    assert Incident.objects.count() == incidents
    assert alpha_client.get("/api/v1/incidents", **headers).status_code == 403


@pytest.mark.django_db
def test_unknown_priority_from_staff_is_refused(alpha_client) -> None:
    incidents = Incident.objects.count()
    response = open_from(alpha_client, staff("alpha", "marta"), priority=9)
    assert response.status_code == 400 and response.json()["field"] == "priority"
    assert Incident.objects.count() == incidents


@pytest.mark.django_db
def test_an_impossible_time_is_a_400_naming_the_field_not_a_crash(alpha_client) -> None:
    """Found by the fuzzer (issue 11): minute 99 in a well-formed time was a 500."""
    response = open_from(alpha_client, staff("alpha", "marta"), scheduled_for="2026-05-01T12:99:00Z")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {
        "scheduled_for": ["Data e hora inválidas: use ISO-8601, ex.: 2026-03-10T14:00:00-03:00."]
    }
    connection.set_schema_to_public()
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_the_utility_accepts_the_solution_and_only_then_the_vendor_closes(
    alpha_client, ops_client, vendor
) -> None:
    alpha = staff("alpha", "marta")
    protocol = open_from(alpha_client, alpha, priority=2).json()["protocol"]
    connection.set_schema_to_public()
    ops_client.post(
        f"/ops/api/v1/incidents/{protocol}/resolve",
        {"solution": "Índice recriado", "root_cause": "Índice ausente após migração"},
        content_type="application/json",
        **vendor,
    )
    assert ops_client.post(f"/ops/api/v1/incidents/{protocol}/close", **vendor).status_code == 409

    accepted = alpha_client.post(f"/api/v1/incidents/{protocol}/accept", **alpha)
    assert accepted.status_code == 200 and accepted.json()["accepted_at"] is not None

    closed = ops_client.post(f"/ops/api/v1/incidents/{protocol}/close", **vendor)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["root_cause"] == "Índice ausente após migração"


@pytest.mark.django_db
def test_the_utility_can_refuse_a_solution(alpha_client, ops_client, vendor) -> None:
    alpha = staff("alpha", "marta")
    protocol = open_from(alpha_client, alpha).json()["protocol"]
    connection.set_schema_to_public()
    ops_client.post(
        f"/ops/api/v1/incidents/{protocol}/resolve",
        {"solution": "Cache limpo", "root_cause": "Cache"},
        content_type="application/json",
        **vendor,
    )
    refused = alpha_client.post(
        f"/api/v1/incidents/{protocol}/reject",
        {"reason": "Erro continua"},
        content_type="application/json",
        **alpha,
    )
    assert refused.status_code == 200
    assert refused.json()["status"] == "acknowledged" and refused.json()["resolved_at"] is None


@pytest.mark.django_db
def test_staff_page_opens_an_incident_and_lists_only_its_own(alpha_client, beta_client) -> None:
    make_user("alpha", "chefe", "Senha-forte-123", is_admin=True)
    assert (
        alpha_client.post("/conta/entrar/", {"username": "chefe", "password": "Senha-forte-123"}).status_code
        == 302
    )
    page = alpha_client.get("/")
    assert "Chamados ao fornecedor" in page.content.decode()
    response = alpha_client.post(
        "/chamados/", {"priority": "0", "description": "Sistema fora do ar"}, follow=True
    )
    text = response.content.decode()
    assert "Chamado aberto: protocolo" in text and "Sistema fora do ar" in text
    make_user("beta", "chefe_b", "Senha-forte-123", is_admin=True)
    beta_client.post("/conta/entrar/", {"username": "chefe_b", "password": "Senha-forte-123"})
    assert "Sistema fora do ar" not in beta_client.get("/chamados/").content.decode()


@pytest.mark.django_db
def test_public_status_page_shows_only_its_own_tenant(alpha_client, beta_client) -> None:
    import datetime as dt

    from django.utils import timezone

    from saas.sla.models import Outage
    from tenants.models import Tenant

    connection.set_schema_to_public()
    Outage.objects.create(
        tenant=Tenant.objects.get(schema_name="alpha"),
        start=timezone.now() - dt.timedelta(minutes=42),
        source="manual",
        cause="teste",
        recorded_by="ops",
    )
    alpha = alpha_client.get("/status")
    beta = beta_client.get("/status")
    assert alpha.status_code == 200 and beta.status_code == 200
    assert "Sistema indisponível" in alpha.content.decode()
    assert "Sistema indisponível" not in beta.content.decode()
