"""Issue #17's new staff pages in Debian's Chromium (ADR 0226, 0228): a billing manager writes a
critique rule and the minimum invoice values, issues a guia avulsa with two lines and opens its
page, and sees the loss-charge page; each page looked at (screenshots in tests/artifacts/docs/,
git-ignored), with axe's accessibility check and no horizontal overflow."""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
from collections.abc import Iterator
from decimal import Decimal
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
ARTIFACTS = ROOT / "tests" / "artifacts" / "docs"
PASSWORD = "Senha-forte-123"


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.access.models import Profile, User
    from modules.billing.models import CritiqueRule, InvoiceMinimum
    from modules.collection.models import PaymentDocument
    from modules.registry.seed import grant
    from modules.service.seed import GRANTS
    from saas.middleware import host_cache
    from tests.conftest import make_user

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    username = f"faturamento-navegador-{random.randint(1000, 9999)}"
    with django_db_blocker.unblock():
        host_cache.clear()
        with tenant_context("beta"):
            user = make_user("beta", username, PASSWORD, full_name="Fábio Faturamento")
            user.profiles.add(Profile.objects.get(name="Gestor"))
            grant(GRANTS)  # a test database reused from before the loss page has not seeded its grant
            from tests.portal.test_browser import _make_person, _remove

            person = _make_person("beta", "Rita Guia Avulsa")
            account = person.account
            minimum = InvoiceMinimum.current()
            saved = (minimum.single_bill, minimum.run_bill)
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "username": username, "account": account}
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("beta"):
                docs = PaymentDocument.objects.filter(created_by=username)
                for doc in docs:
                    doc.items.all().delete()
                docs.delete()
            _remove([person])
            with tenant_context("beta"):
                CritiqueRule.objects.filter(created_by=username).delete()
                InvoiceMinimum.objects.filter(pk=1).update(single_bill=saved[0], run_bill=saved[1])
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


def test_critique_rules_a_slip_and_the_loss_page(browser: Any, world: dict[str, Any]) -> None:
    from modules.billing.models import CritiqueRule
    from modules.collection.models import PaymentDocument

    page = _sign_in(browser, world)
    page.goto(_url(world, "/faturamento/critica/"))
    page.fill("#name", "Residencial acima de R$ 500")
    page.select_option("#kind", "value_above")
    page.fill("#threshold", "500,00")
    page.click("form.form >> text=Salvar regra")
    assert "Regra “Residencial acima de R$ 500” criada." in page.content()
    page.fill("#run_bill", "5,00")
    page.click("text=Salvar valores mínimos")
    _shot(page, "1-critique-rules")
    _axe(page)
    _no_overflow(page)
    with tenant_context("beta"):
        assert CritiqueRule.objects.get(created_by=world["username"]).threshold == Decimal("500.00")

    page.goto(_url(world, "/arrecadacao/guias/nova/"))
    page.fill("#account_number", world["account"])
    valid = dt.date.today() + dt.timedelta(days=10)  # noqa: DTZ011  (a date in the browser's form)
    while valid.weekday() >= 5:
        valid += dt.timedelta(days=1)
    page.fill("#valid_until", valid.isoformat())
    page.fill("[name=description_1]", "Religação a pedido")
    page.fill("[name=amount_1]", "45,90")
    page.fill("[name=description_2]", "Aferição de hidrômetro")
    page.fill("[name=amount_2]", "32,15")
    _shot(page, "2-slip-form")
    _axe(page)
    page.click("text=Emitir guia")
    assert "Guia avulsa nº" in page.locator("h1").inner_text()
    assert "78,05" in page.content()
    _shot(page, "3-slip-page")
    _axe(page)
    _no_overflow(page)
    with tenant_context("beta"):
        assert PaymentDocument.objects.get(created_by=world["username"]).amount == Decimal("78.05")

    page.goto(_url(world, "/servicos/perdas/"))
    assert "Perdas: fraudes" in page.locator("h1").inner_text()
    _shot(page, "4-losses")
    _axe(page)
    _no_overflow(page)
