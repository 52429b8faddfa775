"""The vendor's ops console and tenant configuration edits."""

from __future__ import annotations

from modules.common.models import AuditEntry
from tenants.models import Tenant
from tests.conftest import bearer, make_user


def _login(ops_client) -> None:
    make_user("public", "vendor", "Senha-forte-123", is_admin=True)
    response = ops_client.post("/ops/conta/entrar/", {"username": "vendor", "password": "Senha-forte-123"})
    assert response.status_code == 302


def test_console_lists_tenants_with_their_provisioning_state(ops_client) -> None:
    assert ops_client.get("/ops/").status_code == 302  # login first
    _login(ops_client)
    page = ops_client.get("/ops/").content.decode()
    assert "Concessionária Alpha" in page and "Concessionária Beta" in page
    assert "Ativa" in page
    detail = ops_client.get("/ops/concessionarias/alpha/").content.decode()
    assert "alpha.localhost" in detail and "Dados iniciais carregados" in detail


def test_console_form_reports_bad_input_in_pt_br(ops_client) -> None:
    _login(ops_client)
    response = ops_client.post(
        "/ops/concessionarias/nova/",
        {"schema": "alpha", "name": "X", "domain": "x.localhost", "timezone": "America/Sao_Paulo"},
    )
    assert response.status_code == 200
    assert "Já existe uma concessionária com o esquema &#x27;alpha&#x27;." in response.content.decode()


def test_staff_of_a_utility_cannot_open_the_ops_console(alpha_client, ops_client) -> None:
    make_user("alpha", "staff", "Senha-forte-123", is_admin=True)
    # the staff login does not exist in the public schema
    response = ops_client.post("/ops/conta/entrar/", {"username": "staff", "password": "Senha-forte-123"})
    assert response.status_code == 401


