"""Issue #13's "done when" for collection, in Debian's Chromium: on a freshly provisioned utility
(beta, no bank registered) a clerk tries a real Banco do Brasil return file and is told to register
the agent, registers Banco do Brasil with the file's convênio on the settings page, and imports the
file on the upload page; all through pages, no shell. Then the index and late-charge pages.

A real WSGI server in a thread serves committed rows, removed at the end (as in tests/portal).
Screenshots go to tests/artifacts/collection/ (git-ignored).
"""

from __future__ import annotations

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
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import DESKTOP, _axe, _no_overflow, _QuietHandler, _ThreadingWSGIServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "collection"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "febraban-return"
BB_FILE = SAMPLES / "02_bb-001_2014-08-05_RCB001454508201412843.ret"
PASSWORD = "Senha-forte-123"


def _header(path: Path) -> tuple[str, str]:
    """The bank (A.05) and the convênio (A.03) of a return file, read from its header."""
    first = path.read_bytes().splitlines()[0].decode("latin-1")
    return first[42:45], first[2:22].strip()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.access.models import Profile, User
    from modules.collection.models import (
        CollectingAgent,
        IndexRate,
        Payment,
        PixReceiver,
        ReturnFile,
        ReturnFileRefusal,
    )
    from saas.middleware import host_cache
    from tests.conftest import make_user

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    username = f"arrecadacao-navegador-{random.randint(1000, 9999)}"
    bank, agreement = _header(BB_FILE)
    with django_db_blocker.unblock():
        host_cache.clear()
        with tenant_context("beta"):
            # a freshly provisioned utility: only the product's own counter and gateway agents
            assert not CollectingAgent.objects.filter(kind=CollectingAgent.Kind.BANK).exists()
            user = make_user("beta", username, PASSWORD, full_name="Clara Arrecadação")
            user.profiles.add(Profile.objects.get(name="Gestor"))
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "username": username, "bank": bank, "agreement": agreement}
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("beta"):
                files = ReturnFile.objects.filter(agent__code=bank)
                Payment.objects.filter(return_file__in=files).delete()
                files.delete()
                ReturnFileRefusal.objects.filter(uploaded_by=username).delete()
                # the Pix key page's receiver protects its agent; a test's own cleanup runs inside the
                # test's transaction and is rolled back with it, so the committed row goes here
                PixReceiver.objects.filter(created_by=username).delete()
                CollectingAgent.objects.filter(code=bank).delete()
                IndexRate.objects.filter(recorded_by=username).delete()
                User.objects.filter(username=username).delete()
            host_cache.clear()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_async


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _url(world: dict[str, Any], path: str) -> str:
    return f"http://beta.localhost:{world['port']}{path}"


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _sign_in(browser: Any, world: dict[str, Any]) -> Any:
    page = browser.new_context(viewport=DESKTOP, locale="pt-BR").new_page()
    page.goto(_url(world, "/conta/entrar/"))
    page.fill("#id_username", world["username"])
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(_url(world, "/"))
    return page


