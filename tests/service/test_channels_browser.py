"""Tickets and the CTI console in Debian's Chromium: a citizen takes a ticket at the totem, the
attendant presses "Chamar próxima" and the TV display shows the ticket and the desk within two
seconds and chimes; an answered phone call opens the caller's property on the agent's console
(screen-pop). Screenshots go to tests/artifacts/service/ (git-ignored): look at them.

As in tests/portal, a real WSGI server in a thread serves committed rows, removed at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application
from playwright.sync_api import expect

from modules.common.audit import SystemActor
from modules.common.tenancy import tenant_context
from modules.service.services.cti import signature
from tests.conftest import make_user
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import _QuietHandler, _ThreadingWSGIServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "service"
PASSWORD = "Senha-forte-123"
SECRET = "segredo-navegador"

if not Path(CHROMIUM).exists():  # pragma: no cover - `make install` installs it
    if os.environ.get("CI"):
        raise RuntimeError("Chromium ausente: `make install` instala o pacote Debian 'chromium'")
    pytest.skip("Chromium (pacote Debian 'chromium') não está instalado", allow_module_level=True)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.service.models import ChannelSettings
    from modules.service.services import tickets
    from saas.middleware import host_cache
    from tests.collection.test_concurrency import committed_in
    from tests.registry import factories as reg

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    tag = uuid.uuid4().hex[:5].lower()
    username = f"guiche{tag}"
    with django_db_blocker.unblock(), committed_in("alpha"):
        host_cache.clear()
        make_user("alpha", username, PASSWORD, full_name="Atendente do Guichê", is_admin=True)
        with tenant_context("alpha"):
            actor = SystemActor("testes")
            unit = tickets.unit_create(actor=actor, code=f"centro-{tag}", name="Posto Centro")
            tickets.queue_set(actor=actor, unit_id=unit.pk, prefix="N", name="Atendimento geral")
            for prefix, name, level in (("P", "Prioritário", 1), ("E", "80 anos ou mais", 2)):
                tickets.queue_set(
                    actor=actor, unit_id=unit.pk, prefix=prefix, name=name, priority=level, position=level
                )
            ChannelSettings.objects.update_or_create(pk=1, defaults={"cti_secret": SECRET})
            phone = f"119{random.randint(10_000_000, 99_999_999)}"
            customer = reg.customer(name="Rosa Amélia Tavares", phone=phone)
            prop = reg.prop(holder=customer, lot=random.randint(2000, 9000), block=random.randint(100, 900))
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {
                "port": server.server_port,
                "username": username,
                "unit": unit.code,
                "phone": "+55" + phone,
                "property_id": prop.pk,
            }
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                ChannelSettings.objects.filter(pk=1).update(cti_secret="")
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
        )
        yield chromium
        chromium.close()


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/conta/entrar/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_totem_ticket_called_at_the_desk_shows_on_the_display_and_chimes(browser: Any, world: Any) -> None:
    base = f"http://alpha.localhost:{world['port']}"
    errors: list[str] = []
    kiosk = browser.new_page(viewport={"width": 1280, "height": 900}, locale="pt-BR")
    panel = browser.new_page(viewport={"width": 1600, "height": 900}, locale="pt-BR")
    desk = browser.new_page(viewport={"width": 1366, "height": 900}, locale="pt-BR")
    for page in (kiosk, panel, desk):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        kiosk.goto(f"{base}/senhas/emitir/{world['unit']}/")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        kiosk.screenshot(path=str(ARTIFACTS / "tickets-kiosk.png"))
        kiosk.click("button:has-text('Prioritário')")
        kiosk.wait_for_load_state()
        assert kiosk.inner_text("[data-testid=ticket-label]") == "P001"
        kiosk.screenshot(path=str(ARTIFACTS / "tickets-slip.png"))

        panel.goto(f"{base}/senhas/painel/{world['unit']}/")
        assert panel.inner_text("[data-current-label]") == "—"

        sign_in(desk, base, world["username"])
        desk.goto(f"{base}/senhas/chamar/")
        desk.select_option("select[name=unit]", label="Posto Centro")
        desk.fill("input[name=desk]", "Guichê 3")
        desk.click("button:has-text('Usar este guichê')")
        desk.wait_for_load_state()
        assert desk.inner_text("[data-testid=waiting-P]") == "1"
        desk.screenshot(path=str(ARTIFACTS / "tickets-desk-waiting.png"), full_page=True)
        desk.click("button:has-text('Chamar próxima')")
        desk.wait_for_load_state()
        assert desk.inner_text("[data-testid=current-ticket]") == "P001"
        called = time.monotonic()

        expect(panel.locator("[data-current-label]")).to_have_text("P001", timeout=2500)
        assert time.monotonic() - called < 2.5
        assert panel.inner_text("[data-current-desk]") == "Guichê 3"
        expect(panel.locator("body")).to_have_attribute("data-chimes", "1", timeout=1000)
        panel.screenshot(path=str(ARTIFACTS / "tickets-panel.png"))

        desk.click("button:has-text('Chamar novamente')")  # a recall chimes again
        expect(panel.locator("body")).to_have_attribute("data-chimes", "2", timeout=2500)
        desk.screenshot(path=str(ARTIFACTS / "tickets-desk-called.png"), full_page=True)
        assert errors == []
    finally:
        for page in (kiosk, panel, desk):
            page.close()


def _post_event(port: int, body: dict[str, Any]) -> int:
    """As the telephony system does: to the utility's host (sent in Host; no DNS for *.localhost)."""
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()))
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/cti/events",
        data=raw,
        headers={
            "Host": f"alpha.localhost:{port}",
            "Content-Type": "application/json",
            "X-Manancial-Timestamp": stamp,
            "X-Manancial-Signature": signature(SECRET, stamp, raw),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return int(response.status)


def test_an_answered_call_pops_the_callers_property_on_the_console(browser: Any, world: Any) -> None:
    base = f"http://alpha.localhost:{world['port']}"
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="pt-BR")
    try:
        sign_in(page, base, world["username"])
        page.goto(f"{base}/atendimento/cti/")
        assert "Aguardando ligação" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "cti-console.png"))
        call = f"br-{uuid.uuid4().hex[:8]}"
        now = dt.datetime.now(dt.UTC)
        started = {"event_id": f"{call}-1", "type": "call_started", "call_id": call, "caller": world["phone"]}
        assert _post_event(world["port"], started | {"at": now.isoformat()}) == 201
        answered = {"event_id": f"{call}-2", "type": "answered", "call_id": call, "agent": world["username"]}
        assert _post_event(world["port"], answered | {"at": now.isoformat()}) == 201
        page.wait_for_url(f"**/servicos/atendimento/imovel/{world['property_id']}/", timeout=5000)
        assert "Rosa Amélia Tavares" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "cti-screen-pop.png"), full_page=True)
    finally:
        page.close()


