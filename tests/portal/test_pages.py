"""The agency's pages: branding and headers, the registry view, e-mail (VA-28), due day (VA-27),
protocols (VA-23, VA-24, VA-33, VA-29) and the open-debts notice without debts (VA-09)."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from modules.billing.models import DueDayChoice
from modules.common.clock import tenant_today
from modules.common.models import AuditEntry
from modules.registry.models import Customer
from modules.service.models import ProtocolCounter, ServiceRequest
from portal import selectors

from .conftest import Citizen, sign_in


def test_landing_page_shows_the_utilitys_brand_and_a_strict_csp(
    alpha_client: Client, tenant_alpha: Any
) -> None:
    tenant_alpha.primary_color = "#7A1F5C"
    tenant_alpha.phone = "0800 123 4567"
    tenant_alpha.save()
    response = alpha_client.get("/agencia/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Concessionária Alpha" in body and "--brand:#7A1F5C" in body and "0800 123 4567" in body
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in body
    assert "<script>" not in body  # only external scripts
    assert response["Cache-Control"] == "no-store"


def test_the_logo_is_served_as_a_sandboxed_image(alpha_client: Client, tenant_alpha: Any) -> None:
    tenant_alpha.logo_svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    tenant_alpha.save()
    page = alpha_client.get("/agencia/").content.decode()
    assert "<script>alert" not in page and 'src="/agencia/logo.svg"' in page
    logo = alpha_client.get("/agencia/logo.svg")
    assert logo["Content-Type"].startswith("image/svg+xml")
    assert "sandbox" in logo["Content-Security-Policy"]


def test_registry_view_lists_categories_connections_and_address(
    alpha_client: Client, citizen: Citizen
) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    body = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/cadastro/").content.decode()
    assert citizen.home.inscription in body
    assert "Residencial" in body
    assert "Rua das Flores, 123" in body


def test_a_property_without_debts_shows_no_indicator(alpha_client: Client, citizen: Citizen) -> None:
    """VA-09: no open bill, no notice (the amounts case is in test_bills.py)."""
    summary = selectors.open_debts_summary(citizen.home)
    assert summary.available is True and summary.open_bills == 0 and summary.updated_total == 0
    sign_in(alpha_client, citizen.home, citizen.cpf)
    body = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/").content.decode()
    assert "em aberto</p>" not in body and 'id="debts-title"' not in body
    assert "R$" not in body


def test_email_changes_only_after_the_link_is_followed(
    alpha_client: Client, citizen: Citizen, django_capture_on_commit_callbacks: Any
) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    with django_capture_on_commit_callbacks(execute=True):
        response = alpha_client.post(
            f"/agencia/imoveis/{citizen.home.pk}/email/", {"email": "nova@example.com"}
        )
    assert response.status_code == 302
    assert Customer.objects.get(pk=citizen.customer.pk).email == "maria@example.com"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nova@example.com"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/agencia/email/confirmar/" in line)
    path = link.split("alpha.localhost", 1)[1]
    assert alpha_client.get(path).status_code == 200
    assert Customer.objects.get(pk=citizen.customer.pk).email == "nova@example.com"
    assert alpha_client.get(path).status_code == 404  # a link works once
    actions = set(
        AuditEntry.objects.filter(object_id=str(citizen.customer.pk)).values_list("action", flat=True)
    )
    assert {
        "portal.email_change_request",
        "portal.email_change_confirm",
        "registry.customer_update",
    } <= actions


def test_an_invalid_email_is_refused(alpha_client: Client, citizen: Citizen) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    response = alpha_client.post(f"/agencia/imoveis/{citizen.home.pk}/email/", {"email": "nao-e-email"})
    assert response.status_code == 200 and "válido" in response.content.decode()


def test_due_day_is_chosen_among_the_tenants_options_and_audited(
    alpha_client: Client, citizen: Citizen
) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    url = f"/agencia/imoveis/{citizen.home.pk}/vencimento/"
    assert "Dia 30" in alpha_client.get(url).content.decode()
    assert alpha_client.post(url, {"day": 7}).status_code == 200  # not offered
    assert alpha_client.post(url, {"day": 10}).status_code == 302
    # billing owns the choice: the run reads DueDayChoice
    assert DueDayChoice.objects.get(property=citizen.home).day == 10
    entry = AuditEntry.objects.get(action="billing.due_day_choose", object_id=str(citizen.home.pk))
    assert entry.after == {"day": 10} and entry.actor.startswith("cidadão ***.")


def test_a_service_request_gets_the_next_protocol_of_the_year_and_is_tracked(
    alpha_client: Client, citizen: Citizen, stranger: Citizen, django_capture_on_commit_callbacks: Any
) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    year = tenant_today().year
    before = ProtocolCounter.objects.filter(year=year).values_list("last", flat=True).first() or 0
    photo = SimpleUploadedFile("vazamento.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = alpha_client.post(
            f"/agencia/imoveis/{citizen.home.pk}/pedidos/novo/",
            {
                "type": "leak",
                "name": "Maria da Conceição Souza",
                "phone": "(15) 99999-1234",
                "email": "maria@example.com",
                "reference_point": "Em frente à padaria",
                "attachments": [photo],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = ServiceRequest.objects.get(property=citizen.home)
    assert item.protocol == f"{year}{before + 1:06d}"
    assert item.requester_phone == "15999991234" and item.channel == "web"
    attachment = item.attachments.get()
    assert attachment.file.name.startswith(f"portal/requests/{item.protocol}/")
    assert connection.schema_name in attachment.file.path  # the tenant's own folder
    assert item.protocol in mail.outbox[0].body
    listing = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/pedidos/").content.decode()
    assert item.protocol in listing and "Pendente de recebimento" in listing
    # the stranger cannot read it, whatever the path
    other = Client(HTTP_HOST="alpha.localhost")
    sign_in(other, stranger.home, stranger.cpf)
    assert other.get(f"/agencia/imoveis/{stranger.home.pk}/pedidos/{item.protocol}/").status_code == 404
    assert other.get(f"/agencia/imoveis/{citizen.home.pk}/pedidos/{item.protocol}/").status_code == 404


def test_a_service_request_needs_its_mandatory_fields(alpha_client: Client, citizen: Citizen) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    response = alpha_client.post(f"/agencia/imoveis/{citizen.home.pk}/pedidos/novo/", {"type": "leak"})
    assert response.status_code == 200
    assert ServiceRequest.objects.count() == 0
    assert response.content.decode().count("Este campo é obrigatório") == 3  # name, phone, e-mail


def test_ombudsman_confirms_by_email_and_alerts_the_department(
    alpha_client: Client, citizen: Citizen, django_capture_on_commit_callbacks: Any
) -> None:
    from portal.models import AgencySettings

    agency = AgencySettings.current()
    agency.ombudsman_email = "ouvidoria@alpha.example"
    agency.save()
    sign_in(alpha_client, citizen.home, citizen.cpf)
    with django_capture_on_commit_callbacks(execute=True):
        response = alpha_client.post(
            f"/agencia/imoveis/{citizen.home.pk}/ouvidoria/",
            {
                "type": "complaint",
                "name": "Maria",
                "email": "maria@example.com",
                "description": "A rua ficou sem água três dias e ninguém avisou.",
            },
        )
    assert response.status_code == 302
    item = ServiceRequest.objects.get(kind="ombudsman")
    assert item.requester_document == citizen.cpf
    assert [m.to for m in mail.outbox] == [["maria@example.com"], ["ouvidoria@alpha.example"]]
    assert "pendente de recebimento" in mail.outbox[1].subject


def test_a_problem_with_the_agency_can_be_reported_without_signing_in(
    alpha_client: Client, tenant_alpha: Any
) -> None:
    response = alpha_client.post(
        "/agencia/problema/",
        {"description": "O botão Entrar não responde no meu celular.", "name": "José", "page": "/agencia/"},
        HTTP_USER_AGENT="Mozilla/5.0 (Android)",
    )
    assert response.status_code == 200
    item = ServiceRequest.objects.get(kind="agency_problem")
    assert item.protocol in response.content.decode()
    assert item.context["user_agent"] == "Mozilla/5.0 (Android)" and item.context["url"] == "/agencia/"


def test_totem_offers_the_keypad_and_the_idle_countdown(client: Client, citizen: Citizen) -> None:
    totem = Client(HTTP_HOST="alpha.localhost")
    page = totem.get("/totem/").content.decode()
    assert page.count('class="totem-key"') == 10 and "totem.js" in page
    response = sign_in(totem, citizen.home, citizen.cpf, prefix="/totem/")
    assert response["Location"] == f"/totem/imoveis/{citizen.home.pk}/"
    home = totem.get(response["Location"]).content.decode()
    assert 'data-idle-seconds="90"' in home and "totem-idle" in home
    assert "Ouvidoria" not in home  # free text stays on the web
