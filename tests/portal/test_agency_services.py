"""VA-08: each utility chooses which agency services it offers. The catalog classifies every URL of
the agency, the totem and the citizen API; a disabled service leaves the menu and every link, its
pages answer the agency's 404 and its endpoints the JSON 404 `service_disabled` (GET and POST),
the rest keeps working, re-enabling restores it, one utility's choice never reaches another, and the
staff settings screen saves it audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from modules.billing.models import DueDayChoice
from modules.common.audit import SystemActor
from modules.common.clock import tenant_today
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.common.tenancy import tenant_context
from modules.debt.models import Certificate
from modules.registry.services.customers import customer_create
from portal import api_urls, domain, services_desk
from portal import urls as portal_urls
from portal.models import AgencySettings
from tests.collection import factories as cf
from tests.registry import factories as f

from .conftest import Citizen, sign_in
from .test_desk import _settings_form, _staff

ACTOR = SystemActor("tests")
API = "/agencia/api/v1"


def _disable(*codes: str) -> None:
    services_desk.agency_settings_update(actor=ACTOR, disabled_services=list(codes))


def _home(citizen: Citizen, prefix: str = "/agencia/") -> str:
    return f"{prefix}imoveis/{citizen.home.pk}/"


def _token(client: Client, citizen: Citizen) -> dict[str, str]:
    response = client.post(
        f"{API}/auth/token",
        {"account": citizen.home.account_number, "document": citizen.cpf},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


# --- the catalog (no database) ----------------------------------------------------------------------


def _walk(patterns: list[Any], skip_namespaces: tuple[str, ...] = ()) -> list[URLPattern]:
    found: list[URLPattern] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in skip_namespaces or p.urlconf_name is api_urls:
                continue
            found += _walk(p.url_patterns, skip_namespaces)
        else:
            found.append(p)
    return found


def _agency_and_totem() -> list[URLPattern]:
    return _walk(portal_urls.urlpatterns, skip_namespaces=("desk",))


def test_every_agency_page_and_api_endpoint_is_classified_once() -> None:
    """Fails when someone adds a URL to portal/urls.py or portal/api_urls.py without saying which
    service it belongs to (domain.AGENCY_SERVICES) or that it is always on."""
    pages, endpoints = _agency_and_totem(), _walk(api_urls.urlpatterns)
    assert len(pages) > 40 and len(endpoints) >= 30
    for pattern, api in [*((p, False) for p in pages), *((p, True) for p in endpoints)]:
        codes = domain.url_services(pattern.name or "", api=api)
        assert codes is not None, f"URL {pattern.name!r} ({pattern.pattern}) sem serviço: classifique-a"
        # and the gate wraps it with exactly those services (none when always on)
        assert getattr(pattern.callback, "agency_services", ()) == codes, pattern.name
    # no stale names: each name in the catalog is a URL that exists
    page_names = {p.name for p in pages}
    api_names = {p.name for p in endpoints}
    for service in domain.AGENCY_SERVICES:
        assert set(service.pages) <= page_names, service.code
        assert set(service.api) <= api_names, service.code
    assert domain.ALWAYS_ON_PAGES | set(domain.SHARED_PAGES) <= page_names
    assert domain.ALWAYS_ON_API | set(domain.SHARED_API) <= api_names


def test_catalog_codes_are_unique_and_no_url_has_two_owners() -> None:
    codes = [s.code for s in domain.AGENCY_SERVICES]
    assert len(codes) == len(set(codes)) == 17  # water_quality (ADR 0224), booklets (ADR 0213)
    for api in (False, True):
        owned = [n for s in domain.AGENCY_SERVICES for n in (s.api if api else s.pages)]
        assert len(owned) == len(set(owned))
        always = domain.ALWAYS_ON_API if api else domain.ALWAYS_ON_PAGES
        shared = domain.SHARED_API if api else domain.SHARED_PAGES
        assert not (set(owned) & always) and not (set(owned) & set(shared)) and not (always & set(shared))
        assert all(set(c) <= set(codes) and len(c) > 1 for c in shared.values())
    assert domain.url_services("home") == ()
    assert domain.url_services("due_day") == ("due_day",)
    assert domain.url_services("certificate_pdf") == ("certificate", "annual_declaration")
    assert domain.url_services("citizen-api-installments", api=True) == ("installments",)
    assert domain.url_services("invented") is None


def test_certificate_kinds_map_to_their_service() -> None:
    assert domain.ANNUAL_DECLARATION_KIND == Certificate.Kind.ANNUAL_DECLARATION
    assert domain.certificate_kind_service(Certificate.Kind.ANNUAL_DECLARATION) == "annual_declaration"
    assert domain.certificate_kind_service(Certificate.Kind.NEGATIVE) == "certificate"


def test_disabled_services_problem_in_portuguese() -> None:
    assert domain.disabled_services_problem([]) is None
    assert domain.disabled_services_problem(["due_day", "installments"]) is None
    assert domain.disabled_services_problem(["due_day", "fly"]) == (
        "Serviços desconhecidos na agência virtual: fly. Use: " + ", ".join(domain.AGENCY_SERVICE_CODES) + "."
    )
    assert domain.disabled_services_problem("due_day") == (
        "Informe os serviços desligados como uma lista de códigos."
    )


# --- pages and API on the real database -------------------------------------------------------------


MENU_DUE_DAY = "Alterar vencimento"
MENU_INSTALLMENTS = "Simulador de parcelamento"


def test_disabled_services_leave_the_menu_and_answer_404_on_get_and_post(
    alpha_client: Client, citizen: Citizen
) -> None:
    _disable("due_day", "installments")
    assert sign_in(alpha_client, citizen.home, citizen.cpf).status_code == 302
    home = alpha_client.get(_home(citizen))
    body = home.content.decode()
    assert home.status_code == 200
    assert MENU_DUE_DAY not in body and MENU_INSTALLMENTS not in body
    assert "/vencimento/" not in body and "/parcelamento/" not in body
    assert "2ª via de conta" in body and "Meus pedidos" in body  # the rest stays
    for path in ("vencimento/", "parcelamento/", "parcelamentos/1/", "parcelamentos/1/termo.pdf"):
        for method in (alpha_client.get, alpha_client.post):
            response = method(_home(citizen) + path, {"day": 10})
            assert response.status_code == 404, (path, method)
            page = response.content.decode()
            assert "Não encontrado" in page
            assert "não está disponível na agência virtual da Concessionária Alpha" in page
            assert "Sair" in page  # the agency's own page, with the citizen's session
    missing = alpha_client.get(_home(citizen) + "vencimento/").content.decode()
    assert "O serviço “Alterar vencimento” não está disponível" in missing
    # the totem shares the pages, and the gate
    assert alpha_client.get(_home(citizen, "/totem/") + "vencimento/").status_code == 404
    # nothing was written: the POST never reached the view
    assert not DueDayChoice.objects.filter(property=citizen.home).exists()
    for path in ("contas/", "extrato/", "pedidos/", "pagamentos/", "consumo/", "certidao/", "cadastro/"):
        assert alpha_client.get(_home(citizen) + path).status_code == 200, path


def test_re_enabling_restores_menu_and_pages(alpha_client: Client, citizen: Citizen) -> None:
    _disable("due_day", "installments")
    sign_in(alpha_client, citizen.home, citizen.cpf)
    assert alpha_client.get(_home(citizen) + "vencimento/").status_code == 404
    _disable()
    body = alpha_client.get(_home(citizen)).content.decode()
    assert MENU_DUE_DAY in body and MENU_INSTALLMENTS in body
    assert alpha_client.get(_home(citizen) + "vencimento/").status_code == 200
    assert alpha_client.get(_home(citizen) + "parcelamento/").status_code == 200


def test_api_of_a_disabled_service_answers_json_404_service_disabled(
    alpha_client: Client, citizen: Citizen
) -> None:
    auth = _token(alpha_client, citizen)
    base = f"{API}/properties/{citizen.home.pk}"
    offered = alpha_client.get(f"{base}/installments", **auth)
    # offered: the simulator answers (no debt to install here: the policy's refusal, not "disabled")
    assert offered.status_code == 400 and offered.json()["code"] == "debt_below_minimum"
    _disable("due_day", "installments")
    for method, path in (("get", "/installments"), ("post", "/agreements")):
        response = getattr(alpha_client, method)(f"{base}{path}", {}, content_type="application/json", **auth)
        assert response.status_code == 404, path
        assert response.json() == {
            "code": "service_disabled",
            "detail": "O serviço “Simulador de parcelamento” não está disponível na agência virtual "
            "da Concessionária Alpha.",
        }
    # before the view: even without a token the endpoint does not exist here
    assert alpha_client.get(f"{base}/installments").json()["code"] == "service_disabled"
    # the others still answer, and the property tells the app what to show
    assert alpha_client.get(f"{base}/bills", **auth).status_code == 200
    detail = alpha_client.get(base, **auth).json()
    assert "installments" not in detail["services"] and "due_day" not in detail["services"]
    assert detail["services"][:3] == ["bills", "statement", "pay_online"]
    _disable()
    assert alpha_client.get(f"{base}/installments", **auth).json()["code"] == "debt_below_minimum"
    assert len(alpha_client.get(base, **auth).json()["services"]) == 17


def test_public_services_and_footer_links(alpha_client: Client, tenant_alpha: Any) -> None:
    page = alpha_client.get("/agencia/").content.decode()
    assert 'href="/agencia/tarifas/"' in page and 'href="/agencia/simulador-de-conta/"' in page
    assert 'href="/agencia/problema/"' in page
    _disable("tariffs", "problem_report")
    page = alpha_client.get("/agencia/").content.decode()
    assert 'href="/agencia/tarifas/"' not in page and 'href="/agencia/problema/"' not in page
    assert 'href="/agencia/simulador-de-conta/"' in page
    assert alpha_client.get("/agencia/tarifas/").status_code == 404
    assert alpha_client.post("/agencia/problema/", {"name": "X", "description": "Y"}).status_code == 404
    assert alpha_client.get("/totem/tarifas/").status_code == 404
    assert alpha_client.get(f"{API}/tariffs").json()["code"] == "service_disabled"
    assert alpha_client.get("/agencia/atendimento/").status_code == 200  # always on


def test_cross_links_into_a_disabled_service_disappear(alpha_client: Client, citizen: Citizen) -> None:
    bill = cf.bill(citizen.home, "57.30", tenant_today() + dt.timedelta(days=20))
    sign_in(alpha_client, citizen.home, citizen.cpf)
    statement = alpha_client.get(_home(citizen) + "extrato/").content.decode()
    assert "Pagar online (PIX ou boleto)" in statement and "Pagar com cartão" in statement
    _disable("pay_online", "payments", "requests")
    statement = alpha_client.get(_home(citizen) + "extrato/").content.decode()
    assert "Pagar online (PIX ou boleto)" not in statement and "Pagar com cartão" not in statement
    bills = alpha_client.get(_home(citizen) + "contas/").content.decode()
    assert "/pagamentos/" not in bills and "/extrato/" in bills and "/consumo/" in bills
    registry = alpha_client.get(_home(citizen) + "cadastro/").content.decode()
    assert "/pedidos/novo/" not in registry and "/cpf-cnpj/" not in registry
    home = alpha_client.get(_home(citizen)).content.decode()
    assert "Meus pedidos" not in home and "Pedir um serviço" not in home and "Pagamentos" not in home
    # a stale form that still posts "pay online" is refused on the statement itself
    for action in ("pagar", "cartao"):
        response = alpha_client.post(_home(citizen) + "extrato/", {"action": action, "bills": [str(bill.pk)]})
        assert response.status_code == 400
        assert "O pagamento online não está disponível nesta agência." in response.content.decode()


def test_ombudsman_without_requests_goes_back_to_the_property(alpha_client: Client, citizen: Citizen) -> None:
    _disable("requests")
    sign_in(alpha_client, citizen.home, citizen.cpf)
    response = alpha_client.post(
        _home(citizen) + "ouvidoria/",
        {"type": "praise", "name": "Maria", "email": "maria@example.com", "description": "Muito bom."},
    )
    assert response.status_code == 302 and response["Location"] == _home(citizen)
    home = alpha_client.get(response["Location"]).content.decode()
    assert "Manifestação registrada com o protocolo" in home


def _certificate(citizen: Citizen, kind: str, code: str) -> Certificate:
    return Certificate.objects.create(
        code=code,
        kind=kind,
        property=citizen.home,
        year=2024 if kind == Certificate.Kind.ANNUAL_DECLARATION else None,
        issued_on=dt.date(2025, 1, 10),
        statement={},
        issued_by="tests",
    )


def test_a_certificate_page_opens_by_its_documents_service(alpha_client: Client, citizen: Citizen) -> None:
    declaration = _certificate(citizen, Certificate.Kind.ANNUAL_DECLARATION, "DECL-2024-TESTE")
    negative = _certificate(citizen, Certificate.Kind.NEGATIVE, "CND-TESTE")
    sign_in(alpha_client, citizen.home, citizen.cpf)
    _disable("certificate")  # the declaration stays
    assert alpha_client.get(_home(citizen) + f"certidao/{declaration.pk}/").status_code == 200
    refused = alpha_client.get(_home(citizen) + f"certidao/{negative.pk}/")
    assert refused.status_code == 404
    assert "Certidão negativa de débitos” não está disponível" in refused.content.decode()
    assert alpha_client.get(_home(citizen) + "certidao/").status_code == 404
    _disable("annual_declaration")  # the certificate page no longer lists declarations
    listing = alpha_client.get(_home(citizen) + "certidao/").content.decode()
    assert f"certidao/{negative.pk}/" in listing and f"certidao/{declaration.pk}/" not in listing
    auth = _token(alpha_client, citizen)
    api = alpha_client.get(f"{API}/properties/{citizen.home.pk}/certificates/{declaration.pk}", **auth)
    assert api.status_code == 404 and api.json()["code"] == "service_disabled"
    _disable("certificate", "annual_declaration")
    assert alpha_client.get(_home(citizen) + f"certidao/{negative.pk}/").status_code == 404


def test_one_utility_disabling_a_service_leaves_the_other_alone(
    alpha_client: Client, beta_client: Client, citizen: Citizen
) -> None:
    _disable("due_day")
    with tenant_context("beta"):
        ana = f.customer("Ana Beatriz Rocha", email="ana@example.com")
        beta_home = f.prop(holder=ana)
        assert AgencySettings.current().disabled_services == []
    assert sign_in(beta_client, beta_home, ana.cpf_cnpj).status_code == 302
    body = beta_client.get(f"/agencia/imoveis/{beta_home.pk}/").content.decode()
    assert MENU_DUE_DAY in body
    assert beta_client.get(f"/agencia/imoveis/{beta_home.pk}/vencimento/").status_code == 200
    sign_in(alpha_client, citizen.home, citizen.cpf)
    assert alpha_client.get(_home(citizen) + "vencimento/").status_code == 404
    with tenant_context("alpha"):
        assert AgencySettings.current().disabled_services == ["due_day"]


# --- the staff settings screen ----------------------------------------------------------------------


def test_settings_screen_saves_the_services_offered_audited(tenant_alpha: Any, alpha_client: Client) -> None:
    staff = _staff(alpha_client, "gestor-servicos", "Gestor")
    page = staff.get("/atendimento/agencia-virtual/").content.decode()
    assert "Serviços oferecidos na agência virtual e no totem" in page
    assert page.count('name="services"') == 17
    assert all(re.search(rf'value="{c}"[^>]*checked', page) for c in domain.AGENCY_SERVICE_CODES)
    offered = [c for c in domain.AGENCY_SERVICE_CODES if c not in ("due_day", "installments")]
    response = staff.post("/atendimento/agencia-virtual/", _settings_form(services=offered))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AgencySettings.current().disabled_services == ["installments", "due_day"]  # catalog order
    audit = AuditEntry.objects.get(action="portal.settings_update")
    assert audit.actor == "gestor-servicos"
    assert audit.before["disabled_services"] == []
    assert audit.after["disabled_services"] == ["installments", "due_day"]
    page = staff.get("/atendimento/agencia-virtual/").content.decode()
    assert re.search(r'value="bills"[^>]*checked', page)
    assert 'value="due_day"' in page and not re.search(r'value="due_day"[^>]*checked', page)


def test_unknown_service_codes_are_refused_in_portuguese(tenant_alpha: Any, alpha_client: Client) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services_desk.agency_settings_update(actor=ACTOR, disabled_services=["due_day", "teleporte"])
    assert refused.value.field == "disabled_services"
    assert refused.value.message.startswith("Serviços desconhecidos na agência virtual: teleporte.")
    assert AgencySettings.current().disabled_services == []
    staff = _staff(alpha_client, "gestor-servicos2", "Gestor")
    response = staff.post("/atendimento/agencia-virtual/", _settings_form(services=["bills", "teleporte"]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Faça uma escolha válida. teleporte não é uma das escolhas disponíveis." in body
    assert not AuditEntry.objects.filter(action="portal.settings_update").exists()


def test_the_cpf_alert_offers_no_request_link_without_the_requests_service(
    alpha_client: Client, tenant_alpha: Any
) -> None:
    holder = customer_create(
        actor=f.ACTOR, name="Maria Aparecida Legado", cpf_cnpj=None, today=f.TODAY
    )  # VA-07: a legacy holder without CPF/CNPJ
    legacy = f.prop(holder=holder, number="77")
    _disable("requests")
    response = sign_in(alpha_client, legacy, f.cpf())
    body = response.content.decode()
    assert response.status_code == 403 and "CPF/CNPJ não cadastrado" in body
    assert "/agencia/cpf-cnpj/" not in body and 'href="/agencia/atendimento/"' in body
