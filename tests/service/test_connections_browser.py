"""A new water connection walked in Debian's Chromium through the pages a clerk uses (ADR 0183):
the counter's request with the document checklist ticked opens the feasibility order; the
feasibility registered as executed shows the budget with the execution code's price; the fee put
on the next bill in installments releases the execution order; the execution concluded with a stock
meter makes the connection provisional; the activation by the closing area makes it active; the
billing of the property's group started from the staff page (Celery run eagerly in this process)
produces the FIRST BILL with the fee's first installment, opened from the run's page. Screenshots go
to tests/artifacts/service/ (git-ignored). What the walk commits in alpha is deleted afterwards.
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
from django.db import connection

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
    from modules.metering.services import meter_create
    from modules.registry.models import BillingGroup, City, Locality, Neighbourhood, Sector, Street
    from modules.service.models import OrderSequence, StreetSector, TeamMember, WorkflowDefinition
    from modules.service.models import Sector as ServiceSector
    from modules.service.services import catalog
    from modules.service.services import connections as cx
    from saas.celery import app as celery_app
    from saas.middleware import host_cache
    from tests.billing import factories as bf

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    tag = uuid.uuid4().hex[:5].upper()
    actor = SystemActor("testes")
    with django_db_blocker.unblock():
        host_cache.clear()
        username = f"bal{tag.lower()}"
        make_user("alpha", username, PASSWORD, full_name="Atendente do Balcão", is_admin=True)
        with tenant_context("alpha"):
            today = tenant_today()
            since = today - dt.timedelta(days=30)
            feas = catalog.service_code_create(
                actor=actor,
                code=f"VB{tag}",
                description="Vistoria de viabilidade",
                billing_type="not_billable",
                deadline_value=5,
                deadline_unit="business_days",
                price=None,
                price_from=since,
            )
            exe = catalog.service_code_create(
                actor=actor,
                code=f"LN{tag}",
                description="Ligação nova de água",
                billing_type="mandatory",
                deadline_value=5,
                deadline_unit="business_days",
                max_installments=3,
                price=Decimal("180.00"),
                price_from=since,
            )
            previously_active = list(
                WorkflowDefinition.objects.filter(active=True).values_list("pk", flat=True)
            )
            WorkflowDefinition.objects.filter(pk__in=previously_active).update(active=False)
            definition = cx.workflow_seed(
                actor=actor, feasibility_code=feas.code, execution_code=exe.code, name=f"Ligação nova {tag}"
            )
            city = City.objects.order_by("id").first()
            street = Street.objects.create(city=city, street_type="Rua", name=f"das Palmeiras {tag}")
            locality = Locality.objects.filter(code=1).first() or Locality.objects.create(
                city=city, code=1, name="Sede"
            )
            sector_code = random.randint(500, 990)
            setor, setor_created = Sector.objects.get_or_create(
                locality=locality, code=sector_code, defaults={"name": f"Setor {tag}"}
            )
            StreetSector.objects.create(street=street, sector=setor)
            hood = Neighbourhood.objects.create(city=city, name=f"Centro {tag}")
            group_code = random.randint(700, 990)
            group, group_created = BillingGroup.objects.get_or_create(
                code=group_code, defaults={"name": f"Grupo {tag}"}
            )
            route = group.routes.first() or group.routes.create(code=1)
            area = ServiceSector.objects.create(name=f"Ligações {tag}")
            team = catalog.team_create(actor=actor, name=f"Equipe Ligações {tag}", sector=area)
            TeamMember.objects.create(team=team, user=User.objects.get(username=username), start=since)
            company_before = connection.tenant.febraban_company_code
            bf.set_company_code("0562")
            tariff_act = f"Ato {tag}"
            bf.approved_tariff(act=tariff_act)
            # the month's reading over yesterday, so the run may start today (early in a month: the last one)
            reference = YearMonth.of(today) if today.day > 2 else YearMonth.of(today).plus(-1)
            bf.schedule(group, reference, start_day=1, end_day=today.day - 1 if today.day > 2 else 28)
            year = tenant_now().year
            sequence_before = OrderSequence.objects.filter(year=year).values_list("last", flat=True).first()
            meter = meter_create(
                actor=actor,
                number=f"Y26N{tag}",
                manufacturer="Elster",
                model="S220",
                capacity="1.5",
                diameter_mm=20,
                metrological_class="B",
                manufacture_year=2026,
                calibrated_on=today,
                today=today,
            )
        eager_before = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True  # the run's chunks billed in this process
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {
                "port": server.server_port,
                "username": username,
                "street": str(street),
                "street_id": street.pk,
                "hood": hood.pk,
                "group": group.pk,
                "route": route.pk,
                "team": team.name,
                "meter": meter.number,
                "lot": random.randint(2000, 9000),
                "block": random.randint(100, 900),
                "sector_code": sector_code,
                "group_label": str(group),
                "reference": reference.first_day().strftime("%Y-%m"),
            }
        finally:
            celery_app.conf.task_always_eager = eager_before
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                from modules.billing.models import Bill, BillingRun, Tariff
                from modules.reading.models import ReadingSchedule

                Bill.objects.filter(run__group=group).delete()
                BillingRun.objects.filter(group=group).delete()
                ReadingSchedule.objects.filter(group=group).delete()
                TeamMember.objects.filter(team=team).delete()
                _cleanup(street, definition, [feas, exe], team, meter, group, previously_active)
                area.delete()
                if setor_created:
                    setor.delete()
                Tariff.objects.filter(act=tariff_act).delete()
                bf.set_company_code(company_before)
                if group_created:
                    group.routes.all().delete()
                    group.delete()
                # the yearly numbering is back where it was, so other tests' numbers do not depend on this one
                if sequence_before is None:
                    OrderSequence.objects.filter(year=year).delete()
                else:
                    OrderSequence.objects.filter(year=year).update(last=sequence_before)
                hood.delete()
                LoginAttempt.objects.filter(username=username).delete()
                User.objects.filter(username=username).delete()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _cleanup(
    street: Any, definition: Any, codes: list[Any], team: Any, meter: Any, group: Any, active: list[int]
) -> None:
    """Best effort, children first: what the walk created is removed so the shared database is as before."""
    from modules.metering.models import Installation, Meter
    from modules.registry.models import (
        ConnectionEvent,
        Property,
        PropertyCategory,
        PropertyRelation,
        ServiceConnection,
    )
    from modules.service.models import (
        ConnectionRequest,
        ExecutedService,
        OrderEvent,
        PendingCharge,
        ServiceOrder,
        ServicePrice,
        WorkflowDefinition,
    )

    requests = ConnectionRequest.objects.filter(street=street)
    props = list(requests.values_list("target_id", flat=True))
    customers = list(
        PropertyRelation.objects.filter(property_id__in=props).values_list("customer_id", flat=True)
    )
    requests.delete()
    orders = ServiceOrder.objects.filter(property_id__in=props)
    PendingCharge.objects.filter(order__in=orders).delete()
    ExecutedService.objects.filter(order__in=orders).delete()
    OrderEvent.objects.filter(order__in=orders).delete()
    orders.delete()
    Installation.objects.filter(meter=meter).delete()
    Meter.objects.filter(pk=meter.pk).delete()
    ConnectionEvent.objects.filter(connection__property_id__in=props).delete()
    ServiceConnection.objects.filter(property_id__in=props).delete()
    PropertyCategory.objects.filter(property_id__in=props).delete()
    PropertyRelation.objects.filter(property_id__in=props).delete()
    Property.objects.filter(pk__in=props).delete()
    from modules.registry.models import Customer

    Customer.objects.filter(pk__in=customers).delete()
    street.delete()
    WorkflowDefinition.objects.filter(pk=definition.pk).delete()
    WorkflowDefinition.objects.filter(pk__in=active).update(active=True)
    for code in codes:
        ServicePrice.objects.filter(code=code).delete()
        code.delete()
    team.delete()


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


def test_a_new_water_connection_from_the_counter_to_the_first_bill(
    browser: Any, world: dict[str, Any]
) -> None:
    from tests.registry.factories import cpf

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

        page.click("text=Ligações novas")
        page.click("text=Novo pedido no balcão")
        page.fill("#street-search input[name=street_q]", world["street"].split(" ", 1)[1])
        page.click("#street-search button")
        page.wait_for_load_state()
        assert f"setor {world['sector_code']}" in page.inner_text("#street-hits")
        assert page.input_value("input[name=sector]") == str(world["sector_code"])  # S8.1-04
        assert page.input_value("select[name=street]") == str(world["street_id"])
        page.fill("input[name=citizen_name]", "Maria da Silva")
        page.fill("input[name=requester_document]", cpf(random.randint(10**6, 10**8)))
        page.fill("input[name=phone]", "(15) 99999-0000")
        page.select_option("select[name=kind]", "water")
        page.fill("input[name=street_number]", "45")
        page.select_option("select[name=neighbourhood]", str(world["hood"]))
        page.fill("input[name=block]", str(world["block"]))
        page.fill("input[name=lot]", str(world["lot"]))
        page.select_option("select[name=billing_group]", str(world["group"]))
        page.select_option("select[name=route]", str(world["route"]))
        boxes = page.locator("input[name=documents]")
        for i in range(boxes.count() - 1):  # one document left unticked: the request is refused
            boxes.nth(i).check()
        page.click("button:has-text('Confirmar pedido')")
        page.wait_for_load_state()
        assert "Confira todos os documentos" in page.inner_text("main")
        _shot(page, "conn-01-documents-missing")
        boxes = page.locator("input[name=documents]")
        for i in range(boxes.count()):
            boxes.nth(i).check()
        _shot(page, "conn-02-counter")
        page.click("button:has-text('Confirmar pedido')")
        page.wait_for_load_state()
        assert "OS de viabilidade aberta" in page.inner_text(".msg")
        assert page.inner_text("#request-status") == "Em viabilidade"
        detail = page.url
        _shot(page, "conn-03-feasibility")

        page.select_option("#form-feasibility select[name=team]", label=world["team"])
        page.click("#form-feasibility button")
        page.wait_for_load_state()
        assert page.inner_text("#request-status") == "Orçamento"
        assert "R$ 180.00" in page.inner_text("#fee") or "180,00" in page.inner_text("#fee")
        _shot(page, "conn-04-budget")

        page.select_option("#form-settle select[name=settlement]", "bill")
        page.select_option("#form-settle select[name=installments]", "3")
        page.click("#form-settle button")
        page.wait_for_load_state()
        assert page.inner_text("#request-status") == "Em execução"
        assert "em 3 parcelas" in page.inner_text("#steps")
        _shot(page, "conn-05-execution")

        page.select_option("#form-complete select[name=team]", label=world["team"])
        page.select_option("#form-complete select[name=meter]", label=world["meter"])
        page.click("#form-complete button")
        page.wait_for_load_state()
        assert page.inner_text("#request-status") == "Provisória"
        _shot(page, "conn-06-provisional")
        page.select_option("#form-activate select[name=usage]", "RES")
        page.select_option("#form-activate select[name=service_type]", "water")
        page.fill("#form-activate input[name=economies]", "1")
        page.click("#form-activate button")
        page.wait_for_load_state()
        assert page.inner_text("#request-status") == "Ativa"
        steps = page.inner_text("#steps")
        assert "(na próxima conta)" in steps and "180" in steps
        account = page.inner_text("#account")
        _shot(page, "conn-07-active")

        # the first bill: the group's billing started from the staff page, the bill opened from the run
        page.goto(f"{base}/faturamento/execucoes/")
        page.select_option("select[name=group]", label=world["group_label"])
        page.fill("input[name=reference]", world["reference"])
        page.click("button:has-text('Iniciar faturamento')")
        page.wait_for_load_state()
        assert "Faturamento iniciado" in page.inner_text(".msg")
        page.reload()
        row = page.locator("table tr", has_text=account).first
        row.locator("a").first.click()
        page.wait_for_load_state()
        items = page.inner_text("main")
        assert "parcela 1/3" in items and ("60,00" in items or "60.00" in items), items[:2000]
        _shot(page, "conn-08-first-bill")

        page.goto(f"{base}/servicos/ligacoes/")
        assert account in page.inner_text("table")
        _shot(page, "conn-09-list")
        page.goto(f"{base}/servicos/ligacoes/fluxos/")
        assert page.locator("input[name=title]").nth(1).input_value() == "OS de viabilidade"
        _shot(page, "conn-10-workflows")
        assert page.goto(detail).ok
        assert errors == []
    finally:
        page.close()

    from modules.registry.models import ServiceConnection

    with tenant_context("alpha"):
        water = ServiceConnection.objects.get(property__account_number=account, kind="water")
        assert (water.situation, water.metered) == ("connected", True)
