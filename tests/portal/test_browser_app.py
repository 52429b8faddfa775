"""The agency as an installable app (issue 23, ADR 0206), in Debian's Chromium: each utility's
manifest carries its own name, colour and icons; the service worker takes the page over; a bill the
citizen opened is still shown with the network gone, on its page and on the offline page; signing
out drops it, so the next person on the phone finds nothing; another utility's host keeps nothing
of it. Rows are committed (the live server has its own connection) and removed at the end."""

from __future__ import annotations

import datetime as dt
import os
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
    _make_person,
    _page,
    _QuietHandler,
    _remove,
    _shot,
    _sign_in,
    _ThreadingWSGIServer,
    _url,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.billing.models import Bill
    from tenants.models import Tenant
    from tests.collection import factories as cf

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with django_db_blocker.unblock():
        from saas.middleware import host_cache

        host_cache.clear()
        names = dict(Tenant.objects.values_list("schema_name", "name"))
        maria = _make_person("alpha", "Maria da Conceição Souza")
        ana = _make_person("beta", "Ana Beatriz Rocha")
        with tenant_context("alpha"):
            from modules.registry.models import Property

            bill = cf.bill(Property.objects.get(pk=maria.property_id), "61.00", dt.date(2031, 7, 10))
            # the staff list's rows (the live server sees committed rows only)
            from modules.notifications.models import Delivery
            from tests.conftest import make_user

            make_user("alpha", "avisos_chefe", is_admin=True)
            Delivery.objects.create(
                property_id=maria.property_id,
                event="bill_issued",
                ref=f"bill:{bill.pk}",
                channel="sms",
                destination="+5511987654321",
                subject="Sua conta de 06/2031 está disponível",
                text=f"Concessionária Alpha: a conta 06/2031 da matrícula {maria.account}, de R$ 61,00, "
                "vence em 10/07/2031.",
                status="sent",
            )
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "names": names, "maria": maria, "ana": ana, "bill": bill}
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                from modules.access.models import User

                User.objects.filter(username="avisos_chefe").delete()
                Bill.objects.filter(property_id=maria.property_id).delete()
            _remove([maria, ana])
            host_cache.clear()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_async


def _controlled(page: Any) -> None:
    """Wait until the service worker is active and controls this page."""
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


def _kept(page: Any) -> list[str]:
    return sorted(
        page.evaluate(
            "async () => (await (await caches.open('agencia-cidadao')).keys())"
            ".map(r => new URL(r.url).pathname)"
        )
    )


