"""Attendances (3.2.13.1-4, §10) through the pages an attendant uses and the services behind them:
one open attendance per attendant, a protocol per contact from the yearly series, subjects with
their checklists, protocols opened inside it with their type's deadline and queue, the automatic
action log, comments only their author edits, documents checked by their bytes, closing with the
protocol by e-mail, the three time indicators, earlier contacts and the follow-up queue."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from modules.access.models import Profile
from modules.common.clock import tenant_today
from modules.common.errors import PermissionDenied, ValidationFailed
from modules.common.models import AuditEntry
from modules.service.models import (
    Attendance,
    AttendanceComment,
    Document,
    ProtocolCounter,
    ProtocolType,
    ServiceRequest,
)
from modules.service.services import attendance as svc
from modules.service.services import desk_config
from modules.service.services.protocols import Requester
from tests.conftest import make_user
from tests.registry import factories as f

PASSWORD = "Senha-forte-123"
BASE = "/servicos/atendimentos/"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _signed_in(client: Client, username: str, *profiles: str) -> tuple[Client, Any]:
    user = make_user(connection.schema_name, username, PASSWORD)
    for name in profiles:
        user.profiles.add(Profile.objects.get(name=name))
    assert client.post("/conta/entrar/", {"username": username, "password": PASSWORD}).status_code == 302
    return client, user


@pytest.fixture
def attendant(tenant_alpha: Any, alpha_client: Client) -> tuple[Client, Any]:
    return _signed_in(alpha_client, "atendente7", "Atendente")


def test_starting_on_the_page_gives_a_protocol_and_a_second_start_is_refused(
    attendant: tuple[Client, Any],
) -> None:
    client, user = attendant
    year = tenant_today().year
    before = ProtocolCounter.objects.filter(year=year).values_list("last", flat=True).first() or 0
    response = client.post(BASE, {"channel": "phone", "caller_number": "(15) 99999-1234"})
    assert response.status_code == 302
    item = Attendance.objects.get(attendant=user)
    assert item.protocol == f"{year}{before + 1:06d}" and item.channel == "phone"
    assert item.caller_number == "15999991234" and item.ended_at is None
    assert response.url == f"{BASE}{item.pk}/"
    page = client.get(response.url).content.decode()
    assert f"Atendimento {item.protocol}" in page and 'id="att-timer"' in page

    again = client.post(BASE, {"channel": "counter"})
    assert again.status_code == 409
    assert f"Encerre o atendimento {item.protocol} antes de iniciar outro." in again.content.decode()
    assert Attendance.objects.filter(attendant=user).count() == 1
    # the database refuses it too, whatever the caller
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(protocol="x1", channel="chat", attendant=user, started_at=timezone.now())


def test_the_service_refuses_an_unknown_channel_and_a_missing_property(attendant: tuple[Client, Any]) -> None:
    _, user = attendant
    with pytest.raises(ValidationFailed) as bad:
        svc.attendance_start(user, "fax")
    assert bad.value.field == "channel"
    with pytest.raises(Exception) as missing:
        svc.attendance_start(user, "counter", property_id=987654321)
    assert getattr(missing.value, "code", "") == "property_not_found"
    assert not Attendance.objects.filter(attendant=user).exists()


def test_parallel_starts_get_distinct_protocols(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Committed data and real concurrent connections: the protocol series is a locked row, so 20
    attendants starting at once get 20 different numbers (3.2.13.1)."""
    from tenants.models import Tenant

    with django_db_blocker.unblock():
        alpha = Tenant.objects.get(schema_name="alpha")
        connection.set_tenant(alpha)
        stamp = timezone.now().strftime("%H%M%S%f")
        users = [make_user("alpha", f"par{stamp}{n}", PASSWORD) for n in range(20)]
        errors: list[BaseException] = []
        barrier = threading.Barrier(len(users))

        def start(user: Any) -> None:
            from django.db import connection as conn

            try:
                conn.set_tenant(alpha)
                barrier.wait()
                svc.attendance_start(user, "counter")
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                conn.close()

        try:
            threads = [threading.Thread(target=start, args=(u,)) for u in users]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == []
            numbers = list(Attendance.objects.filter(attendant__in=users).values_list("protocol", flat=True))
            assert len(numbers) == 20 and len(set(numbers)) == 20
        finally:
            Attendance.objects.filter(attendant__in=users).delete()
            for u in users:
                u.delete()
            connection.set_schema_to_public()