def test_totem_priority_news_panel_statistics_and_news_pages(browser: Any, world: Any) -> None:
    """Issue 23: staff publish a notice on the news page; the totem shows it, asks the legal
    priority with large touch targets and prints it on the slip; the desk calls the 80+ ticket
    first; the panel shows it; the statistics page lists the wait per type. Screenshots of each."""
    base = f"http://alpha.localhost:{world['port']}"
    errors: list[str] = []
    staff = browser.new_page(viewport={"width": 1366, "height": 900}, locale="pt-BR")
    kiosk = browser.new_page(viewport={"width": 1080, "height": 1500}, locale="pt-BR", has_touch=True)
    panel = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="pt-BR")
    for page in (staff, kiosk, panel):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    title = f"Manutenção programada {uuid.uuid4().hex[:4]}"
    try:
        sign_in(staff, base, world["username"])
        staff.goto(f"{base}/avisos/")
        staff.select_option("select[name=kind]", "notice")
        staff.fill("input[name=title]", title)
        staff.fill("textarea[name=body]", "Sem água no Centro amanhã das 8h às 14h. Reserve água.")
        staff.click("button:has-text('Publicar')")
        staff.wait_for_load_state()
        expect(staff.locator("[data-testid=news-list]")).to_contain_text(title)
        staff.screenshot(path=str(ARTIFACTS / "news-staff.png"), full_page=True)

        kiosk.goto(f"{base}/senhas/emitir/{world['unit']}/")
        expect(kiosk.locator(".kiosk-news")).to_contain_text(title)
        chip = kiosk.locator("label.kiosk-chip:has-text('80 anos ou mais')")
        box = chip.bounding_box()
        assert box is not None and box["height"] >= 60  # a finger-sized target
        kiosk.screenshot(path=str(ARTIFACTS / "tickets-kiosk-priority.png"), full_page=True)
        # the watchdog: a network drop covers the screen, the return reloads the page by itself
        kiosk.context.set_offline(True)
        expect(kiosk.locator("[data-offline]")).to_be_visible(timeout=3000)
        kiosk.screenshot(path=str(ARTIFACTS / "tickets-kiosk-offline.png"))
        kiosk.context.set_offline(False)
        expect(kiosk.locator("[data-offline]")).to_be_hidden(timeout=8000)
        expect(kiosk.locator(".kiosk-news")).to_contain_text(title)
        chip.click()
        kiosk.click("button.kiosk-btn:has-text('Atendimento geral')")
        kiosk.wait_for_load_state()
        label = kiosk.inner_text("[data-testid=ticket-label]")
        assert label.startswith("N")
        expect(kiosk.locator(".slip-reason")).to_contain_text("80 anos ou mais")
        kiosk.emulate_media(media="print")
        kiosk.screenshot(path=str(ARTIFACTS / "tickets-slip-print.png"))

        staff.goto(f"{base}/senhas/chamar/")
        staff.select_option("select[name=unit]", label="Posto Centro")
        staff.fill("input[name=desk]", "Guichê 5")
        staff.click("button:has-text('Usar este guichê')")
        staff.wait_for_load_state()
        if staff.locator("button:has-text('Encerrar atendimento')").count():
            staff.click("button:has-text('Encerrar atendimento')")
            staff.wait_for_load_state()
        staff.click("button:has-text('Chamar próxima')")
        staff.wait_for_load_state()
        assert staff.inner_text("[data-testid=current-ticket]") == label  # 80+ before everyone

        panel.goto(f"{base}/senhas/painel/{world['unit']}/")
        expect(panel.locator("[data-current-label]")).to_have_text(label, timeout=2500)
        expect(panel.locator("[data-current-desk]")).to_have_text("Guichê 5")
        panel.screenshot(path=str(ARTIFACTS / "tickets-panel-tv.png"))

        agency = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="pt-BR")
        try:
            agency.goto(f"{base}/agencia/")
            expect(agency.locator("[data-testid=agency-news]")).to_contain_text(title)
            agency.screenshot(path=str(ARTIFACTS / "news-agency-home.png"), full_page=True)
            agency.goto(f"{base}/totem/")
            expect(agency.locator("[data-testid=agency-news]")).to_contain_text(title)
            agency.screenshot(path=str(ARTIFACTS / "news-totem-home.png"), full_page=True)
        finally:
            agency.close()

        staff.goto(f"{base}/senhas/estatisticas/")
        expect(staff.locator("[data-testid=ticket-stats]")).to_contain_text("Atendimento geral")
        staff.screenshot(path=str(ARTIFACTS / "tickets-stats.png"), full_page=True)
        assert errors == []
    finally:
        for page in (staff, kiosk, panel):
            page.close()
