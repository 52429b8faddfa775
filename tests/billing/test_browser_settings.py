"""The billing settings screens as a person uses them, in Chromium: the "Configurações" menu, a tariff
draft written on the form (a band row added by its button, an overlap shown on its row, then
saved), the projections kept apart, the bill messages and the water-quality table. Screenshots go to
tests/artifacts/billing/ (git-ignored)."""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application

from tests.conftest import make_user
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import _QuietHandler, _ThreadingWSGIServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "billing"
PASSWORD = "Senha-forte-123"
BASE: list[str] = []

if not Path(CHROMIUM).exists():  # pragma: no cover - `make install` installs it
    if os.environ.get("CI"):
        raise RuntimeError("Chromium ausente: `make install` instala o pacote Debian 'chromium'")
    pytest.skip("Chromium (pacote Debian 'chromium') não está instalado", allow_module_level=True)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """A committed admin and an approved tariff and projection (the server thread has its own
    connection), removed at the end (the audit rows stay: the table is append-only)."""
    from django.db import connection

    from modules.access.models import LoginAttempt, User
    from modules.billing.models import BillText, Tariff
    from modules.billing.services.tariffs import tariff_approve, tariff_create
    from modules.common.tenancy import tenant_context
    from tests.billing import factories as f

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    name = f"tar{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        make_user("alpha", name, PASSWORD, is_admin=True)
        with tenant_context("alpha"):
            tariff = tariff_create(actor=f.ACTOR, data=f.sorocaba_tariff_json(act=f"Ato {name}"))
            tariff_approve(actor=f.ACTOR, tariff=tariff, today=dt.date(2013, 1, 1))
            tariff_create(
                actor=f.ACTOR,
                data=f.sorocaba_tariff_json(act=f"Projeção {name}", valid_from="2027-01-01"),
                projection=True,
            )
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "name": name}
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                Tariff.objects.filter(created_by__in=[name, f.ACTOR.get_username()]).delete()
                BillText.objects.all().delete()
                LoginAttempt.objects.filter(username=name).delete()
                User.objects.filter(username=name).delete()
            connection.set_schema_to_public()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def page(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = chromium.new_page(viewport={"width": 1366, "height": 900})
        base = f"http://alpha.localhost:{world['port']}"
        tab.goto(f"{base}/conta/entrar/")
        tab.fill("input[name=username]", world["name"])
        tab.fill("input[name=password]", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_load_state()
        BASE.append(base)
        yield tab
        chromium.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_settings_menu_leads_to_the_billing_screens(page: Any) -> None:
    page.goto(f"{BASE[-1]}/")
    sidebar = page.inner_text(".sidebar")
    section = sidebar[sidebar.upper().index("CONFIGURAÇÕES") :]
    for label in (
        "Configuração do faturamento",
        "Tarifas",
        "Mensagens da fatura",
        "Qualidade da água na fatura",
    ):
        assert label in section
    page.click('.sidebar >> text="Tarifas"')
    page.wait_for_load_state()
    assert "Projeções (simulações)" in page.content()
    _shot(page, "tariffs")


def test_a_draft_is_written_on_the_form(page: Any, world: dict[str, Any]) -> None:
    page.goto(f"{BASE[-1]}/faturamento/tarifas/novo-rascunho/")
    page.fill("input[name=t-act]", f"Resolução {world['name']}")
    page.fill("input[name=t-valid_from]", "2027-01-01")
    page.select_option("select[name=t-category_split]", "equal")
    page.select_option("select[name=cat-0-code]", "RES")
    page.fill("input[name=cat-0-name]", "Residencial")
    page.fill("input[name=cat-0-minimum_m3_per_unit]", "10")
    page.fill("input[name=cat-0-sewer_percent]", "80")
    for i, (start, end, price) in enumerate(
        [("0", "10", "3.10"), ("11", "20", "4.20"), ("19", "30", "5.60")]
    ):
        page.fill(f"input[name=cat-0-band-{i}-from_m3]", start)
        page.fill(f"input[name=cat-0-band-{i}-to_m3]", end)
        page.fill(f"input[name=cat-0-band-{i}-price]", price)
    page.click("button:has-text('Adicionar faixa')")
    page.wait_for_load_state()
    page.fill("input[name=cat-0-band-3-from_m3]", "31")
    page.fill("input[name=cat-0-band-3-price]", "7.40")
    page.click("button:has-text('Salvar rascunho')")
    page.wait_for_load_state()
    assert "sobreposição de faixas" in page.content()
    _shot(page, "tariff-editor-overlap")

    page.fill("input[name=cat-0-band-2-from_m3]", "21")
    page.click("button:has-text('Salvar rascunho')")
    page.wait_for_load_state()
    assert "Diferenças para a vigente" in page.content()
    assert "consumo dividido igualmente" in page.content()
    _shot(page, "tariff-draft")


def test_messages_and_the_quality_table(page: Any) -> None:
    page.goto(f"{BASE[-1]}/faturamento/mensagens/")
    page.fill("input[name=title]", "Débitos em aberto")
    page.fill("textarea[name=body]", "Há faturas vencidas: regularize na agência virtual.")
    page.fill("input[name=valid_from]", "2025-05")
    page.select_option("select[name=condition]", "overdue_debts")
    page.click("button:has-text('Cadastrar mensagem')")
    page.wait_for_load_state()
    assert "Débitos vencidos" in page.inner_text("table")
    _shot(page, "messages")

    page.goto(f"{BASE[-1]}/faturamento/qualidade-da-agua/nova/")
    page.fill("input[name=month]", "2025-04")
    for i, row in enumerate(
        [
            ("Turbidez (uT)", "30", "31", "30", "≤ 5"),
            ("Cloro residual livre (mg/L)", "30", "31", "31", "0,2 a 2,0"),
        ]
    ):
        for field, value in zip(
            ("parameter", "required", "analysed", "conforming", "standard"), row, strict=True
        ):
            page.fill(f"input[name=row-{i}-{field}]", value)
    page.click("button:has-text('Salvar tabela')")
    page.wait_for_load_state()
    assert "04/2025" in page.inner_text("table")
    _shot(page, "quality")