def test_branding_edit_is_audited_and_seen_on_the_tenant_host(ops_client, alpha_client) -> None:
    make_user("public", "vendor", "Senha-forte-123", is_admin=True)
    headers = bearer(ops_client, "vendor", "Senha-forte-123", "/ops/api/v1/auth/token")
    response = ops_client.patch(
        "/ops/api/v1/tenants/alpha",
        {"name": "SAAE Alpha Renomeado", "primary_color": "#123456", "reason": "novo contrato"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200
    assert response.json()["name"] == "SAAE Alpha Renomeado"
    entry = AuditEntry.objects.get(
        action="tenant.update", object_id=str(Tenant.objects.get(schema_name="alpha").pk)
    )
    assert entry.actor == "vendor" and entry.reason == "novo contrato"
    assert entry.before == {"name": "Concessionária Alpha", "primary_color": "#1351B4"}
    assert entry.after == {"name": "SAAE Alpha Renomeado", "primary_color": "#123456"}
    login_page = alpha_client.get("/conta/entrar/").content.decode()
    assert "SAAE Alpha Renomeado" in login_page and "--brand: #123456" in login_page


def test_branding_edit_rejects_bad_colour_naming_the_field(ops_client) -> None:
    make_user("public", "vendor", "Senha-forte-123", is_admin=True)
    headers = bearer(ops_client, "vendor", "Senha-forte-123", "/ops/api/v1/auth/token")
    response = ops_client.patch(
        "/ops/api/v1/tenants/alpha", {"primary_color": "azul"}, content_type="application/json", **headers
    )
    assert response.status_code == 400 and response.json()["field"] == "primary_color"
    unknown = ops_client.patch(
        "/ops/api/v1/tenants/alpha", {"schema_name": "outro"}, content_type="application/json", **headers
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "schema_name"
    assert ops_client.get("/ops/api/v1/tenants/nenhuma", **headers).status_code == 404


def test_ops_add_a_utility_own_domain_and_the_agency_answers_on_it(ops_client, settings) -> None:
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "agencia.saae-alpha.gov.br"]
    _login(ops_client)
    response = ops_client.post(
        "/ops/concessionarias/alpha/", {"action": "domain_add", "domain": " Agencia.SAAE-Alpha.gov.br. "}
    )
    assert response.status_code == 302
    page = ops_client.get("/ops/concessionarias/alpha/").content.decode()
    assert "agencia.saae-alpha.gov.br" in page and "domínio próprio (agência)" in page
    tenant = Tenant.objects.get(schema_name="alpha")
    assert AuditEntry.objects.filter(action="tenant.domain_add", object_id=str(tenant.pk)).count() == 1
    agency = Client(HTTP_HOST="agencia.saae-alpha.gov.br").get("/agencia/")
    assert agency.status_code == 200 and "Concessionária Alpha" in agency.content.decode()

    # the same host cannot go to another utility; nonsense is refused, naming the problem
    taken = ops_client.post(
        "/ops/concessionarias/beta/", {"action": "domain_add", "domain": "agencia.saae-alpha.gov.br"}
    )
    assert taken.status_code == 400 and "já está em uso" in taken.content.decode()
    bad = ops_client.post(
        "/ops/concessionarias/beta/", {"action": "domain_add", "domain": "https://x.gov.br/agencia"}
    )
    assert bad.status_code == 400 and "Domínio inválido" in bad.content.decode()

    # the primary host stays; the extra one goes, and the agency stops answering on it
    primary = ops_client.post(
        "/ops/concessionarias/alpha/", {"action": "domain_remove", "domain": "alpha.localhost"}
    )
    assert primary.status_code == 400 and "principal não pode ser removido" in primary.content.decode()
    gone = ops_client.post(
        "/ops/concessionarias/alpha/", {"action": "domain_remove", "domain": "agencia.saae-alpha.gov.br"}
    )
    assert gone.status_code == 302
    assert Client(HTTP_HOST="agencia.saae-alpha.gov.br").get("/agencia/").status_code == 404


def _field_html(page: str, name: str) -> str:
    start = page.index(f'for="id_{name}"')
    return page[start : page.index("</div>", start)]


def test_the_console_edits_data_and_branding_with_audit_and_errors_by_field(ops_client, alpha_client) -> None:
    _login(ops_client)
    tenant = Tenant.objects.get(schema_name="alpha")
    form = ops_client.get("/ops/concessionarias/alpha/dados/").content.decode()
    assert 'value="Concessionária Alpha"' in form and "Cor principal" in form

    posted = {
        "name": "SAAE Alpha Novo",
        "timezone": "America/Sao_Paulo",
        "primary_color": "#0a7d3b",
        "secondary_color": tenant.secondary_color,
        # what the browser sends back pre-filled: the form holds every field of the utility
        "febraban_company_code": tenant.febraban_company_code,
        "reason": "nova identidade visual",
    }
    bad = ops_client.post("/ops/concessionarias/alpha/dados/", {**posted, "primary_color": "verde"})
    assert bad.status_code == 400
    assert "Informe a cor no formato #RRGGBB." in _field_html(bad.content.decode(), "primary_color")
    assert Tenant.objects.get(pk=tenant.pk).name == "Concessionária Alpha"
    assert not AuditEntry.objects.filter(action="tenant.update", object_id=str(tenant.pk)).exists()

    done = ops_client.post("/ops/concessionarias/alpha/dados/", posted)
    assert done.status_code == 302 and done.url == "/ops/concessionarias/alpha/"
    entry = AuditEntry.objects.get(action="tenant.update", object_id=str(tenant.pk))
    assert (entry.actor, entry.reason) == ("vendor", "nova identidade visual")
    assert entry.before == {"name": "Concessionária Alpha", "primary_color": "#1351B4"}
    assert entry.after == {"name": "SAAE Alpha Novo", "primary_color": "#0a7d3b"}
    assert "SAAE Alpha Novo" in alpha_client.get("/conta/entrar/").content.decode()


def test_the_console_sets_the_contract_with_audit_and_errors_by_field(ops_client) -> None:
    from decimal import Decimal

    from saas.sla.models import Contract

    _login(ops_client)
    tenant = Tenant.objects.get(schema_name="alpha")
    Contract.objects.filter(tenant=tenant).delete()
    form = ops_client.get("/ops/concessionarias/alpha/contrato/").content.decode()
    assert "Valor mensal do serviço (R$)" in form and 'value="99.982"' in form
    posted = {
        "monthly_value": "18500.00",
        "start_date": "2026-01-01",
        "availability_target": "99.982",
        "annual_downtime_minutes": "95",
        "response_minutes": "15",
        **{f"resolution_{level}": str(hours) for level, hours in enumerate([1, 3, 12, 48, 72, 96])},
        "resolution_6": "",
        "reason": "contrato 12/2026",
    }
    bad = ops_client.post("/ops/concessionarias/alpha/contrato/", {**posted, "monthly_value": "dezoito mil"})
    assert bad.status_code == 400
    assert "Informe um valor em reais" in _field_html(bad.content.decode(), "monthly_value")
    assert not Contract.objects.filter(tenant=tenant).exists()

    done = ops_client.post("/ops/concessionarias/alpha/contrato/", posted)
    assert done.status_code == 302 and done.url == "/ops/concessionarias/alpha/sla/"
    contract = Contract.objects.get(tenant=tenant)
    assert contract.monthly_value == Decimal("18500.00")
    assert contract.resolution_hours == {"0": 1, "1": 3, "2": 12, "3": 48, "4": 72, "5": 96, "6": None}
    entry = AuditEntry.objects.get(action="sla.contract_set", object_id=str(contract.pk))
    assert (entry.actor, entry.reason) == ("vendor", "contrato 12/2026")
    again = ops_client.get("/ops/concessionarias/alpha/contrato/").content.decode()
    assert 'value="18500.00"' in again
