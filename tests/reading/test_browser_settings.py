"""The reading and metering settings pages in Debian's Chromium, as a manager walks them from the
"Configurações" menu: the consumption regulation, the schedule settings (list and one group), a
month's adjustment and the metering policy; each is reachable from the menu, has no accessibility
violation (axe) nor CSP error, and a refused submission says what is wrong in pt-BR and writes
nothing. Read-only on purpose: the audit trail is append-only, and rows committed here would outlive
the test. Screenshots go to tests/artifacts/reading/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application

from modules.common.tenancy import tenant_context
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import DESKTOP, ROOT, _axe, _QuietHandler, _ThreadingWSGIServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "Senha-forte-123"
ARTIFACTS = ROOT / "tests" / "artifacts" / "reading"
REFERENCE = dt.date(2031, 5, 1)  # a month no other test schedules


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.access.models import Profile, User
    from modules.reading.models import ReadingSchedule
    from modules.registry.models import BillingGroup
    from saas.middleware import host_cache
    from tests.conftest import make_user

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    username = f"gestor-configuracoes-{random.randint(1000, 9999)}"
    with django_db_blocker.unblock():
        host_cache.clear()
        with tenant_context("alpha"):
            user = make_user("alpha", username, PASSWORD, full_name="Gestora das Configurações")
            user.profiles.add(Profile.objects.get(name="Gestor"))
            group, _ = BillingGroup.objects.get_or_create(code=1, defaults={"name": "Grupo 1"})
            schedule = ReadingSchedule.objects.create(
                group=group,
                reference=REFERENCE,
                reading_start=dt.date(2031, 5, 6),
                reading_end=dt.date(2031, 5, 9),
                billing_date=dt.date(2031, 5, 12),
                due_date=dt.date(2031, 5, 22),
            )
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "username": username, "schedule": schedule.pk, "group": 1}
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                ReadingSchedule.objects.filter(pk=schedule.pk).delete()
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
    return f"http://alpha.localhost:{world['port']}{path}"


def _signed_in(browser: Any, world: dict[str, Any]) -> Any:
    page = browser.new_context(viewport=DESKTOP, locale="pt-BR").new_page()
    page.csp_errors = []  # type: ignore[attr-defined]
    page.on(
        "console", lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.goto(_url(world, "/conta/entrar/"))
    page.fill("#id_username", world["username"])
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(_url(world, "/"))
    return page


def _look(page: Any, name: str, heading: str) -> None:
    assert page.locator("h1").inner_text().startswith(heading), page.url
    assert "Histórico de alterações" in page.content()
    _axe(page)
    assert page.csp_errors == [], page.csp_errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_manager_walks_the_settings_pages_from_the_menu(browser: Any, world: dict[str, Any]) -> None:
    page = _signed_in(browser, world)
    menu = page.locator("nav")
    for label in ("Regulamento de consumo", "Cronograma de leitura", "Política de hidrometria"):
        assert menu.get_by_role("link", name=label).count() == 1, label

    menu.get_by_role("link", name="Regulamento de consumo").click()
    _look(page, "regulamento", "Regulamento de consumo")
    menu.get_by_role("link", name="Cronograma de leitura").click()
    _look(page, "cronograma-configuracao", "Configuração do cronograma de leitura")
    page.goto(_url(world, f"/leitura/cronograma/configuracao/{world['group']}/"))
    _look(page, "cronograma-grupo", "Configuração do cronograma: Grupo 1")
    page.goto(_url(world, f"/leitura/cronograma/{world['schedule']}/ajustar/"))
    _look(page, "cronograma-ajuste", "Ajustar cronograma: grupo 1, referência 05/2031")
    menu.get_by_role("link", name="Política de hidrometria").click()
    _look(page, "hidrometria-politica", "Política de hidrometria")


def test_refused_submissions_say_why_and_write_nothing(browser: Any, world: dict[str, Any]) -> None:
    from modules.common.models import Regulation
    from modules.metering.models import MeteringPolicy
    from modules.reading.models import ReadingSchedule

    page = _signed_in(browser, world)
    with tenant_context("alpha"):
        versions = Regulation.objects.filter(kind="reading.consumption").count()
        validity = MeteringPolicy.current().validity_years

    page.goto(_url(world, "/leitura/regulamento/"))
    page.fill("#id_act", "Decreto de teste")
    page.fill("#id_low_percent", "130")
    page.get_by_role("button", name="Cadastrar versão").click()
    assert page.get_by_text("Consumo baixo (abaixo da média): informe um número de 0 a 100 %.").is_visible()
    page.screenshot(path=str(ARTIFACTS / "regulamento-recusado.png"), full_page=True)

    page.goto(_url(world, f"/leitura/cronograma/{world['schedule']}/ajustar/"))
    page.fill("#id_due_date", "2031-05-24")  # a Saturday
    page.fill("#id_reason", "teste")
    page.get_by_role("button", name="Salvar ajuste").click()
    assert page.get_by_text(
        "O vencimento em 24/05/2031 não é dia útil (sábado): escolha um dia útil."
    ).is_visible()

    page.goto(_url(world, "/hidrometria/politica/"))
    page.fill("#id_validity_years", "20")
    page.get_by_role("button", name="Salvar").click()
    assert page.get_by_text("A validade da aferição deve ficar entre 1 e 10 anos.").is_visible()

    with tenant_context("alpha"):
        assert Regulation.objects.filter(kind="reading.consumption").count() == versions
        assert MeteringPolicy.current().validity_years == validity
        row = ReadingSchedule.objects.get(pk=world["schedule"])
        assert (row.due_date, row.adjusted_by) == (dt.date(2031, 5, 22), "")