def test_a_clerk_registers_banco_do_brasil_and_imports_its_real_return_file(
    browser: Any, world: dict[str, Any]
) -> None:
    from modules.collection.models import CollectingAgent, Payment, ReturnFile

    bank, agreement = world["bank"], world["agreement"]
    assert (bank, agreement) == ("001", "110288")
    page = _sign_in(browser, world)

    # before: the file is refused, and the page says what to do
    page.click("nav.sidebar >> text=Arquivos retorno")
    page.set_input_files("#id_file", str(BB_FILE))
    page.click("form.inline-form button")
    refusal = page.locator(".msg.error").inner_text()
    assert "agente arrecadador desconhecido (banco 001" in refusal
    assert "Cadastre o agente e seu convênio" in refusal
    _shot(page, "settings-1-return-file-refused")

    page.click(".msg.error >> text=Cadastrar o agente arrecadador e seu convênio")
    assert "Agentes arrecadadores" in page.locator("h1").inner_text()
    _shot(page, "settings-2-agents-before")
    _axe(page)
    page.click("text=Novo agente")
    page.fill("#id_code", bank)
    page.fill("#id_name", "Banco do Brasil")
    page.select_option("#id_kind", "bank")
    page.fill("#id_agreement_code", agreement)
    page.fill("#id_fee_per_payment", "0,98")
    page.fill("#id_credit_days", "2")
    _shot(page, "settings-3-agent-form")
    _axe(page)
    page.click("form.settings-form button[type=submit]")
    message = page.locator(".messages").inner_text()
    assert "Agente 001 – Banco do Brasil cadastrado" in message
    assert "convênio 110288 já podem ser importados" in message
    assert page.locator(".table-wrap table", has_text="Banco do Brasil").count() == 1
    assert "Agente arrecadador cadastrado" in page.locator(".change-history").inner_text()
    _shot(page, "settings-4-agents-after")
    _no_overflow(page)

    page.click("nav.sidebar >> text=Arquivos retorno")
    page.set_input_files("#id_file", str(BB_FILE))
    page.click("form.inline-form button")
    imported = page.locator(".messages").inner_text()
    assert f"Arquivo {BB_FILE.name} importado" in imported
    assert "144 em análise" in imported  # the barcodes are not this utility's bills: they wait in review
    assert BB_FILE.name in page.locator("table").first.inner_text()  # the history of imported files
    _shot(page, "settings-5-return-file-imported")

    with tenant_context("beta"):
        agent = CollectingAgent.objects.get(code=bank)
        assert (agent.agreement_code, str(agent.fee_per_payment), agent.credit_days) == ("110288", "0.98", 2)
        rf = ReturnFile.objects.get(agent=agent)
        assert (rf.sequence, rf.payment_count) == (453, 144)
        assert Payment.objects.filter(return_file=rf).count() == 144
    page.context.close()


def test_the_index_and_late_charge_pages(browser: Any, world: dict[str, Any]) -> None:
    page = _sign_in(browser, world)
    page.click("nav.sidebar >> text=Índices e taxas mensais")
    assert "SELIC" in page.locator("table").first.inner_text()
    _shot(page, "settings-6-indexes")
    _axe(page)
    page.click("a:has-text('taxas do índice SELIC')")
    assert "SELIC" in page.locator("h1").inner_text()
    page.fill("#id_rate-month", "2026-10")
    page.fill("#id_rate-rate_percent", "0,93")
    page.click("button:has-text('Registrar taxa')")
    assert "Taxa SELIC de 10/2026 registrada." in page.locator(".messages").inner_text()
    row = page.locator("table.table tr", has_text="10/2026").first.inner_text()
    assert "0,93 %" in row and "cadastrada" in row
    _shot(page, "settings-7-index-selic")
    _axe(page)
    _no_overflow(page)
    page.click("nav.sidebar >> text=Política de acréscimos")
    assert "em vigor" in page.locator("table").first.inner_text()
    page.fill("#id_amount", "100,00")
    page.fill("#id_due_date", "2026-09-10")
    page.fill("#id_paid_on", "2026-11-05")
    page.click("button:has-text('Simular')")
    assert "R$ 103,97" in page.locator("dl.facts").inner_text()
    months = page.locator("#simulate-title ~ .table-wrap table").inner_text()
    assert "10/2026" in months and "cadastrada" in months and "provisória" in months
    _shot(page, "settings-8-policies")
    _axe(page)
    _no_overflow(page)
    page.context.close()


def test_the_pix_key_page_refuses_a_bad_cnpj_and_takes_a_good_one(
    browser: Any, world: dict[str, Any]
) -> None:
    page = _sign_in(browser, world)
    try:
        page.goto(_url(world, "/arrecadacao/configuracoes/pix/"))
        assert "Chave Pix das contas" in page.locator("h1").inner_text()
        page.select_option("#id_agent", index=1)
        page.fill("#id_key", "12.345.678/0001-99")
        page.fill("#id_merchant_name", "SAAE Beta")
        page.fill("#id_merchant_city", "Aracaju")
        page.click("form.settings-form button[type=submit]")
        assert "dígitos verificadores do CNPJ não conferem" in page.locator("form.settings-form").inner_text()
        _shot(page, "settings-9-pix-refused")
        _axe(page)
        page.fill("#id_key", "12.345.678/0001-95")
        page.click("form.settings-form button[type=submit]")
        assert "Chave Pix 12345678000195 cadastrada" in page.locator(".messages").inner_text()
        assert "Chave em uso: 12345678000195 (CNPJ)" in page.locator(".msg.info").first.inner_text()
        _shot(page, "settings-10-pix-set")
        _axe(page)
        _no_overflow(page)
    finally:
        page.context.close()
