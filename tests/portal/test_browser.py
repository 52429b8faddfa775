"""What a citizen does on the pages, in Debian's Chromium driven by Playwright: signing in on two
utilities (each with its own brand), phone and desktop, the totem keypad and its idle sign-out,
another citizen's property, another utility's host; axe-core finds no WCAG 2.1 A/AA violation.

The app is served by a real WSGI server in a thread against the test database, so the data these
tests use is committed (the server has its own connection) and removed at the end. Screenshots go
to tests/artifacts/portal/ (git-ignored).
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.wsgi import get_wsgi_application

from modules.common.tenancy import tenant_context

from .conftest import CHROMIUM

# django_db: the test database is only set up for a session whose tests ask for it. Each test's
# own transaction stays empty: every row these tests need is committed by the module fixture.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "portal"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
BETA_BRAND = {"primary_color": "#7A1F5C", "secondary_color": "#4A0F36", "phone": "0800 555 0102"}
BETA_LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48" rx="8" '
    'fill="#7A1F5C"/><text x="24" y="31" font-size="16" text-anchor="middle" fill="#fff">CB</text></svg>'
)
TOTEM_IDLE_SECONDS = 8

if not Path(CHROMIUM).exists():  # pragma: no cover - `make install` installs it
    if os.environ.get("CI"):  # CI must run them: a missing browser is a broken install, not a skip
        raise RuntimeError("Chromium ausente: `make install` instala o pacote Debian 'chromium'")
    pytest.skip("Chromium (pacote Debian 'chromium') não está instalado", allow_module_level=True)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@dataclass
class Person:
    name: str
    cpf: str
    account: str
    property_id: int
    schema: str


def _make_person(schema: str, name: str) -> Person:
    from tests.registry import factories as f

    with tenant_context(schema):
        # committed rows: a random CPF and lot so a rerun or a parallel worker never collides
        seed = random.randint(200_000_000, 899_999_999)
        customer = f.customer(name, document=f.cpf(seed))
        prop = f.prop(holder=customer, lot=random.randint(2000, 9000), block=random.randint(100, 900))
        return Person(name, customer.cpf_cnpj, prop.account_number, prop.pk, schema)


def _remove(people: list[Person]) -> None:
    from modules.billing.models import DueDayChoice
    from modules.registry.models import Customer, Property
    from modules.service.models import ServiceRequest
    from tests.service.factories import committed_orders_remove

    for p in people:
        with tenant_context(p.schema):
            ServiceRequest.objects.filter(property_id=p.property_id).delete()
            committed_orders_remove([p.property_id])  # a request from the agency opens one (ADR 0223)
            DueDayChoice.objects.filter(property_id=p.property_id).delete()
            Property.objects.filter(pk=p.property_id).delete()
            Customer.objects.filter(cpf_cnpj=p.cpf).delete()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from tenants.models import Tenant

    # Playwright's sync API runs an event loop on this thread; the ORM calls of setup and checks
    # are still plain synchronous code.
    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from portal.models import AgencySettings

    with django_db_blocker.unblock():
        with tenant_context("alpha"):
            idle_before = AgencySettings.current().totem_idle_seconds
            AgencySettings.objects.filter(pk=1).update(totem_idle_seconds=TOTEM_IDLE_SECONDS)
        beta = Tenant.objects.get(schema_name="beta")
        saved_beta = {k: getattr(beta, k) for k in (*BETA_BRAND, "logo_svg")}
        Tenant.objects.filter(pk=beta.pk).update(**BETA_BRAND, logo_svg=BETA_LOGO)
        names = dict(Tenant.objects.values_list("schema_name", "name"))
        # the per-process host cache may hold a tenant object another test changed in its transaction
        from saas.middleware import host_cache

        host_cache.clear()
        people = [
            _make_person("alpha", "Maria da Conceição Souza"),
            _make_person("alpha", "João Pereira Lima"),
            _make_person("beta", "Ana Beatriz Rocha"),
        ]
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {
                "port": server.server_port,
                "names": names,
                "maria": people[0],
                "joao": people[1],
                "ana": people[2],
            }
        finally:
            server.shutdown()
            server.server_close()
            _remove(people)
            Tenant.objects.filter(pk=beta.pk).update(**saved_beta)
            with tenant_context("alpha"):
                AgencySettings.objects.filter(pk=1).update(totem_idle_seconds=idle_before)
            host_cache.clear()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_async


def _url(world: dict[str, Any], schema: str, path: str) -> str:
    return f"http://{schema}.localhost:{world['port']}{path}"


def _page(browser: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, locale="pt-BR")
    page = context.new_page()
    page.csp_errors = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _axe(page: Any) -> None:
    """No WCAG 2.1 A/AA violation, as axe-core reports them; run through DevTools, so the page's
    CSP (which forbids injected scripts) stays on."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("node_modules/axe-core ausente: `make install` roda `npm ci`")
        pytest.skip("axe-core ausente (rode `make install` com node/npm)")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    assert result == [], f"{page.url}: {result}"


