"""The staff's protocol desk and agency settings (/atendimento/), on the real database: who may do
what, each move with its event and audit rows, the moves refused, the counter channel, the CPF/CNPJ
update (VA-26) from the citizen's form to the desk's decision, the settings screen, and what the
citizen then sees (VA-24/VA-25) on the pages and in the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from modules.access.models import Profile
from modules.common.audit import SystemActor
from modules.common.clock import tenant_today
from modules.common.models import AuditEntry
from modules.common.tenancy import tenant_context
from modules.service.models import ServiceRequest
from portal import services
from portal.auth import Grant
from portal.models import AgencySettings
from tests.conftest import make_user
from tests.registry import factories as f

from .conftest import Citizen, sign_in

PASSWORD = "Senha-forte-123"
DESK = "/atendimento/protocolos/"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _staff(client: Client, username: str, *profiles: str) -> Client:
    user = make_user(connection.schema_name, username, PASSWORD)
    for name in profiles:
        user.profiles.add(Profile.objects.get(name=name))
    assert client.post("/conta/entrar/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def desk(tenant_alpha: Any, alpha_client: Client) -> Client:
    """An attendant: protocols (view, add, change) and customers (change)."""
    return _staff(alpha_client, "atendente1", "Atendente")


def _open(citizen: Citizen, kind: str = "service", type_code: str = "leak", **kw: Any) -> ServiceRequest:
    grant = Grant(citizen.home.pk, citizen.home.account_number, document=citizen.cpf, holder_name="Maria")
    return services.request_open(
        grant=grant,
        kind=kind,
        type_code=type_code,
        prop=citizen.home,
        requester=services.Requester(
            name="Maria da Conceição Souza",
            email="maria@example.com",
            phone="15999991234",
            document=citizen.cpf,
        ),
        channel="web",
        description=kw.pop("description", "Vazamento na calçada, perto do hidrômetro."),
        **kw,
    )


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("cartao-cnpj.pdf", b"%PDF-1.4", content_type="application/pdf")


def _events(item: ServiceRequest) -> list[tuple[str, str, str]]:
    return [(e.status, e.from_unit, e.unit) for e in item.events.order_by("at", "id")]


def _audits(action: str, item: ServiceRequest) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, object_id=str(item.pk)))


# --- permissions ----------------------------------------------------------------------------------


def test_without_the_functions_every_desk_page_is_403(
    tenant_alpha: Any, alpha_client: Client, citizen: Citizen
) -> None:
    item = _open(citizen, attachments=[SimpleUploadedFile("foto.png", PNG, content_type="image/png")])
    attachment = item.attachments.get()
    staff = _staff(alpha_client, "semperfil")
    for url in (
        DESK,
        f"{DESK}{item.protocol}/",
        f"{DESK}balcao/",
        f"{DESK}{item.protocol}/anexos/{attachment.pk}/",
        "/atendimento/agencia-virtual/",
    ):
        assert staff.get(url).status_code == 403, url
    assert staff.post(f"{DESK}{item.protocol}/receber/", {}).status_code == 403
    assert "/atendimento/" not in staff.get("/").content.decode()  # no menu entry either


def test_a_read_only_profile_sees_but_cannot_move_or_configure(
    tenant_alpha: Any, alpha_client: Client, citizen: Citizen
) -> None:
    item = _open(citizen)
    staff = _staff(alpha_client, "consulta1", "Consulta")
    assert item.protocol in staff.get(DESK).content.decode()
    page = staff.get(f"{DESK}{item.protocol}/").content.decode()
    assert "Confirmar recebimento" not in page
    assert staff.post(f"{DESK}{item.protocol}/receber/", {}).status_code == 403
    settings_page = staff.get("/atendimento/agencia-virtual/")
    assert (
        settings_page.status_code == 200
        and "Seu perfil permite só consultar" in settings_page.content.decode()
    )
    assert staff.post("/atendimento/agencia-virtual/", {"web_idle_minutes": 30}).status_code == 403
    item.refresh_from_db()
    assert item.status == "received" and item.events.count() == 1


def test_the_menu_shows_the_desk_to_whom_it_is_granted(desk: Client) -> None:
    home = desk.get("/").content.decode()
    assert "Protocolos" in home and f'href="{DESK}"' in home and "Registrar no balcão" in home


# --- moves ----------------------------------------------------------------------------------------


def test_acknowledge_route_and_close_each_write_an_event_and_an_audit_row(
    desk: Client, citizen: Citizen
) -> None:
    item = _open(citizen)
    url = f"{DESK}{item.protocol}/"

    response = desk.post(url + "receber/", {"note": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "pending" and item.received_by == "atendente1" and item.received_at
    assert len(_audits("portal.request_acknowledge", item)) == 1

    response = desk.post(url + "encaminhar/", {"unit": "Comercial", "note": "Conferir a conta de junho"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.unit, item.received_at) == ("received", "Comercial", None)
    audit = _audits("portal.request_route", item)[0]
    assert audit.before["status"] == "pending" and audit.before["unit"] == "Atendimento"
    assert audit.before["received_by"] == "atendente1" and audit.after["received_at"] is None
    assert audit.after["unit"] == "Comercial" and audit.reason == "Conferir a conta de junho"

    desk.post(url + "receber/", {"note": "Recebido pelo comercial"})
    assert (
        desk.post(url + "situacao/", {"status": "in_progress", "reason": "", "note": ""}).status_code == 302
    )
    assert (
        desk.post(
            url + "situacao/", {"status": "closed", "reason": "Conclusão do serviço", "note": ""}
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.status == "closed" and item.closing_reason == "Conclusão do serviço" and item.closed_at
    assert _events(item) == [
        ("received", "", "Atendimento"),
        ("pending", "", "Atendimento"),
        ("received", "Atendimento", "Comercial"),
        ("pending", "", "Comercial"),
        ("in_progress", "", "Comercial"),
        ("closed", "", "Comercial"),
    ]
    assert len(_audits("portal.request_status_change", item)) == 2
    page = desk.get(url).content.decode()
    assert "Conferir a conta de junho" in page and "Recebido pelo comercial" in page
    assert "Movimentar" not in page  # a closed protocol offers no more moves


def test_illegal_moves_are_refused_with_the_reason_and_change_nothing(desk: Client, citizen: Citizen) -> None:
    item = _open(citizen)
    url = f"{DESK}{item.protocol}/"
    early = desk.post(url + "situacao/", {"status": "in_progress", "reason": "", "note": ""})
    assert early.status_code == 400
    assert (
        f"Confirme o recebimento do protocolo {item.protocol} antes de mudar a situação."
        in early.content.decode()
    )

    desk.post(url + "receber/", {})
    again = desk.post(url + "receber/", {})
    assert again.status_code == 400
    assert f"O protocolo {item.protocol} já foi recebido pelo setor Atendimento." in again.content.decode()

    no_reason = desk.post(url + "situacao/", {"status": "closed", "reason": "", "note": ""})
    assert no_reason.status_code == 400 and "Informe o motivo do encerramento." in no_reason.content.decode()
    same_unit = desk.post(url + "encaminhar/", {"unit": "Atendimento", "note": "volta"})
    assert same_unit.status_code == 400  # not even offered in the list: the form refuses it
    unknown = desk.post(url + "encaminhar/", {"unit": "Tesouraria", "note": "volta"})
    assert unknown.status_code == 400

    desk.post(url + "situacao/", {"status": "closed", "reason": "Atendido", "note": ""})
    late = desk.post(url + "encaminhar/", {"unit": "Comercial", "note": "reabrir"})
    assert late.status_code == 400
    assert f"O protocolo {item.protocol} está encerrado e não pode ser encaminhado." in late.content.decode()
    item.refresh_from_db()
    assert [s for s, _, _ in _events(item)] == ["received", "pending", "closed"]
    assert not _audits("portal.request_route", item)


# --- list, filters, ombudsman inbox ---------------------------------------------------------------


def test_filters_search_pagination_and_the_ombudsman_pending_receipt_notice(
    desk: Client, citizen: Citizen, stranger: Citizen
) -> None:
    leak = _open(citizen)
    complaint = _open(
        citizen, kind="ombudsman", type_code="complaint", description="Atendimento demorado demais."
    )
    theirs = _open(stranger, type_code="reconnection")
    listing = desk.get(DESK).content.decode()
    assert "Ouvidoria:</strong> 1 manifestação(ões) pendente(s) de recebimento" in listing
    inbox = desk.get(DESK, {"kind": "ombudsman", "status": "received"}).content.decode()
    assert complaint.protocol in inbox and leak.protocol not in inbox

    def found(**params: str) -> set[str]:
        page = desk.get(DESK, params).content.decode()
        return {p for p in (leak.protocol, complaint.protocol, theirs.protocol) if p in page}

    assert found(type="reconnection") == {theirs.protocol}
    assert found(unit="Ouvidoria") == {complaint.protocol}
    assert found(channel="web") == {leak.protocol, complaint.protocol, theirs.protocol}
    assert found(channel="counter") == set()
    assert found(q=leak.protocol) == {leak.protocol}
    assert found(q=f"{stranger.cpf[:3]}.{stranger.cpf[3:6]}.{stranger.cpf[6:9]}-{stranger.cpf[9:]}") == {
        theirs.protocol
    }
    assert found(q=citizen.home.account_number) == {leak.protocol, complaint.protocol}
    today = tenant_today()
    assert len(found(date_from=today.isoformat(), date_to=today.isoformat())) == 3
    assert found(date_from=(today + dt.timedelta(days=1)).isoformat()) == set()
    bad = desk.get(
        DESK, {"date_from": today.isoformat(), "date_to": (today - dt.timedelta(days=1)).isoformat()}
    )
    assert "A data final é anterior à inicial." in bad.content.decode()
    paged = desk.get(DESK, {"page_size": 10, "channel": "web"}).content.decode()
    assert "3 registro(s) · página 1 de 1" in paged

    desk.post(f"{DESK}{complaint.protocol}/receber/", {})
    assert "pendente(s) de recebimento" not in desk.get(DESK).content.decode()


def test_attachments_download_only_through_the_desk(desk: Client, citizen: Citizen) -> None:
    item = _open(citizen, attachments=[SimpleUploadedFile("foto.png", PNG, content_type="image/png")])
    attachment = item.attachments.get()
    response = desk.get(f"{DESK}{item.protocol}/anexos/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"] == 'attachment; filename="foto.png"'
    other = _open(citizen)
    assert desk.get(f"{DESK}{other.protocol}/anexos/{attachment.pk}/").status_code == 404


def test_a_protocol_of_another_utility_is_404_on_this_desk(desk: Client) -> None:
    with tenant_context("beta"):
        customer = f.customer("Ana Beatriz Rocha")
        prop = f.prop(holder=customer)
        theirs = services.request_open(
            grant=None,
            kind="service",
            type_code="leak",
            prop=prop,
            requester=services.Requester(
                name="Ana Beatriz Rocha", email="ana@example.com", phone="1533334444"
            ),
            channel="web",
        )
    with tenant_context("beta"):  # a number this utility's series does not have
        ServiceRequest.objects.filter(pk=theirs.pk).update(protocol="1999000001")
    assert desk.get(f"{DESK}1999000001/").status_code == 404
    assert desk.post(f"{DESK}1999000001/receber/", {}).status_code == 404
    assert "Nenhum protocolo encontrado" in desk.get(DESK, {"q": "1999000001"}).content.decode()


# --- the counter channel (VA-24) ------------------------------------------------------------------


def test_a_counter_request_gets_a_protocol_and_the_citizen_sees_it(desk: Client, citizen: Citizen) -> None:
    form = desk.get(f"{DESK}balcao/", {"imovel": citizen.home.pk}).content.decode()
    assert f'value="{citizen.home.account_number}"' in form
    response = desk.post(
        f"{DESK}balcao/",
        {
            "account": citizen.home.account_number,
            "type": "new_connection",  # not offered on the agency, served at the counter
            "name": "Maria da Conceição Souza",
            "phone": "(15) 3333-4444",
            "description": "Ligação nova para o fundo do lote.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = ServiceRequest.objects.get(property=citizen.home)
    assert item.channel == "counter" and item.requester_email == "" and item.unit == "Atendimento"
    assert (
        AuditEntry.objects.get(action="portal.request_create", object_id=str(item.pk)).actor == "atendente1"
    )
    assert item.events.get().actor == "atendente1"

    unknown = desk.post(
        f"{DESK}balcao/",
        {"account": "99999-7", "type": "leak", "name": "Fulano de Tal", "phone": "1533334444"},
    )
    assert unknown.status_code == 400 and "Nenhum imóvel com a matrícula 99999-7." in unknown.content.decode()

    agency = Client(HTTP_HOST="alpha.localhost")
    sign_in(agency, citizen.home, citizen.cpf)
    listing = agency.get(f"/agencia/imoveis/{citizen.home.pk}/pedidos/").content.decode()
    assert item.protocol in listing and "Ligação nova de água" in listing and "(balcão)" in listing


# --- VA-24 / VA-25 for the citizen ----------------------------------------------------------------


def test_the_citizen_sees_the_va24_columns_and_the_routing_history_in_order(
    desk: Client, citizen: Citizen, stranger: Citizen
) -> None:
    item = _open(citizen)
    url = f"{DESK}{item.protocol}/"
    desk.post(url + "receber/", {})
    desk.post(url + "encaminhar/", {"unit": "Operação e manutenção", "note": "Equipe de rua"})
    desk.post(url + "receber/", {})
    desk.post(url + "situacao/", {"status": "closed", "reason": "Conclusão do serviço", "note": ""})

    agency = Client(HTTP_HOST="alpha.localhost")
    sign_in(agency, citizen.home, citizen.cpf)
    listing = agency.get(f"/agencia/imoveis/{citizen.home.pk}/pedidos/").content.decode()
    for column in ("Número", "Especificação", "Data atendimento", "Data encerramento", "Situação",
                   "Motivo encerramento"):  # fmt: skip
        assert f'<th scope="col">{column}</th>' in listing
    today = tenant_today().strftime("%d/%m/%Y")
    assert "Conclusão do serviço" in listing and listing.count(today) >= 2

    detail = agency.get(f"/agencia/imoveis/{citizen.home.pk}/pedidos/{item.protocol}/").content.decode()
    history = detail[detail.index("agency-history") :]
    positions = [
        history.index(s) for s in ("Pendente de recebimento", "Equipe de rua", "Conclusão do serviço")
    ]
    assert positions == sorted(positions)
    assert '<td data-label="Do setor">Atendimento</td>' in history
    assert '<td data-label="Para o setor">Operação e manutenção</td>' in history

    token = agency.post(
        "/agencia/api/v1/auth/token",
        {"account": citizen.home.account_number, "document": citizen.cpf},
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    rows = agency.get(f"/agencia/api/v1/properties/{citizen.home.pk}/requests", **auth).json()
    assert rows[0]["protocol"] == item.protocol and rows[0]["closing_reason"] == "Conclusão do serviço"
    assert rows[0]["channel"] == "web" and rows[0]["unit"] == "Operação e manutenção"
    body = agency.get(f"/agencia/api/v1/requests/{item.protocol}", **auth).json()
    assert [(e["status"], e["from_unit"], e["to_unit"]) for e in body["events"]] == [
        ("received", "", "Atendimento"),
        ("pending", "", "Atendimento"),
        ("received", "Atendimento", "Operação e manutenção"),
        ("pending", "", "Operação e manutenção"),
        ("closed", "", "Operação e manutenção"),
    ]
    other = Client(HTTP_HOST="alpha.localhost")
    sign_in(other, stranger.home, stranger.cpf)
    assert other.get(f"/agencia/imoveis/{stranger.home.pk}/pedidos/{item.protocol}/").status_code == 404


# --- VA-26: CPF/CNPJ update -----------------------------------------------------------------------


def _document_request(client: Client, citizen: Citizen, number: str, with_file: bool = True) -> Any:
    data: dict[str, Any] = {
        "new_document": number,
        "name": "Maria da Conceição Souza",
        "phone": "15999991234",
        "email": "maria@example.com",
    }
    if with_file:
        data["attachments"] = [SimpleUploadedFile("rg.png", PNG, content_type="image/png")]
    return client.post(f"/agencia/imoveis/{citizen.home.pk}/cpf-cnpj/", data)


def test_va26_the_request_validates_the_number_and_needs_a_document(
    tenant_alpha: Any, citizen: Citizen
) -> None:
    agency = Client(HTTP_HOST="alpha.localhost")
    sign_in(agency, citizen.home, citizen.cpf)
    assert (
        "peça a atualização do CPF/CNPJ"
        in agency.get(f"/agencia/imoveis/{citizen.home.pk}/cadastro/").content.decode()
    )
    bad = _document_request(agency, citizen, "123.456.789-00")
    assert bad.status_code == 400 and "CPF/CNPJ inválido: confira os dígitos." in bad.content.decode()
    no_file = _document_request(agency, citizen, f.cpf(555_000_111), with_file=False)
    assert no_file.status_code == 400
    assert "Anexe a foto ou o PDF de um documento com o novo CPF/CNPJ." in no_file.content.decode()
    assert not ServiceRequest.objects.exists()

    new = f.cpf(555_000_111)
    ok = _document_request(agency, citizen, new)
    assert ok.status_code == 302
    item = ServiceRequest.objects.get()
    assert (item.type_code, item.new_document, item.customer_id) == (
        "document_update",
        new,
        citizen.customer.pk,
    )
    assert item.type_label == "Atualização cadastral - CPF/CNPJ" and item.attachments.count() == 1
    citizen.customer.refresh_from_db()
    assert citizen.customer.cpf_cnpj != new  # nothing changes before the desk approves

    token = agency.post(
        "/agencia/api/v1/auth/token",
        {"account": citizen.home.account_number, "document": citizen.cpf},
        content_type="application/json",
    ).json()["token"]
    api = agency.post(
        f"/agencia/api/v1/properties/{citizen.home.pk}/document-update",
        {"new_document": "11.222.333/0001-00", "name": "Maria", "phone": "15999991234",
         "email": "maria@example.com", "attachments": [_pdf()]},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    assert api.status_code == 400 and api.json()["detail"] == "CPF/CNPJ inválido: confira os dígitos."
    cnpj = f.cnpj("112223330001")
    api = agency.post(
        f"/agencia/api/v1/properties/{citizen.home.pk}/document-update",
        {"new_document": cnpj, "name": "Maria", "phone": "15999991234",
         "email": "maria@example.com", "attachments": [_pdf()]},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    assert api.status_code == 201 and api.json()["type"] == "document_update"


def test_va26_approval_applies_the_number_through_the_registry_and_closes_the_protocol(
    desk: Client, citizen: Citizen
) -> None:
    agency = Client(HTTP_HOST="alpha.localhost")
    sign_in(agency, citizen.home, citizen.cpf)
    new = f.cpf(555_000_222)
    _document_request(agency, citizen, new)
    item = ServiceRequest.objects.get()
    url = f"{DESK}{item.protocol}/"
    early = desk.post(url + "cpf-cnpj/", {"decision": "approve", "reason": ""})
    assert early.status_code == 400 and "Confirme o recebimento" in early.content.decode()
    desk.post(url + "receber/", {})
    page = desk.get(url).content.decode()
    assert "Atualização cadastral - CPF/CNPJ" in page and "Aprovar e atualizar o cadastro" in page
    closing = desk.post(url + "situacao/", {"status": "closed", "reason": "feito", "note": ""})
    assert closing.status_code == 400 and "aprove ou recuse o pedido" in closing.content.decode()

    old = citizen.cpf
    assert desk.post(url + "cpf-cnpj/", {"decision": "approve", "reason": ""}).status_code == 302
    citizen.customer.refresh_from_db()
    item.refresh_from_db()
    assert citizen.customer.cpf_cnpj == new
    assert item.status == "closed" and item.closing_reason == "CPF/CNPJ atualizado no cadastro"
    change = AuditEntry.objects.get(action="registry.customer_document_change")
    assert change.before == {"cpf_cnpj": old} and change.after == {"cpf_cnpj": new}
    assert change.actor == "atendente1" and item.protocol in change.reason
    assert len(_audits("portal.document_update_approve", item)) == 1


def test_va26_rejection_and_a_number_that_belongs_to_another_customer(
    desk: Client, citizen: Citizen, stranger: Citizen
) -> None:
    agency = Client(HTTP_HOST="alpha.localhost")
    sign_in(agency, citizen.home, citizen.cpf)
    _document_request(agency, citizen, stranger.cpf)  # someone else's number
    taken = ServiceRequest.objects.get()
    desk.post(f"{DESK}{taken.protocol}/receber/", {})
    refused = desk.post(f"{DESK}{taken.protocol}/cpf-cnpj/", {"decision": "approve", "reason": ""})
    assert refused.status_code == 400
    assert "O CPF/CNPJ informado já pertence a outro cliente do cadastro (João Pereira Lima)." in (
        refused.content.decode()
    )
    taken.refresh_from_db()
    citizen.customer.refresh_from_db()
    assert taken.status == "pending" and citizen.customer.cpf_cnpj != stranger.cpf

    no_reason = desk.post(f"{DESK}{taken.protocol}/cpf-cnpj/", {"decision": "reject", "reason": ""})
    assert no_reason.status_code == 400 and "Informe o motivo da recusa" in no_reason.content.decode()
    ok = desk.post(
        f"{DESK}{taken.protocol}/cpf-cnpj/", {"decision": "reject", "reason": "Documento ilegível"}
    )
    assert ok.status_code == 302
    taken.refresh_from_db()
    assert taken.status == "closed" and taken.closing_reason == "Pedido recusado: Documento ilegível"
    assert len(_audits("portal.document_update_reject", taken)) == 1
    listing = agency.get(f"/agencia/imoveis/{citizen.home.pk}/pedidos/").content.decode()
    assert "Pedido recusado: Documento ilegível" in listing


def test_va26_approval_needs_the_right_to_change_customers(
    tenant_alpha: Any, alpha_client: Client, citizen: Citizen
) -> None:
    from modules.service.services import protocols
    from portal import services_desk

    grant = Grant(citizen.home.pk, citizen.home.account_number, document=citizen.cpf)
    item = services_desk.document_update_request(
        grant=grant,
        prop=citizen.home,
        new_document=f.cpf(555_000_333),
        requester=services.Requester(name="Maria Souza", email="m@example.com", phone="15999991234"),
        attachments=[SimpleUploadedFile("rg.png", PNG, content_type="image/png")],
        channel="web",
    )
    protocols.request_acknowledge(actor=SystemActor("tests"), request=item)
    gestor = _staff(alpha_client, "gestor1", "Gestor")  # protocols: change; customers: view only
    response = gestor.post(f"{DESK}{item.protocol}/cpf-cnpj/", {"decision": "approve", "reason": ""})
    assert response.status_code == 403
    assert "Seu perfil não permite alterar o CPF/CNPJ de clientes do cadastro." in response.content.decode()


# --- agency settings ------------------------------------------------------------------------------


SIX_DAYS = "Ofereça ao menos 6 dias de vencimento diferentes (Lei 9.791/1999)."


def _settings_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "sign_in_mode": "account_check_digit_and_document",
        "sign_in_roles": ["owner", "bill_payer"],
        "due_day_options": "5, 10, 15, 20, 25, 28",
        "due_day_min_interval_days": "30",
        "request_types": ["leak", "water_shortage", "document_update"],
        "units": "Atendimento\nOuvidoria\nComercial",
        "landing_text": "Bem-vindo à agência.",
        "service_hours": "Seg. a sex., 8h às 17h",
        "ombudsman_email": "ouvidoria@example.com",
        "web_idle_minutes": "20",
        "totem_idle_seconds": "120",
        "attachment_max_files": "4",
        "attachment_max_mb": "2.5",
        "online_agreements": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_screen_saves_every_field_audited_with_before_and_after(
    tenant_alpha: Any, alpha_client: Client
) -> None:
    staff = _staff(alpha_client, "gestor2", "Gestor")
    page = staff.get("/atendimento/agencia-virtual/").content.decode()
    assert "http://alpha.localhost/agencia/" in page and "http://alpha.localhost/totem/" in page
    response = staff.post("/atendimento/agencia-virtual/", _settings_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    agency = AgencySettings.current()
    assert agency.due_day_options == [5, 10, 15, 20, 25, 28]
    assert agency.sign_in_roles == ["owner", "bill_payer"]
    assert agency.units == ["Atendimento", "Ouvidoria", "Comercial"]
    assert (agency.attachment_max_bytes, agency.attachment_max_files) == (2_500_000, 4)
    assert (agency.web_idle_minutes, agency.totem_idle_seconds, agency.online_agreements) == (20, 120, True)
    assert agency.ombudsman_email == "ouvidoria@example.com" and agency.due_day_min_interval_days == 30
    audit = AuditEntry.objects.get(action="portal.settings_update")
    assert audit.actor == "gestor2"
    assert audit.before["due_day_options"] == [5, 10, 15, 20, 25, 30]
    assert audit.after["due_day_options"] == [5, 10, 15, 20, 25, 28]
    assert "landing_text" in audit.after and "updated_at" not in audit.after


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due_day_options": "5, 10, 15, 20, 25"}, SIX_DAYS),
        ({"due_day_options": "5, 10, 10, 15, 20, 25"}, SIX_DAYS),
        ({"due_day_options": "0, 5, 10, 15, 20, 25"}, "Os dias de vencimento devem estar entre 1 e 31."),
        ({"due_day_options": "5, dez, 15"}, "Use só números separados por vírgula"),
        ({"sign_in_roles": None}, "Escolha quem pode entrar: proprietário, responsável pela conta"),
        ({"units": "Atendimento\natendimento"}, "Há setores repetidos na lista."),
        ({"web_idle_minutes": "0"}, "A sessão da agência expira entre 5 e 120 minutos."),
        ({"totem_idle_seconds": "5"}, "O totem sai sozinho entre 30 e 600 segundos."),
        ({"attachment_max_files": "50"}, "Permita de 1 a 10 anexos por protocolo."),
        ({"attachment_max_mb": "200"}, "O tamanho do anexo vai de 0,1 MB a 20 MB."),
        ({"ombudsman_email": "ouvidoria@"}, "E-mail da ouvidoria inválido."),
    ],
)  # fmt: skip
def test_settings_validation_messages(
    tenant_alpha: Any, alpha_client: Client, changes: dict[str, Any], message: str
) -> None:
    staff = _staff(alpha_client, "gestor3", "Gestor")
    before = AgencySettings.current().due_day_options
    response = staff.post("/atendimento/agencia-virtual/", _settings_form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AgencySettings.current().due_day_options == before
    assert not AuditEntry.objects.filter(action="portal.settings_update").exists()
