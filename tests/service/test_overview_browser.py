"""The attendance desk in Debian's Chromium: a counter clerk searches a property by its account number,
opens its one screen from the search results and sees its bills, with a link to each bill's PDF, and
its consumption. The screenshot goes to tests/artifacts/service/ (git-ignored): look at it.

As in tests/portal, a real WSGI server in a thread serves committed rows, removed at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application

from modules.common.clock import tenant_today
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
    from modules.access.models import LoginAttempt, Profile, ProfileGrant, User
    from modules.billing.models import Bill
    from modules.reading.models import Reading
    from modules.registry.models import Customer, Property
    from saas.middleware import host_cache
    from tests.collection import factories as cf
    from tests.registry import factories as reg

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    tag = uuid.uuid4().hex[:5].lower()
    username = f"balcao{tag}"
    with django_db_blocker.unblock():
        host_cache.clear()
        with tenant_context("alpha"):
            profile = Profile.objects.create(name=f"Atendimento {tag}")
            for function in ("registry.properties", "billing.bills", "reading.readings", "debt.position"):
                ProfileGrant.objects.create(profile=profile, function=function, can_view=True)
        user = make_user("alpha", username, PASSWORD, full_name="Atendente do Balcão")
        with tenant_context("alpha"):
            user.profiles.add(profile)
            customer = reg.customer(name="Rosa Amélia Tavares")
            prop = reg.prop(holder=customer, lot=random.randint(2000, 9000), block=random.randint(100, 900))
            month = YearMonth.of(tenant_today()).plus(-1)
            bills = []
            for back in range(4):
                reference = month.plus(-back).first_day()
                due = reference + dt.timedelta(days=40)
                bill = cf.bill(prop, f"{61 + 7 * back}.40", due, reference=reference)
                Bill.objects.filter(pk=bill.pk).update(consumption_m3=12 + 3 * back)
                Reading.objects.create(
                    property=prop,
                    reference=reference,
                    read_on=reference + dt.timedelta(days=4),
                    value=2300 - 15 * back,
                    consumption_m3=12 + 3 * back,
                    actor="leiturista",
                )
                bills.append(bill.pk)
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {
                "port": server.server_port,
                "username": username,
                "account": prop.account_number,
                "property_id": prop.pk,
                "bills": bills,
                "reference": month.first_day().strftime("%m/%Y"),
            }
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                Reading.objects.filter(property_id=prop.pk).delete()
                Bill.objects.filter(property_id=prop.pk).delete()
                Property.objects.filter(pk=prop.pk).delete()
                Customer.objects.filter(pk=customer.pk).delete()
                LoginAttempt.objects.filter(username=username).delete()
                User.objects.filter(username=username).delete()
                Profile.objects.filter(pk=profile.pk).delete()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_search_a_property_and_see_its_bills_on_one_screen(browser: Any, world: dict[str, Any]) -> None:
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

        page.goto(f"{base}/cadastro/")
        page.fill("input[name=q]", world["account"])
        page.click("button:has-text('Buscar')")
        page.wait_for_load_state()
        page.click(f"a[aria-label='Atendimento da matrícula {world['account']}']")
        page.wait_for_load_state()
        assert page.url.endswith(f"/servicos/atendimento/imovel/{world['property_id']}/")
        assert f"matrícula {world['account']}" in page.inner_text("h1")
        bills = page.inner_text("#bills")
        assert world["reference"] in bills and "61,40" in bills and "82,40" in bills
        assert page.locator("#bills a:has-text('PDF')").count() == 4
        first = world["bills"][0]
        assert page.locator(f"#bills a[href='/faturamento/faturas/{first}/pdf/']").count() == 1
        assert page.locator("#readings meter").count() == 4
        assert "Rosa Amélia Tavares" in page.inner_text("main")
        # this profile grants neither payments nor service orders: those blocks are absent
        assert page.locator("#payments").count() == 0 and page.locator("#orders").count() == 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "overview-desk.png"), full_page=True)

        # the months that make the billing average (S10.7-01), one click from the readings block
        page.click("#readings a:has-text('Leituras, médias e alterações')")
        page.wait_for_load_state()
        assert "Leituras e faturas" in page.inner_text("h1")
        assert world["reference"] in page.inner_text("table") and "61,40" in page.inner_text("table")
        page.screenshot(path=str(ARTIFACTS / "reading-summary.png"), full_page=True)
        page.go_back()
        page.wait_for_load_state()

        page.click(f"#bills a[href='/faturamento/faturas/{first}/']")
        page.wait_for_load_state()
        assert world["account"] in page.inner_text("main")
        assert errors == []
    finally:
        page.close()