@pytest.mark.parametrize(("viewport", "label"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_installed_agency_still_shows_the_last_bill_offline_and_forgets_it_on_sign_out(
    browser: Any, world: dict[str, Any], viewport: dict[str, int], label: str
) -> None:
    maria: Person = world["maria"]
    bill = world["bill"]
    page = _page(browser, viewport)
    context = page.context

    # the manifest the browser installs from: alpha's name, colour and icons
    page.goto(_url(world, "alpha", "/agencia/"))
    href = page.get_attribute("link[rel=manifest]", "href")
    manifest = page.evaluate(f"async () => (await fetch({href!r})).json()")
    assert manifest["name"] == f"{world['names']['alpha']} – Agência virtual"
    assert manifest["start_url"] == "/agencia/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#1351B4"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    icon = page.evaluate(
        "async (src) => { const b = await (await fetch(src)).blob(); const i = await createImageBitmap(b);"
        " return [b.type, i.width]; }",
        manifest["icons"][1]["src"],
    )
    assert icon == ["image/png", 512]

    _sign_in(page, world, maria)
    page.wait_for_url(f"**/agencia/imoveis/{maria.property_id}/")
    _controlled(page)
    bills_path = f"/agencia/imoveis/{maria.property_id}/contas/"
    pdf_path = f"{bills_path}{bill.pk}/pdf/"
    page.goto(_url(world, "alpha", bills_path))
    assert "06/2031" in page.locator("main").inner_text()
    assert page.evaluate(f"async () => (await fetch({pdf_path!r})).status") == 200
    assert _kept(page) == [bills_path, pdf_path]

    context.set_offline(True)
    page.goto(_url(world, "alpha", bills_path))
    assert "06/2031" in page.locator("main").inner_text()  # the last bill, with no network
    _shot(page, f"app-{label}-1-bills-offline")
    page.goto(_url(world, "alpha", f"/agencia/imoveis/{maria.property_id}/pagamentos/"))
    assert page.locator("h1").inner_text() == "Você está sem internet"
    page.wait_for_selector("#offline-bills li")
    links = page.locator("#offline-bills a").all_inner_texts()
    assert links == ["Suas contas (2ª via)", "Conta de 06/2031 (PDF)"]
    assert page.locator("#offline-empty").is_hidden()
    assert maria.name not in page.content()  # the kept shell carries nobody's name
    _shot(page, f"app-{label}-2-offline-page")

    context.set_offline(False)
    page.goto(_url(world, "alpha", f"/agencia/imoveis/{maria.property_id}/"))
    page.click("#sign-out-form button[type=submit]")
    page.wait_for_url("**/agencia/")
    page.wait_for_function("async () => !(await caches.has('agencia-cidadao'))")
    context.set_offline(True)
    page.goto(_url(world, "alpha", bills_path))
    assert "06/2031" not in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "Você está sem internet"
    context.close()


def test_another_utilitys_host_has_its_own_app_and_keeps_nothing_of_the_other(
    browser: Any, world: dict[str, Any]
) -> None:
    maria: Person = world["maria"]
    page = _page(browser, PHONE)
    _sign_in(page, world, maria)
    page.wait_for_url(f"**/agencia/imoveis/{maria.property_id}/")
    _controlled(page)
    page.goto(_url(world, "alpha", f"/agencia/imoveis/{maria.property_id}/contas/"))
    assert len(_kept(page)) == 1

    page.goto(_url(world, "beta", "/agencia/"))
    manifest = page.evaluate("async () => (await fetch('/agencia/manifest.webmanifest')).json()")
    assert manifest["name"] == f"{world['names']['beta']} – Agência virtual"
    _controlled(page)
    assert page.evaluate("async () => await caches.keys()") == [
        page.evaluate("async () => (await caches.keys())[0]")
    ]  # beta's shell only
    assert _kept(page) == []
    page.context.close()


@pytest.mark.parametrize(("viewport", "label"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_notices_page_on_the_phone_and_the_desktop(
    browser: Any, world: dict[str, Any], viewport: dict[str, int], label: str
) -> None:
    maria: Person = world["maria"]
    page = _page(browser, viewport)
    _sign_in(page, world, maria)
    page.wait_for_url(f"**/agencia/imoveis/{maria.property_id}/")
    page.click("text=Avisos, celular e conta digital")
    page.wait_for_url("**/avisos/")
    page.check("#prefs-form input[value=email]")
    page.check("#prefs-form input[value=bill_issued]")
    page.check("#prefs-form input[value=due_soon]")
    page.click("#prefs-form button[type=submit]")
    page.wait_for_selector(".br-message.success")
    assert page.is_checked("#prefs-form input[value=due_soon]")
    assert page.locator("#push-box").is_visible()  # Chromium offers Web Push
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(page, f"app-{label}-3-notices")
    assert page.csp_errors == []
    page.context.close()


def test_the_staff_list_of_notices_sent(browser: Any, world: dict[str, Any]) -> None:
    maria: Person = world["maria"]
    page = _page(browser, DESKTOP)
    page.goto(_url(world, "alpha", "/conta/entrar/"))
    page.fill("input[name=username]", "avisos_chefe")
    page.fill("input[name=password]", "Senha-forte-123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    page.goto(_url(world, "alpha", f"/notificacoes/?account={maria.account}"))
    assert "(11) 9****-4321" in page.locator("main").inner_text()
    _shot(page, "app-desktop-4-staff-notices")
    page.goto(_url(world, "alpha", "/notificacoes/configurar/"))
    assert page.locator("h1").inner_text() == "Configuração dos avisos aos cidadãos"
    _shot(page, "app-desktop-5-staff-settings")
    page.context.close()
