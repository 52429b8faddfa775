"""The settings hub and "Configuração como documento" in Debian's Chromium: a manager opens the hub
from the menu, downloads the configuration, uploads a changed copy, reads the differences grouped by
section and confirms. A real WSGI server in a thread serves committed rows, restored at the end.
Screenshots go to tests/artifacts/configuration/ (git-ignored)."""

from __future__ import annotations

import json
import os
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application

from modules.common.tenancy import tenant_context
from tests.portal.conftest import CHROMIUM
from tests.portal.test_browser import DESKTOP, PHONE, _axe, _no_overflow, _QuietHandler, _ThreadingWSGIServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "Senha-forte-123"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "configuration"


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    from modules.access.models import Profile, User
    from portal.configuration import SECTION
    from portal.services_desk import agency_settings_update
    from saas.middleware import host_cache
    from tests.conftest import make_user

    from .helpers import ACTOR

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    username = f"gestor-navegador-{random.randint(1000, 9999)}"
    with django_db_blocker.unblock():
        host_cache.clear()
        with tenant_context("alpha"):
            agency_before = SECTION.export()
            user = make_user("alpha", username, PASSWORD, full_name="Gestora Navegador")
            user.profiles.add(Profile.objects.get(name="Gestor"))
        vendor = f"fornecedor-navegador-{random.randint(1000, 9999)}"
        make_user("public", vendor, PASSWORD, is_admin=True)
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {
                "port": server.server_port,
                "username": username,
                "vendor": vendor,
                "tmp": tmp_path_factory.mktemp("doc"),
            }
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                if SECTION.export() != agency_before:
                    agency_settings_update(actor=ACTOR, **agency_before)
                User.objects.filter(username=username).delete()
            User.objects.filter(username=vendor).delete()
            host_cache.clear()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_async


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from tests.portal.conftest import CHROMIUM_ARGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _url(world: dict[str, Any], path: str) -> str:
    return f"http://alpha.localhost:{world['port']}{path}"


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _signed_in(browser: Any, world: dict[str, Any], viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport, locale="pt-BR", accept_downloads=True).new_page()
    page.goto(_url(world, "/conta/entrar/"))
    page.fill("#id_username", world["username"])
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(_url(world, "/"))
    return page


def test_a_manager_downloads_changes_and_imports_the_configuration(
    browser: Any, world: dict[str, Any]
) -> None:
    page = _signed_in(browser, world, DESKTOP)
    page.click("nav.sidebar >> text=Todas as configurações")
    page.wait_for_url(_url(world, "/configuracoes/"))
    assert page.is_visible("main >> text=Configuração como documento")
    _shot(page, "hub-desktop")
    _axe(page)

    page.click("main >> text=Configuração como documento")
    page.wait_for_url(_url(world, "/configuracoes/documento/"))
    _shot(page, "document-1-page")
    _axe(page)
    with page.expect_download() as download_info:
        page.click("text=Baixar a configuração (JSON)")
    downloaded = Path(download_info.value.path())
    document = json.loads(downloaded.read_text())
    assert document["format"] == "manancial.settings" and "agency" in document["sections"]

    document["sections"]["agency"]["web_idle_minutes"] = 40
    document["sections"]["agency"]["units"] = [*document["sections"]["agency"]["units"], "Fiscalização"]
    changed = world["tmp"] / "configuracao-alterada.json"
    changed.write_text(json.dumps(document, ensure_ascii=False, indent=2))
    page.set_input_files("#id_document", str(changed))
    page.click("text=Ver as diferenças")
    page.wait_for_selector("text=Diferenças de configuracao-alterada.json")
    assert page.is_visible("text=agency.web_idle_minutes")
    _shot(page, "document-2-preview")
    _axe(page)

    page.click("text=Aplicar 2 alterações")
    page.wait_for_selector("text=Configuração importada: 2 alterações aplicadas.")
    assert page.is_visible("text=Configuração importada de um documento")
    _shot(page, "document-3-applied")


def test_the_hub_and_the_document_page_fit_a_phone(browser: Any, world: dict[str, Any]) -> None:
    page = _signed_in(browser, world, PHONE)
    page.goto(_url(world, "/configuracoes/"))
    _no_overflow(page)
    _shot(page, "hub-phone")
    page.goto(_url(world, "/configuracoes/documento/"))
    _no_overflow(page)
    _shot(page, "document-phone")


def test_the_ops_console_offers_a_template_when_creating_a_utility(
    browser: Any, world: dict[str, Any]
) -> None:
    page = browser.new_context(viewport=DESKTOP, locale="pt-BR").new_page()
    base = f"http://localhost:{world['port']}"
    page.goto(f"{base}/ops/conta/entrar/")
    page.fill("#id_username", world["vendor"])
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.goto(f"{base}/ops/concessionarias/nova/")
    options = page.locator("#id_template option").all_inner_texts()
    assert options[0] == "Nenhum: os valores iniciais do sistema"
    assert "Concessionária Alpha (alpha)" in options
    _shot(page, "ops-create-from-template")
    _axe(page)


def test_a_manager_walks_every_settings_screen_of_the_hub(browser: Any, world: dict[str, Any]) -> None:
    """Issue #13 "Done when": from the hub, every settings screen the Gestor may open, each one a
    page with its title and no error in the console (a CSP refusal shows there), fitting the desktop.
    One screenshot per screen (tests/artifacts/configuration/walk-NN.png)."""
    page = _signed_in(browser, world, DESKTOP)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.goto(_url(world, "/configuracoes/"))
    links = page.eval_on_selector_all(
        "main .cards a", "els => els.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )
    assert len(links) >= 20, links
    walked = []
    for number, (label, href) in enumerate(links, start=1):
        response = page.goto(_url(world, href))
        assert response is not None and response.status == 200, (label, href)
        assert page.locator("main h1").count() >= 1, (label, href)
        _no_overflow(page)
        _shot(page, f"walk-{number:02d}")
        walked.append(href)
    assert errors == []
    assert len(set(walked)) == len(links)