def test_subjects_checklist_protocol_and_closing_with_the_protocol_by_email(
    attendant: tuple[Client, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client, user = attendant
    maria = f.customer("Maria da Conceição Souza", email="maria@example.com")
    home = f.prop(holder=maria)
    desk_config.protocol_type_set(
        actor=user,
        code="ownership_change",
        kind="service",
        label="Transferência de titularidade",
        deadline_days=7,
        queue="Cadastro",
        checklist=["RG e CPF do novo titular", "Escritura ou contrato"],
    )
    item = svc.attendance_start(user, "counter", property_id=home.pk, customer_id=maria.pk)
    url = f"{BASE}{item.pk}/"
    assert (
        client.post(url + "assunto/", {"type": "ownership_change", "note": "comprou o imóvel"}).status_code
        == 302
    )
    assert client.post(url + "assunto/", {"type": "leak", "note": ""}).status_code == 302
    assert [s.type.code for s in item.subjects.all()] == ["ownership_change", "leak"]  # several subjects
    page = client.get(url).content.decode()
    assert "Documentos para Transferência de titularidade" in page and "Escritura ou contrato" in page
    assert f"/servicos/atendimento/imovel/{home.pk}/" in page  # the one-screen view of the property
    client.post(
        url + "conferencia/", {"type": "ownership_change", "item": ["RG e CPF do novo titular", "inventado"]}
    )
    item.refresh_from_db()
    assert item.checklist_done == {"ownership_change": ["RG e CPF do novo titular"]}

    today = tenant_today()
    response = client.post(
        url + "protocolo/",
        {"type": "ownership_change", "name": "Maria", "phone": "15999991234", "description": "x"},
    )
    assert response.status_code == 302
    protocol = ServiceRequest.objects.get(attendance=item)
    assert protocol.unit == "Cadastro" and protocol.expected_on == today + dt.timedelta(days=7)
    assert protocol.property_id == home.pk and protocol.channel == "counter"

    with django_capture_on_commit_callbacks(execute=True):
        closed = client.post(
            url + "encerrar/",
            {
                "closing": "protocol",
                "notes": "Levar a escritura.",
                "send_email": "on",
                "email": "maria@example.com",
            },
        )
    assert closed.status_code == 302
    item.refresh_from_db()
    assert item.ended_at is not None and item.closing == "protocol" and item.emailed_to == "maria@example.com"
    sent = [m for m in mail.outbox if item.protocol in m.subject]
    assert len(sent) == 1 and sent[0].to == ["maria@example.com"]
    assert protocol.protocol in sent[0].body and "Transferência de titularidade" in sent[0].body
    assert "Levar a escritura." in sent[0].body
    # the action log shows what was done while it was open, without anyone typing it
    log = client.get(url).content.decode()
    for label in (
        "Atendimento iniciado",
        "Assunto registrado no atendimento",
        "Protocolo aberto",
        "Atendimento encerrado",
    ):
        assert label in log
    # closed: nothing more changes, and a new attendance may start
    assert client.post(url + "assunto/", {"type": "leak"}).status_code == 409
    assert client.post(BASE, {"channel": "email"}).status_code == 302


def test_closing_without_an_address_sends_nothing(
    attendant: tuple[Client, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client, user = attendant
    item = svc.attendance_start(user, "chat")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}{item.pk}/encerrar/", {"closing": "information", "send_email": "on"})
    assert response.status_code == 400
    assert "Informe o e-mail para enviar o protocolo." in response.content.decode()
    item.refresh_from_db()
    assert item.ended_at is None and not [m for m in mail.outbox if item.protocol in m.subject]


def test_another_attendant_cannot_touch_my_attendance(
    attendant: tuple[Client, Any],
) -> None:
    _, user = attendant
    item = svc.attendance_start(user, "counter")
    other = make_user("alpha", "atendente8", PASSWORD)
    with pytest.raises(PermissionDenied):
        svc.attendance_subject_add(actor=other, attendance=item, type_code="leak")
    assert not item.subjects.exists()


def test_comments_are_edited_only_by_their_author_and_keep_their_history(
    attendant: tuple[Client, Any],
) -> None:
    client, user = attendant
    item = svc.attendance_start(user, "counter")
    assert client.post(f"{BASE}{item.pk}/comentario/", {"text": "Primeira versão"}).status_code == 302
    comment = AttendanceComment.objects.get(attendance=item)
    assert comment.author_id == user.pk and comment.created_at is not None
    assert (
        client.post(f"{BASE}{item.pk}/comentarios/{comment.pk}/", {"text": "Segunda versão"}).status_code
        == 302
    )
    comment.refresh_from_db()
    assert comment.text == "Segunda versão" and comment.edited_at is not None
    assert [h["text"] for h in comment.history] == ["Primeira versão"]
    page = client.get(f"{BASE}{item.pk}/").content.decode()
    assert "Versões anteriores (1)" in page and "Primeira versão" in page

    other = make_user("alpha", "colega1", PASSWORD)
    with pytest.raises(PermissionDenied) as refused:
        svc.attendance_comment_edit(actor=other, comment=comment, text="Reescrito por outro")
    assert refused.value.code == "not_author"
    comment.refresh_from_db()
    assert comment.text == "Segunda versão" and len(comment.history) == 1


def test_reference_links_configured_show_on_the_comment_screen(attendant: tuple[Client, Any]) -> None:
    client, user = attendant
    response = client.post(
        "/servicos/atendimento/configuracao/",
        {
            "allowed_formats": ["pdf", "png"],
            "max_document_mb": "5",
            "reference_links": "Resolução ARES 1/2024 | https://example.org/ares.pdf",
        },
    )
    assert response.status_code == 302
    item = svc.attendance_start(user, "counter")
    page = client.get(f"{BASE}{item.pk}/").content.decode()
    assert 'href="https://example.org/ares.pdf"' in page and "Resolução ARES 1/2024" in page


def test_documents_are_checked_by_their_bytes_listed_viewed_and_audited(
    attendant: tuple[Client, Any],
) -> None:
    client, user = attendant
    home = f.prop(holder=f.customer("José"))
    item = svc.attendance_start(user, "counter", property_id=home.pk)
    fake = SimpleUploadedFile("foto.png", b"MZ\x90\x00 not an image", content_type="image/png")
    refused = client.post(f"{BASE}{item.pk}/documento/", {"file": fake})
    assert refused.status_code == 400 and "não é de um formato aceito" in refused.content.decode()
    assert not Document.objects.exists()

    capture = SimpleUploadedFile("captura-2026-12-07.png", PNG, content_type="application/octet-stream")
    assert client.post(f"{BASE}{item.pk}/documento/", {"file": capture}).status_code == 302
    doc = Document.objects.get()
    assert doc.kind == "screenshot" and doc.content_type == "image/png" and doc.property_id == home.pk
    assert doc.file.name.startswith("service/documents/")
    listing = client.get(f"/servicos/documentos/?imovel={home.pk}").content.decode()
    assert "captura-2026-12-07.png" in listing
    opened = client.get(f"/servicos/documentos/{doc.token}/")
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == PNG
    assert opened["X-Content-Type-Options"] == "nosniff"
    assert (
        AuditEntry.objects.filter(
            action="service.document_view", object_id=str(doc.pk), actor_id=user.pk
        ).count()
        == 1
    )
    # a utility that stops accepting PNG refuses the next one
    desk_config.desk_configuration_update(
        actor=user, allowed_formats=["pdf"], max_document_bytes=5_000_000, reference_links=[]
    )
    again = client.post(f"/servicos/documentos/?imovel={home.pk}", {"file": SimpleUploadedFile("b.png", PNG)})
    assert again.status_code == 400 and Document.objects.count() == 1


def test_indicators_page_shows_waiting_service_and_total_per_attendant(attendant: tuple[Client, Any]) -> None:
    client, user = attendant
    start = dt.datetime(2026, 11, 3, 13, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        item = svc.attendance_start(user, "counter", waiting_since=start - dt.timedelta(minutes=10))
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        svc.attendance_close(actor=user, attendance=item, closing="resolved")
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        other = svc.attendance_start(user, "phone")
    with time_machine.travel(start + dt.timedelta(hours=1, minutes=3), tick=False):
        svc.attendance_close(actor=user, attendance=other, closing="information")
    page = client.get(
        "/servicos/atendimentos/indicadores/",
        {"date_from": "2026-11-01", "date_to": "2026-11-30", "attendant": user.pk},
    ).content.decode()
    # counter: 10 min waiting, 5 min service; phone: no ticket, 3 min; everybody: 5 + 4 min averages
    assert "00:10:00" in page and "00:05:00" in page and "00:15:00" in page
    assert "00:03:00" in page and "00:04:00" in page and "00:09:00" in page


def test_prior_contacts_by_phone_cpf_and_name_with_their_history(attendant: tuple[Client, Any]) -> None:
    client, user = attendant
    ana = f.customer("Ana Beatriz Prado", phone="15988887777", rg="123456789", mail_street="Rua Tiradentes")
    house = f.prop(holder=ana)
    earlier = svc.attendance_start(
        user, "phone", property_id=house.pk, customer_id=ana.pk, caller_number="15988887777"
    )
    svc.attendance_close(actor=user, attendance=earlier, closing="resolved")
    for q in ("Beatriz", "(15) 98888-7777", "123456789", ana.cpf_cnpj, "Tiradentes"):
        page = client.get("/servicos/atendimentos/contatos/", {"q": q}).content.decode()
        assert "Ana Beatriz Prado" in page and earlier.protocol in page, q
    # from the open attendance, the found customer is linked to it
    current = svc.attendance_start(user, "phone", caller_number="15988887777")
    client.post(f"{BASE}{current.pk}/identificar/", {"customer_id": ana.pk, "property_id": house.pk})
    current.refresh_from_db()
    assert (
        current.customer_id == ana.pk and current.property_id == house.pk and current.contact_name == ana.name
    )


def test_follow_up_queue_by_remaining_deadline_until_the_customer_is_answered(
    attendant: tuple[Client, Any],
) -> None:
    client, user = attendant
    ProtocolType.objects.filter(code="leak").update(deadline_days=1)
    ProtocolType.objects.filter(code="cancellation").update(deadline_days=30)
    item = svc.attendance_start(user, "counter", property_id=f.prop(holder=f.customer("Rui")).pk)
    req = Requester(name="Rui Barbosa", phone="15999990000")
    late = svc.attendance_protocol_open(actor=user, attendance=item, type_code="cancellation", requester=req)
    soon = svc.attendance_protocol_open(actor=user, attendance=item, type_code="leak", requester=req)
    page = client.get("/servicos/protocolos/fila/").content.decode()
    assert page.index(soon.protocol) < page.index(late.protocol)  # least remaining deadline first
    from modules.service.services import protocols

    protocols.request_acknowledge(actor=user, request=soon)
    assert (
        client.post(
            "/servicos/protocolos/fila/", {"protocol": soon.protocol, "action": "answered"}
        ).status_code
        == 302
    )
    soon.refresh_from_db()
    assert soon.status == "answered" and soon.answered_at is not None
    assert f">{soon.protocol}</a>" not in client.get("/servicos/protocolos/fila/").content.decode()
    assert f">{late.protocol}</a>" in client.get("/servicos/protocolos/fila/").content.decode()
    assert soon.events.filter(status="answered").count() == 1
    # the protocol's page shows where it came from and when the customer was answered
    detail = client.get(f"/atendimento/protocolos/{soon.protocol}/").content.decode()
    assert f"/servicos/atendimentos/{item.pk}/" in detail and "Cliente respondido em" in detail


def test_protocol_types_are_edited_on_a_page_and_new_protocols_take_the_new_deadline(
    attendant: tuple[Client, Any],
) -> None:
    client, user = attendant
    page = client.get("/servicos/protocolos/tipos/").content.decode()
    assert "Vazamento (conserto)" in page and "Reclamação" in page  # the seeded types
    response = client.post(
        "/servicos/protocolos/tipos/",
        {
            "code": "leak",
            "kind": "service",
            "label": "Vazamento (conserto)",
            "deadline_days": "4",
            "queue": "Operação e manutenção",
            "checklist": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    item = svc.attendance_start(user, "counter", property_id=f.prop(holder=f.customer("Leo")).pk)
    opened = svc.attendance_protocol_open(
        actor=user,
        attendance=item,
        type_code="leak",
        requester=Requester(name="Leo Lima", phone="15999990000"),
    )
    assert opened.expected_on == tenant_today() + dt.timedelta(days=4)
    assert opened.unit == "Operação e manutenção"


def test_attendance_pages_need_the_function(tenant_alpha: Any, alpha_client: Client) -> None:
    client, user = _signed_in(alpha_client, "semperfil9")
    for url in (
        BASE,
        f"{BASE}indicadores/",
        f"{BASE}contatos/",
        "/servicos/protocolos/fila/",
        "/servicos/protocolos/tipos/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(BASE, {"channel": "counter"}).status_code == 403
    assert not Attendance.objects.filter(attendant=user).exists()


def test_the_property_one_screen_and_its_api_show_attendances_and_protocols(
    attendant: tuple[Client, Any],
) -> None:
    client, user = attendant
    user.profiles.add(Profile.objects.get(name="Gestor"))
    home = f.prop(holder=f.customer("Clara Nunes"))
    item = svc.attendance_start(user, "phone", property_id=home.pk)
    opened = svc.attendance_protocol_open(
        actor=user,
        attendance=item,
        type_code="leak",
        requester=Requester(name="Clara Nunes", phone="15999990000"),
    )
    page = client.get(f"/servicos/atendimento/imovel/{home.pk}/").content.decode()
    assert 'id="attendances"' in page and item.protocol in page and opened.protocol in page
    assert "Vazamento (conserto)" in page
    body = client.get(f"/api/v1/properties/{home.pk}/overview").json()
    assert [a["protocol"] for a in body["attendances"]] == [item.protocol]
    assert [(p["protocol"], p["attendance"], p["type_label"]) for p in body["protocols"]] == [
        (opened.protocol, item.pk, "Vazamento (conserto)")
    ]


def test_the_api_starts_refuses_a_second_and_closes_with_the_protocol_by_email(
    tenant_alpha: Any, alpha_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.conftest import bearer

    user = make_user("alpha", "cti1", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Atendente"))
    headers = bearer(alpha_client, "cti1", PASSWORD)
    started = alpha_client.post(
        "/api/v1/service/attendances",
        {"attendance_channel": "phone", "caller_number": "15988880000", "contact_email": "ze@example.com"},
        content_type="application/json",
        **headers,
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["channel"] == "phone" and body["ended_at"] is None and body["caller_number"] == "15988880000"
    second = alpha_client.post(
        "/api/v1/service/attendances",
        {"attendance_channel": "chat"},
        content_type="application/json",
        **headers,
    )
    assert second.status_code == 409 and second.json()["code"] == "attendance_open"
    with django_capture_on_commit_callbacks(execute=True):
        closed = alpha_client.post(
            f"/api/v1/service/attendances/{body['id']}/close",
            {"closing": "information", "send_email": True},
            content_type="application/json",
            **headers,
        )
    assert closed.status_code == 200 and closed.json()["emailed_to"] == "ze@example.com"
    assert set(closed.json()["times"]) == {"waiting", "service", "total"}
    assert [m.to for m in mail.outbox if body["protocol"] in m.subject] == [["ze@example.com"]]
    listing = alpha_client.get("/api/v1/service/attendances", {"channel": "phone"}, **headers).json()
    assert body["protocol"] in [r["protocol"] for r in listing["results"]]
    indicators = alpha_client.get("/api/v1/service/attendances/indicators", **headers).json()
    assert indicators["all"]["count"] >= 1


def test_closing_sends_the_protocol_by_sms_to_the_caller_through_the_gateway(
    tenant_alpha: Any, alpha_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """3.2.13.3: the protocol by SMS, through the utility's gateway (a local fake server speaking its
    HTTP protocol); a number that is not a mobile is refused naming the field, before anything moves."""
    from fakes.channels import FakeSmsGateway
    from modules.service.models import ChannelSettings, SmsMessage
    from tests.conftest import bearer

    gateway = FakeSmsGateway(token="sms-alpha").start()
    try:
        ChannelSettings.objects.update_or_create(
            pk=1, defaults={"sms_base_url": gateway.url, "sms_token": "sms-alpha", "sms_sender": "SAAE"}
        )
        user = make_user("alpha", "cti2", PASSWORD)
        user.profiles.add(Profile.objects.get(name="Atendente"))
        headers = bearer(alpha_client, "cti2", PASSWORD)
        body = alpha_client.post(
            "/api/v1/service/attendances",
            {"attendance_channel": "phone", "caller_number": "15988880000"},
            content_type="application/json",
            **headers,
        ).json()
        refused = alpha_client.post(
            f"/api/v1/service/attendances/{body['id']}/close",
            {"closing": "information", "send_sms": True, "phone": "123"},
            content_type="application/json",
            **headers,
        )
        assert refused.status_code == 400 and refused.json()["field"] == "phone"
        with django_capture_on_commit_callbacks(execute=True):
            closed = alpha_client.post(
                f"/api/v1/service/attendances/{body['id']}/close",
                {"closing": "information", "send_sms": True},
                content_type="application/json",
                **headers,
            )
        assert closed.status_code == 200, closed.content
        assert [(m["to"], body["protocol"] in m["text"]) for m in gateway.messages] == [
            ("+5515988880000", True)
        ]
        assert SmsMessage.objects.get(purpose="attendance_protocol").phone == "+5515988880000"
    finally:
        gateway.stop()
