"""The attendance screen in Debian's Chromium: the attendant starts an attendance from the list, the
timer runs, a subject brings its document checklist, and the attendance closes. No console error (the
strict CSP refuses inline scripts: the timer is a static file). The screenshots go to
tests/artifacts/service/ (git-ignored): look at them."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application

from modules.common.tenancy import tenant_context
from tests.conftest import make_user
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import _QuietHandler, _ThreadingWSGIServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "service"
PASSWORD = "Senha-forte-123"

if not Path(CHROMIUM).exists():  # pragma: no cover - `make install` installs it
    if os.environ.get("CI"):
        raise RuntimeError("Chromium ausente: `make install` instala o pacote Debian 'chromium'")
    pytest.skip("Chromium (pacote Debian 'chromium') não está instalado", allow_module_level=True)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.access.models import LoginAttempt, Profile, User
    from modules.service.models import Attendance, ProtocolType
    from saas.middleware import host_cache

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    tag = uuid.uuid4().hex[:5].lower()
    username = f"atend{tag}"
    code = f"t{tag}"
    with django_db_blocker.unblock():
        host_cache.clear()
        user = make_user("alpha", username, PASSWORD, full_name="Atendente do Telefone")
        with tenant_context("alpha"):
            user.profiles.add(Profile.objects.get(name="Atendente"))
            ProtocolType.objects.create(
                code=code,
                kind="service",
                label=f"Religação com débito {tag}",
                deadline_days=2,
                checklist=["Comprovante de pagamento", "Documento com foto"],
            )
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "username": username, "code": code, "tag": tag}
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                for a in Attendance.objects.filter(attendant=user):
                    for d in a.documents.all():
                        d.file.delete(save=False)
                        d.delete()
                    a.subjects.all().delete()
                    a.delete()
                ProtocolType.objects.filter(code=code).delete()
                LoginAttempt.objects.filter(username=username).delete()
                User.objects.filter(username=username).delete()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # the capture test: Chromium picks the current tab for getDisplayMedia, as a person would
        args = [*CHROMIUM_ARGS, "--auto-accept-this-tab-capture"]
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=args)
        yield chromium
        chromium.close()


def test_start_see_the_timer_tick_note_a_subject_and_close(browser: Any, world: dict[str, Any]) -> None:
    base = f"http://alpha.localhost:{world['port']}"
    page = browser.new_page(
        viewport={"width": 1366, "height": 900}, locale="pt-BR", timezone_id="America/Sao_Paulo"
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{base}/conta/entrar/")
        page.fill("input[name=username]", world["username"])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()

        page.goto(f"{base}/servicos/atendimentos/")
        page.select_option("select[name=channel]", "phone")
        page.fill("input[name=caller_number]", "15999991234")
        page.click("button:has-text('Iniciar atendimento')")
        page.wait_for_load_state()
        assert "/servicos/atendimentos/" in page.url and "Atendimento" in page.inner_text("h1")
        first = page.inner_text("#att-timer")
        page.wait_for_timeout(2100)
        assert page.inner_text("#att-timer") != first  # the static script runs under the CSP

        page.select_option("select[name=type]", world["code"])
        page.click("button:has-text('Registrar assunto')")
        page.wait_for_load_state()
        assert "Comprovante de pagamento" in page.inner_text("main")
        page.check("input[value='Comprovante de pagamento']")
        page.click("button:has-text('Registrar conferência')")
        page.wait_for_load_state()
        assert page.is_checked("input[value='Comprovante de pagamento']")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "attendance-open.png"), full_page=True)

        page.select_option("select[name=closing]", "information")
        page.click("button:has-text('Encerrar atendimento')")
        page.wait_for_load_state()
        text = page.inner_text("main")
        assert "encerrado" in text and "Informação prestada" in text
        page.screenshot(path=str(ARTIFACTS / "attendance-closed.png"), full_page=True)
        page.goto(f"{base}/servicos/atendimentos/indicadores/")
        assert "Atendimento médio" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "attendance-indicators.png"), full_page=True)
        page.goto(f"{base}/servicos/protocolos/fila/")
        assert "Fila de acompanhamento" in page.inner_text("h1")
        page.screenshot(path=str(ARTIFACTS / "follow-up.png"), full_page=True)
        assert errors == []
    finally:
        page.close()


def test_one_click_screen_capture_attaches_a_png(browser: Any, world: dict[str, Any]) -> None:
    """S10.10-01: Chromium is told to pick the current tab for getDisplayMedia, as a person would in
    the browser's picker; the capture arrives as a PNG document of the attendance."""
    from modules.access.models import User
    from modules.service.models import Attendance, Document

    base = f"http://alpha.localhost:{world['port']}"
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="pt-BR")
    try:
        page.goto(f"{base}/conta/entrar/")
        page.fill("input[name=username]", world["username"])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{base}/servicos/atendimentos/")
        page.select_option("select[name=channel]", "chat")
        page.click("button:has-text('Iniciar atendimento')")
        page.wait_for_load_state()
        assert page.is_visible("#capture-screen")  # the browser offers getDisplayMedia
        page.click("#capture-screen")
        page.wait_for_selector("main a:has-text('captura-')", timeout=15000)
        assert "captura-" in page.inner_text("main")
    finally:
        page.close()
    with tenant_context("alpha"):
        user = User.objects.get(username=world["username"])
        attendance = Attendance.objects.get(attendant=user, ended_at__isnull=True)
        doc = Document.objects.get(attendance=attendance)
        assert doc.kind == "screenshot" and doc.content_type == "image/png"
        assert doc.file.open("rb").read(8) == b"\x89PNG\r\n\x1a\n"
        doc.file.delete(save=False)
        doc.delete()
