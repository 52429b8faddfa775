"""The debt settings pages as a person uses them, in Debian's Chromium: the installment policies
page, and the document text editor whose "Pré-visualizar" renders the PDF in the frame beside the
form (or says why the text is refused), under the staff Content-Security-Policy. Nothing is saved
(an audit row is forever). Screenshots go to tests/artifacts/debt/ (git-ignored)."""

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

from modules.debt import documents
from tests.conftest import make_user
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import _QuietHandler, _ThreadingWSGIServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "debt"
PASSWORD = "Senha-forte-123"

if not Path(CHROMIUM).exists():  # pragma: no cover - `make install` installs it
    pytest.skip("Chromium (pacote Debian 'chromium') não está instalado", allow_module_level=True)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.access.models import LoginAttempt, User
    from modules.common.tenancy import tenant_context

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    name = f"deb{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        make_user("alpha", name, PASSWORD, is_admin=True)
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"base": f"http://alpha.localhost:{server.server_port}", "name": name}
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                LoginAttempt.objects.filter(username=name).delete()
                User.objects.filter(username=name).delete()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(world: dict[str, Any]) -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = chromium.new_page(viewport={"width": 1440, "height": 1000})
        violations: list[str] = []
        tab.on(
            "console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None
        )
        tab.goto(f"{world['base']}/conta/entrar/")
        tab.fill("input[name=username]", world["name"])
        tab.fill("input[name=password]", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_load_state()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        yield tab, violations
        chromium.close()


def test_the_policies_page_shows_the_version_in_force_and_the_form(
    page: tuple[Any, list[str]], world: dict[str, Any]
) -> None:
    tab, violations = page
    tab.goto(f"{world['base']}/cobranca/configuracoes/parcelamento/")

    tab.screenshot(path=str(ARTIFACTS / "policies.png"), full_page=True)
    tab.goto(f"{world['base']}/cobranca/configuracoes/documentos/")
    tab.screenshot(path=str(ARTIFACTS / "templates.png"), full_page=True)
    assert tab.locator("a:has-text('Editar')").count() == len(documents.KINDS)
    tab.goto(f"{world['base']}/cobranca/configuracoes/parcelamento/")

    assert tab.locator("h1").inner_text() == "Políticas de parcelamento"
    assert tab.locator("text=Em vigência").count() >= 1
    assert (
        tab.locator("nav >> text=Políticas de parcelamento").count()
        + tab.locator("a[href='/cobranca/configuracoes/parcelamento/']").count()
        >= 1
    )
    assert violations == []


def test_the_preview_renders_the_edited_text_and_names_a_refused_placeholder(
    page: tuple[Any, list[str]], world: dict[str, Any]
) -> None:
    tab, violations = page
    tab.goto(f"{world['base']}/cobranca/configuracoes/documentos/{documents.CERTIFICATE_NEGATIVE}/")
    tab.wait_for_timeout(1500)
    tab.screenshot(path=str(ARTIFACTS / "template-edit.png"), full_page=True)

    tab.fill("textarea[name=body_html]", "<p>Texto novo para {{ cliente.nome }}.</p>")
    with tab.expect_response(lambda r: "previa.pdf" in r.url) as answer:
        tab.click("button:has-text('Pré-visualizar')")
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    tab.wait_for_timeout(1500)
    tab.screenshot(path=str(ARTIFACTS / "template-preview.png"), full_page=True)

    tab.fill("textarea[name=body_html]", "<p>{{ cliente.cpf }}</p>")
    with tab.expect_response(lambda r: "previa.pdf" in r.url) as refused:
        tab.click("button:has-text('Pré-visualizar')")
    assert refused.value.status == 400
    tab.wait_for_timeout(500)
    frame = tab.frame(name="preview")
    assert frame is not None and "Marcador desconhecido: {{ cliente.cpf }}" in frame.inner_text("body")
    tab.screenshot(path=str(ARTIFACTS / "template-refused.png"), full_page=True)
    assert violations == []
