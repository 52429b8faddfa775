"""An order opened and closed in Debian's Chromium: a supervisor opens a service order for a
property from the menu, sees it in the deadline queue, schedules it to a team, closes it as executed
with a material, and finds the charge for the next bill on its page. Screenshots go to
tests/artifacts/service/ (git-ignored): look at them.

As in tests/portal, a real WSGI server in a thread serves committed rows, removed at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application

from modules.common.clock import tenant_now, tenant_today
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
    from modules.access.models import LoginAttempt, User
    from modules.common.audit import SystemActor
    from modules.registry.models import Property
    from modules.service.models import Material, OrderSequence, ServiceCode, ServiceOrder, Team
    from modules.service.services import catalog
    from saas.middleware import host_cache
    from tests.registry import factories as reg

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    tag = uuid.uuid4().hex[:5].upper()
    actor = SystemActor("testes")
    with django_db_blocker.unblock():
        host_cache.clear()
        username = f"sup{tag.lower()}"
        make_user("alpha", username, PASSWORD, full_name="Supervisora de Serviços", is_admin=True)
        with tenant_context("alpha"):
            today = tenant_today()
            code = catalog.service_code_create(
                actor=actor,
                code=f"LIG{tag}",
                description="Ligação de água",
                billing_type="mandatory",
                deadline_value=2,
                deadline_unit="business_days",
                max_postponements=1,
                charges_materials=True,
                price=Decimal("35.00"),
                price_from=today - dt.timedelta(days=30),
            )
            material = catalog.material_create(
                actor=actor,
                code=f"TB{tag}",
                description="Tubo PEAD 20 mm",
                unit="m",
                price=Decimal("12.50"),
                price_from=today - dt.timedelta(days=30),
            )
            team = catalog.team_create(actor=actor, name=f"Equipe Norte {tag}")
            prop = reg.prop(lot=random.randint(2000, 9000), block=random.randint(100, 900))
            year = tenant_now().year
            sequence_before = OrderSequence.objects.filter(year=year).values_list("last", flat=True).first()
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {
                "port": server.server_port,
                "username": username,
                "code": code.code,
                "material": material.code,
                "team": team.name,
                "account": prop.account_number,
                "property_id": prop.pk,
            }
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                orders = ServiceOrder.objects.filter(property_id=prop.pk)
                for order in orders:
                    order.charges.all().delete()
                orders.delete()
                ServiceCode.objects.filter(pk=code.pk).delete()
                Material.objects.filter(pk=material.pk).delete()
                Team.objects.filter(pk=team.pk).delete()
                Property.objects.filter(pk=prop.pk).delete()
                # the yearly numbering is back where it was, so other tests' numbers do not depend on this one
                if sequence_before is None:
                    OrderSequence.objects.filter(year=year).delete()
                else:
                    OrderSequence.objects.filter(year=year).update(last=sequence_before)
                LoginAttempt.objects.filter(username=username).delete()
                User.objects.filter(username=username).delete()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_open_schedule_and_close_an_order(browser: Any, world: dict[str, Any]) -> None:
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

        page.click("text=Abrir ordem de serviço")
        page.fill("input[name=account]", world["account"])
        page.select_option("select[name=code]", world["code"])
        page.fill("textarea[name=description]", "Cliente pediu ligação nova no balcão.")
        _shot(page, "01-order-new")
        page.click("button:has-text('Abrir')")
        page.wait_for_load_state()
        assert "aberta" in page.inner_text(".msg")
        assert "Pendente" in page.inner_text("h1")
        assert "restam" in page.inner_text("main")
        _shot(page, "02-order-opened")
        order_url = page.url

        page.goto(f"{base}/servicos/ordens/")
        assert world["account"] in page.inner_text("table")
        _shot(page, "03-queue")

        page.goto(order_url)
        page.click("summary:has-text('Programar para uma equipe')")
        page.select_option("#form-schedule select[name=schedule-team]", label=world["team"])
        page.click("#form-schedule button")
        page.wait_for_load_state()
        assert "Programada" in page.inner_text("h1")

        page.click("summary:has-text('Encerrar')")
        page.select_option("#form-close select[name=close-team]", label=world["team"])
        page.fill("#form-close textarea[name=close-materials]", f"{world['material']} 3")
        page.fill("#form-close textarea[name=close-notes]", "Ligação feita no passeio.")
        _shot(page, "04-closing-form")
        page.click("#form-close button")
        page.wait_for_load_state()
        main = page.inner_text("main")
        assert "Executada" in page.inner_text("h1")
        assert "Cobranças na próxima fatura" in main
        assert "R$ 35,00" in main and "R$ 37,50" in main
        assert "Andamento" in main
        _shot(page, "05-order-closed")

        page.goto(f"{base}/servicos/codigos/")
        page.click(f"text={world['code']}")
        assert "Tabela de preços" in page.inner_text("main") and "R$ 35,00" in page.inner_text("main")
        _shot(page, "06-code")
        for path, name in (("equipes", "07-teams"), ("materiais", "08-materials")):
            page.goto(f"{base}/servicos/{path}/")
            _shot(page, name)
        assert world["team"] in page.goto(f"{base}/servicos/equipes/").text()
        assert errors == []
    finally:
        page.close()