def _no_overflow(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _sign_in(page: Any, world: dict[str, Any], person: Person, schema: str | None = None) -> None:
    page.goto(_url(world, schema or person.schema, "/agencia/"))
    page.fill("#id_account", person.account)
    page.fill("#id_document", person.cpf)
    page.click("#sign-in-form button[type=submit]")


@pytest.mark.parametrize(("viewport", "label"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_a_citizen_signs_in_on_each_utility_and_sees_its_brand(
    browser: Any, world: dict[str, Any], viewport: dict[str, int], label: str
) -> None:
    for key, colour in (("maria", "rgb(19, 81, 180)"), ("ana", "rgb(122, 31, 92)")):
        person = world[key]
        brand_name = world["names"][person.schema]
        page = _page(browser, viewport)
        page.goto(_url(world, person.schema, "/agencia/"))
        assert page.locator(".agency-brand__name").inner_text() == brand_name
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.agency-header')).backgroundColor")
            == colour
        )
        _shot(page, f"{label}-{person.schema}-1-sign-in")
        _axe(page)
        _no_overflow(page)

        _sign_in(page, world, person)
        page.wait_for_url(f"**/agencia/imoveis/{person.property_id}/")
        assert person.name in page.locator(".agency-session").inner_text()
        assert person.cpf not in page.content()
        _shot(page, f"{label}-{person.schema}-2-home")
        _axe(page)
        _no_overflow(page)

        page.click("text=Dados do imóvel")
        page.wait_for_url("**/cadastro/")
        _shot(page, f"{label}-{person.schema}-3-registry")
        _axe(page)
        _no_overflow(page)
        assert page.csp_errors == []
        page.context.close()


def test_a_service_request_from_the_phone_gets_a_protocol(browser: Any, world: dict[str, Any]) -> None:
    maria = world["maria"]
    page = _page(browser, PHONE)
    _sign_in(page, world, maria)
    page.click("text=Pedir um serviço")
    page.wait_for_url("**/pedidos/novo/")
    _axe(page)
    page.click("text=Falta d'água")
    page.fill("#id_phone", "(15) 99999-1234")
    page.fill("#id_email", "maria@example.com")
    page.click("form.agency-form button[type=submit]")
    page.wait_for_url("**/pedidos/2*/")
    assert "Pendente de recebimento" in page.content()
    _shot(page, "phone-alpha-4-protocol")
    _axe(page)
    page.click("text=Voltar e escolher outro serviço")
    page.click("text=Alterar vencimento")
    page.click("label:has-text('Dia 20')")
    _shot(page, "phone-alpha-5-due-day")
    _axe(page)
    page.click("form.agency-form button[type=submit]")
    assert "dia 20" in page.locator(".agency-messages").inner_text()
    page.context.close()


def test_another_citizens_property_answers_404(browser: Any, world: dict[str, Any]) -> None:
    page = _page(browser, PHONE)
    _sign_in(page, world, world["maria"])
    page.wait_for_url("**/imoveis/*/")
    response = page.goto(_url(world, "alpha", f"/agencia/imoveis/{world['joao'].property_id}/cadastro/"))
    assert response.status == 404
    assert "Imóvel não encontrado." in page.content()
    assert world["joao"].name not in page.content()
    _shot(page, "phone-alpha-6-not-found")
    _axe(page)
    page.context.close()


def test_an_account_of_one_utility_does_not_open_on_anothers_host(
    browser: Any, world: dict[str, Any]
) -> None:
    page = _page(browser, PHONE)
    _sign_in(page, world, world["maria"], schema="beta")
    assert "/agencia/imoveis/" not in page.url
    assert "Não foi possível entrar com estes dados" in page.locator("#sign-in-form").inner_text()
    assert page.locator(".agency-brand__name").inner_text() == world["names"]["beta"]
    _shot(page, "phone-beta-7-foreign-account")
    _axe(page)
    page.context.close()


def test_totem_keypad_sign_in_and_automatic_sign_out(browser: Any, world: dict[str, Any]) -> None:
    maria = world["maria"]
    page = _page(browser, {"width": 1080, "height": 1920})
    page.goto(_url(world, "alpha", "/totem/"))
    keys = page.locator(".totem-key")
    assert keys.count() == 12
    for i in range(keys.count()):
        box = keys.nth(i).bounding_box()
        assert box["width"] >= 48 and box["height"] >= 48
    _shot(page, "totem-alpha-1-keypad")
    _axe(page)

    page.click("#id_account")
    for digit in maria.account.replace("-", ""):
        page.click(f".totem-key[data-key='{digit}']")
    page.click("#id_document")
    for digit in maria.cpf:
        page.click(f".totem-key[data-key='{digit}']")
    page.click(".totem-key[data-key='back']")
    page.click(f".totem-key[data-key='{maria.cpf[-1]}']")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_url(f"**/totem/imoveis/{maria.property_id}/")
    _shot(page, "totem-alpha-2-home")
    _axe(page)

    banner = page.locator("#totem-idle")
    banner.wait_for(state="visible", timeout=TOTEM_IDLE_SECONDS * 1000)
    seconds = int(page.locator("#totem-idle-seconds").inner_text())
    assert 0 < seconds <= TOTEM_IDLE_SECONDS
    _shot(page, "totem-alpha-3-countdown")
    page.wait_for_url("**/totem/", timeout=(TOTEM_IDLE_SECONDS + 5) * 1000)
    assert "encerrada por inatividade" in page.content()
    _shot(page, "totem-alpha-4-signed-out")
    # the session is gone on the server too
    response = page.goto(_url(world, "alpha", f"/totem/imoveis/{maria.property_id}/"))
    assert response.url.endswith("/totem/")
    page.context.close()
