"""The field app on a phone-sized Chromium: a field team member signs in with the staff sign-in,
the PWA loads the day's order and installs its service worker, the network goes away (DevTools
network emulation), the order is closed with a material while offline — kept in IndexedDB, the server
still has it scheduled — and when the connection comes back the queue is sent: the order is executed
on the server with its material and its pending charges for the next bill. Screenshots go to
tests/artifacts/service/ (git-ignored).
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
    from modules.access.models import LoginAttempt, Profile, User
    from modules.common.audit import SystemActor
    from modules.registry.models import Property
    from modules.service.models import (
        FieldClosing,
        FieldEvent,
        Material,
        OrderSequence,
        ServiceCode,
        ServiceOrder,
        Team,
    )
    from modules.service.services import catalog, opening_settings, orders
    from saas.middleware import host_cache
    from tests.registry import factories as reg

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    tag = uuid.uuid4().hex[:5].upper()
    actor = SystemActor("testes")
    with django_db_blocker.unblock():
        host_cache.clear()
        username = f"campo{tag.lower()}"
        member = make_user("alpha", username, PASSWORD, full_name="Técnico de Campo")
        with tenant_context("alpha"):
            member.profiles.add(Profile.objects.get(name="Equipe de campo"))
            today = tenant_today()
            code = catalog.service_code_create(
                actor=actor,
                code=f"LIG{tag}",
                description="Ligação de água",
                billing_type="mandatory",
                deadline_value=2,
                deadline_unit="business_days",
                charges_materials=True,
                price=Decimal("35.00"),
                price_from=today - dt.timedelta(days=30),
            )
            # the code's own closing form, the order engine's (the phone reads it with the day)
            opening_settings.closing_form_set(
                actor=actor,
                code=code.code,
                fields=[
                    {"name": "hidrometro", "label": "Número do hidrômetro", "kind": "text", "required": True},
                    {"name": "lacre", "label": "Lacre conferido", "kind": "yes_no"},
                ],
            )
            material = catalog.material_create(
                actor=actor,
                code=f"TB{tag}",
                description="Tubo PEAD 20 mm",
                unit="m",
                price=Decimal("12.50"),
                price_from=today - dt.timedelta(days=30),
            )
            team = catalog.team_create(actor=actor, name=f"Equipe Campo {tag}")
            catalog.team_member_add(actor=actor, team_id=team.pk, user_id=member.pk, start=today)
            prop = reg.prop(
                lot=random.randint(2000, 9000),
                block=random.randint(100, 900),
                latitude=Decimal("-23.501"),
                longitude=Decimal("-47.452"),
            )
            boss = f"chefe{tag.lower()}"
            make_user("alpha", boss, PASSWORD, full_name="Supervisora de Campo", is_admin=True)
            year = tenant_now().year
            sequence_before = OrderSequence.objects.filter(year=year).values_list("last", flat=True).first()
            order = orders.order_open(actor=actor, code=code.code, property_id=prop.pk)
            orders.order_schedule(actor=actor, order_id=order.pk, team_id=team.pk, day=today)
            waiting = orders.order_open(actor=actor, code=code.code, property_id=prop.pk)
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {
                "port": server.server_port,
                "username": username,
                "order_id": order.pk,
                "label": order.label,
                "material": material.code,
                "boss": boss,
                "waiting": waiting.label,
            }
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                rows = ServiceOrder.objects.filter(property_id=prop.pk)
                for row in rows:
                    row.charges.all().delete()
                FieldClosing.objects.filter(order__in=rows).delete()
                FieldEvent.objects.filter(team=team).delete()
                rows.delete()
                ServiceCode.objects.filter(pk=code.pk).delete()
                Material.objects.filter(pk=material.pk).delete()
                team.members.all().delete()
                Team.objects.filter(pk=team.pk).delete()
                Property.objects.filter(pk=prop.pk).delete()
                if sequence_before is None:
                    OrderSequence.objects.filter(year=year).delete()
                else:
                    OrderSequence.objects.filter(year=year).update(last=sequence_before)
                LoginAttempt.objects.filter(username__in=[username, boss]).delete()
                User.objects.filter(username__in=[username, boss]).delete()
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


def _order(world: dict[str, Any]) -> Any:
    from modules.service.models import ServiceOrder

    with tenant_context("alpha"):
        return ServiceOrder.objects.get(pk=world["order_id"])


def test_an_order_closed_offline_on_the_phone_is_executed_once_back_online(
    browser: Any, world: dict[str, Any]
) -> None:
    base = f"http://alpha.localhost:{world['port']}"
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="pt-BR",
        timezone_id="America/Sao_Paulo",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{base}/campo/")
        assert "/conta/entrar/" in page.url  # the staff sign-in, reused
        page.fill("input[name=username]", world["username"])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/campo/")
        page.wait_for_selector("#app[data-ready='1']")
        card = page.locator(f"li[data-order='{world['order_id']}']")
        assert world["label"] in card.inner_text()
        assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)").endswith(
            "/campo/sw.js"
        )
        _shot(page, "field-01-today")

        context.set_offline(True)
        page.wait_for_selector("#net.offline")
        card.locator("button:has-text('Encerrar')").click()
        page.select_option("#materialLines .mat-code", world["material"])
        page.fill("#materialLines .mat-qty", "3")
        page.fill("#f-vehicle_plate", "ABC1D23")
        assert page.inner_text("label[for=q-hidrometro]") == "Número do hidrômetro *"
        page.fill("#q-hidrometro", "Y26A0001")
        page.select_option("#q-lacre", "true")
        _shot(page, "field-02-closing-offline")
        page.click("#closeForm button[type=submit]")
        page.wait_for_selector("text=guardado no aparelho, aguardando envio")
        assert page.inner_text("#pending") == "1 evento(s) aguardando envio"
        stored = page.evaluate(
            """() => new Promise((resolve) => {
                const r = indexedDB.open("campo");
                r.onsuccess = () => {
                    const q = r.result.transaction("outbox").objectStore("outbox").getAll();
                    q.onsuccess = () => resolve(q.result.map((e) => [e.type, e.order, e.payload.materials]));
                };
            })"""
        )
        assert stored == [["close", world["order_id"], [{"code": world["material"], "quantity": "3"}]]]
        assert _order(world).status == "scheduled"  # nothing reached the server
        _shot(page, "field-03-queued-offline")

        context.set_offline(False)
        page.wait_for_selector("text=0 evento(s) aguardando envio", timeout=15000)
        page.wait_for_selector(f"li[data-order='{world['order_id']}']", state="detached")
        _shot(page, "field-04-synced")

        order = _order(world)
        with tenant_context("alpha"):
            assert order.status == "executed"
            assert [(m.material.code, m.quantity) for m in order.materials_used.all()] == [
                (world["material"], Decimal("3.000"))
            ]
            assert sorted(c.amount for c in order.charges.all()) == [Decimal("35.00"), Decimal("37.50")]
            assert order.field_closing.vehicle_plate == "ABC1D23"
            assert order.closing_data.values == {"hidrometro": "Y26A0001", "lacre": "sim"}
        assert [e for e in errors if "Failed to load resource" not in e] == []
    finally:
        context.close()


def test_the_supervisor_sees_the_campo_page(browser: Any, world: dict[str, Any]) -> None:
    base = f"http://alpha.localhost:{world['port']}"
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="pt-BR")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{base}/conta/entrar/")
        page.fill("input[name=username]", world["boss"])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.click("nav.sidebar >> text=Campo")
        page.wait_for_load_state()
        main = page.inner_text("main")
        assert world["waiting"] in main
        assert "Privacidade das posições (LGPD)" in main
        assert page.locator("#fieldmap circle").count() >= 1
        _shot(page, "field-05-back-office")
        assert errors == []
    finally:
        page.close()
