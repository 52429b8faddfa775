"""Batch opening and a contractor's measurement in Debian's Chromium: a supervisor filters the
properties of a neighbourhood, sees the preview, opens the batch, sends the confirmation again and
gets the same batch; looks at the deadline queue and at an order with its print layouts and term;
computes a contract's month and opens its figures. Screenshots go to tests/artifacts/service/
(git-ignored): look at them.

A real WSGI server in a thread serves committed rows, removed at the end (as tests/service/test_browser.py).
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
from modules.common.domain.dates import YearMonth
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
    from modules.registry.models import Neighbourhood, Property, Street
    from modules.service.models import OrderSequence, ServiceCode, ServiceOrder, Team
    from modules.service.models_orders import BatchOpening, Contract, Contractor, ContractorTeam
    from modules.service.services import catalog, contractors
    from saas.middleware import host_cache
    from tests.registry import factories as reg

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    tag = uuid.uuid4().hex[:5].upper()
    actor = SystemActor("testes")
    with django_db_blocker.unblock():
        host_cache.clear()
        username = f"lote{tag.lower()}"
        make_user("alpha", username, PASSWORD, full_name="Supervisora de Serviços", is_admin=True)
        with tenant_context("alpha"):
            today = tenant_today()
            code = catalog.service_code_create(
                actor=actor,
                code=f"TRH{tag}",
                description="Troca de hidrômetro",
                billing_type="not_billable",
                deadline_value=3,
                deadline_unit="business_days",
                print_layouts=["Completo", "Hidrômetro", "Resumido"],
                opening_term="Termo de troca de hidrômetro",
                price=None,
                price_from=today,
            )
            hood = reg.neighbourhood(f"Jardim {tag}")
            street = reg.street(f"das Acácias {tag}")
            props = [
                reg.prop(
                    neighbourhood=hood,
                    street=street,
                    lot=random.randint(2000, 9000),
                    block=random.randint(100, 900),
                )
                for _ in range(3)
            ]
            company = contractors.contractor_create(actor=actor, name=f"Construtora {tag}")
            link = contractors.contractor_team_create(
                actor=actor, contractor_id=company.pk, name=f"Equipe {tag}"
            )
            contractors.contractor_member_add(
                actor=actor, team_id=link.team_id, name="José Pereira", role="encanador"
            )
            contract = contractors.contract_create(
                actor=actor,
                contractor_id=company.pk,
                number=f"CT-{tag}",
                starts_on=today - dt.timedelta(days=400),
                ends_on=today + dt.timedelta(days=400),
                pricing="fixed",
                monthly_value=Decimal("5000.00"),
                penalty_per_day=Decimal("25.00"),
            )
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
                "hood": hood.pk,
                "accounts": [p.account_number for p in props],
                "contract": contract.pk,
                "contract_number": contract.number,
            }
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                BatchOpening.objects.filter(code=code).delete()  # its items cascade
                ServiceOrder.objects.filter(property_id__in=[p.pk for p in props]).delete()
                contract.measurements.all().delete()
                Contract.objects.filter(pk=contract.pk).delete()
                ContractorTeam.objects.filter(pk=link.pk).delete()
                Team.objects.filter(pk=link.team_id).delete()
                Contractor.objects.filter(pk=company.pk).delete()
                ServiceCode.objects.filter(pk=code.pk).delete()
                Property.objects.filter(pk__in=[p.pk for p in props]).delete()
                Neighbourhood.objects.filter(pk=hood.pk).delete()
                Street.objects.filter(pk=street.pk).delete()
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


def test_open_a_batch_from_a_preview_and_measure_a_contract(browser: Any, world: dict[str, Any]) -> None:
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

        page.click("text=Abertura de ordens em lote")
        page.select_option("select[name=code]", world["code"])
        page.select_option("select[name=neighbourhood]", str(world["hood"]))
        page.click("button:has-text('Ver prévia')")
        page.wait_for_load_state()
        assert "Prévia: 3 imóvel(is)" in page.inner_text("main")
        for account in world["accounts"]:
            assert account in page.inner_text("main")
        _shot(page, "11-batch-preview")
        page.click("#confirm")
        page.wait_for_load_state()
        assert "Lote de 3 ordem(ns)" in page.inner_text("h1")
        assert "Lote aberto: 3 ordem(ns)" in page.inner_text(".msg")
        _shot(page, "12-batch-opened")
        batch_url = page.url
        page.go_back()  # the preview page again, with its key: confirming twice opens nothing more
        page.click("#confirm")
        page.wait_for_load_state()
        assert page.url == batch_url and "nenhuma ordem nova" in page.inner_text(".msg")

        page.click("text=Fila de prazos")
        page.wait_for_load_state()
        main = page.inner_text("main")
        assert "dia(s) útil(eis)" in main
        _shot(page, "13-deadline-queue")

        page.goto(batch_url)
        page.click("table a >> nth=0")
        page.wait_for_load_state()
        main = page.inner_text("main")
        assert "Termo de troca de hidrômetro (PDF)" in main
        assert all(name in main for name in ("Completo", "Hidrômetro", "Resumido"))
        _shot(page, "14-order-with-layouts")

        page.click("text=Empreiteiras e medições")
        page.wait_for_load_state()
        assert "José Pereira (encanador)" in page.inner_text("main")
        _shot(page, "15-contractors")
        page.click(f"text={world['contract_number']}")
        page.fill("input[name=month]", str(YearMonth.of(tenant_today()).previous()))
        page.click("button:has-text('Calcular a medição')")
        page.wait_for_load_state()
        assert page.inner_text("#net") == "R$ 5.000,00"
        _shot(page, "16-measurement")

        page.click("text=Avisos de abertura por e-mail")
        page.wait_for_load_state()
        assert world["code"] in page.inner_text("main")
        _shot(page, "17-notices")
        page.click("text=Termos de abertura de ordens")
        page.click("text=Termo de troca de hidrômetro")
        page.wait_for_load_state()
        assert "os.numero" in page.inner_text("main")
        _shot(page, "18-term-editor")
        page.goto(f"{base}/servicos/codigos/")
        page.click(f"text={world['code']}")
        page.click("text=Campos do encerramento deste serviço")
        page.fill("input[name=name-0]", "leitura")
        page.fill("input[name=label-0]", "Leitura no local")
        page.select_option("select[name=kind-0]", "number")
        page.check("input[name=required-0]")
        page.click("button:has-text('Gravar campos')")
        page.wait_for_load_state()
        assert "Campos do encerramento gravados" in page.inner_text(".msg")
        _shot(page, "19-closing-form")
        assert errors == []
    finally:
        page.close()
