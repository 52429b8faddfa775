"""The protocol desk in Debian's Chromium: a citizen asks for a service in the agency, an attendant
finds it on the desk, confirms receiving it and routes it to another sector with a note, then the
citizen sees that routing (date, from, to, status) in the agency (VA-24/VA-25); a CPF/CNPJ update
(VA-26) sent with a document is approved on the desk; the settings screen with its links (VA-01).

As in test_browser.py, a real WSGI server in a thread serves committed rows, removed at the end.
Screenshots go to tests/artifacts/portal/ (git-ignored).
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application

from modules.common.tenancy import tenant_context

from .test_browser import (
    DESKTOP,
    PHONE,
    Person,
    _axe,
    _make_person,
    _no_overflow,
    _QuietHandler,
    _remove,
    _shot,
    _sign_in,
    _ThreadingWSGIServer,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "Senha-forte-123"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    from modules.access.models import Profile, User
    from modules.registry.models import Customer
    from saas.middleware import host_cache
    from tests.conftest import make_user

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    username = f"atendente-navegador-{random.randint(1000, 9999)}"
    with django_db_blocker.unblock():
        host_cache.clear()
        maria: Person = _make_person("alpha", "Maria da Conceição Souza")
        with tenant_context("alpha"):
            customer_id = Customer.objects.get(cpf_cnpj=maria.cpf).pk
            user = make_user("alpha", username, PASSWORD, full_name="Atendente Navegador")
            user.profiles.add(Profile.objects.get(name="Atendente"), Profile.objects.get(name="Gestor"))
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        upload = tmp_path_factory.mktemp("desk") / "documento-cpf.png"
        upload.write_bytes(PNG)
        try:
            yield {"port": server.server_port, "maria": maria, "username": username, "upload": upload}
        finally:
            server.shutdown()
            server.server_close()
            _remove([maria])
            with tenant_context("alpha"):
                Customer.objects.filter(pk=customer_id).delete()  # its CPF may have changed on approval
                User.objects.filter(username=username).delete()
            host_cache.clear()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_async


def _url(world: dict[str, Any], path: str) -> str:
    return f"http://alpha.localhost:{world['port']}{path}"


def _page(browser: Any, viewport: dict[str, int]) -> Any:
    return browser.new_context(viewport=viewport, locale="pt-BR").new_page()


def _staff_sign_in(page: Any, world: dict[str, Any]) -> None:
    page.goto(_url(world, "/conta/entrar/"))
    page.fill("#id_username", world["username"])
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(_url(world, "/"))


def test_staff_route_a_citizens_request_and_the_citizen_sees_the_routing(
    browser: Any, world: dict[str, Any]
) -> None:
    maria: Person = world["maria"]
    citizen = _page(browser, PHONE)
    _sign_in(citizen, world, maria)
    citizen.click("text=Pedir um serviço")
    citizen.click("text=Falta d'água")
    citizen.fill("#id_phone", "(15) 99999-1234")
    citizen.fill("#id_email", "maria@example.com")
    citizen.click("form.agency-form button[type=submit]")
    citizen.wait_for_url("**/pedidos/2*/")
    protocol = citizen.url.rstrip("/").rsplit("/", 1)[1]

    staff = _page(browser, DESKTOP)
    _staff_sign_in(staff, world)
    staff.click("nav.sidebar >> text=Protocolos")
    staff.fill("#id_q", protocol)
    staff.click("form.filters button")
    _shot(staff, "desk-1-list")
    staff.click(f"text={protocol}")
    staff.wait_for_url(f"**/atendimento/protocolos/{protocol}/")
    assert "Pendente de recebimento" in staff.locator("h1").inner_text()
    _shot(staff, "desk-2-detail-received")
    staff.click("button:has-text('Confirmar recebimento')")
    assert "Recebimento confirmado." in staff.locator(".messages").inner_text()
    staff.select_option("#id_unit", "Comercial")
    staff.fill("#id_note", "Conferir se há débito antes de enviar a equipe")
    staff.click("button:has-text('Encaminhar')")
    assert "Protocolo encaminhado ao setor Comercial." in staff.locator(".messages").inner_text()
    _shot(staff, "desk-3-detail-routed")
    _no_overflow(staff)
    staff.context.close()

    citizen.goto(_url(world, f"/agencia/imoveis/{maria.property_id}/pedidos/"))
    assert citizen.locator("table", has_text=protocol).count() == 1
    _shot(citizen, "desk-4-citizen-list-phone")
    _axe(citizen)
    _no_overflow(citizen)
    citizen.click(f"text={protocol}")
    rows = citizen.locator(".agency-history tbody tr")
    # opened, its service order opened awaiting validation (ADR 0223), received, routed
    assert rows.count() == 4
    assert "aguarda a validação da concessionária" in rows.nth(1).inner_text()
    routed = rows.nth(3).inner_text()
    assert "Atendimento" in routed and "Comercial" in routed and "Pendente de recebimento" in routed
    assert "Conferir se há débito antes de enviar a equipe" in routed
    _shot(citizen, "desk-5-citizen-history-phone")
    _axe(citizen)
    _no_overflow(citizen)
    citizen.context.close()


def test_a_cpf_update_with_a_document_is_approved_on_the_desk(browser: Any, world: dict[str, Any]) -> None:
    from tests.registry import factories as f

    maria: Person = world["maria"]
    new_cpf = f.cpf(random.randint(200_000_000, 899_999_999))
    citizen = _page(browser, DESKTOP)
    _sign_in(citizen, world, maria)
    citizen.goto(_url(world, f"/agencia/imoveis/{maria.property_id}/cadastro/"))
    citizen.click("text=peça a atualização do CPF/CNPJ")
    citizen.fill("#id_new_document", new_cpf)
    citizen.fill("#id_phone", "(15) 99999-1234")
    citizen.fill("#id_email", "maria@example.com")
    citizen.set_input_files("#id_attachments", str(world["upload"]))
    _shot(citizen, "desk-6-citizen-cpf-form")
    _axe(citizen)
    citizen.click("form.agency-form button[type=submit]")
    citizen.wait_for_url("**/pedidos/2*/")
    protocol = citizen.url.rstrip("/").rsplit("/", 1)[1]
    citizen.context.close()

    staff = _page(browser, DESKTOP)
    _staff_sign_in(staff, world)
    staff.goto(_url(world, f"/atendimento/protocolos/{protocol}/"))
    staff.click("button:has-text('Confirmar recebimento')")
    assert staff.locator("a", has_text="documento-cpf.png").count() == 1
    _shot(staff, "desk-7-cpf-decision")
    staff.click("button:has-text('Aprovar e atualizar o cadastro')")
    assert "o CPF/CNPJ do cliente foi atualizado" in staff.locator(".messages").inner_text()
    _shot(staff, "desk-8-cpf-approved")
    staff.goto(_url(world, "/atendimento/agencia-virtual/"))
    assert f"alpha.localhost:{world['port']}/agencia/" in staff.content()
    _shot(staff, "desk-9-settings")
    staff.context.close()
    with tenant_context("alpha"):
        from modules.registry.models import Customer

        assert Customer.objects.filter(cpf_cnpj=new_cpf, relations__property_id=maria.property_id).exists()
