"""VA-08 in Chromium: a utility that does not offer some services (alpha: due day, installments and
online payment) shows a menu without them, its statement without the pay buttons, and the agency's
own "não encontrado" page at their addresses; the other utility (beta) keeps them all. Screenshots in
tests/artifacts/portal/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from modules.common.tenancy import tenant_context

from .test_browser_services import PHONE, Holder, _check, _enter, _open, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

OFF = ["pay_online", "installments", "due_day"]


@pytest.fixture(scope="module")  # committed, outside the test's transaction, for the server thread
def alpha_without_some_services(world: dict[str, Any], django_db_blocker: Any) -> Iterator[None]:  # noqa: F811
    from portal.models import AgencySettings

    with django_db_blocker.unblock(), tenant_context("alpha"):
        AgencySettings.current()
        AgencySettings.objects.filter(pk=1).update(disabled_services=OFF)
    try:
        yield
    finally:
        with django_db_blocker.unblock(), tenant_context("alpha"):
            AgencySettings.objects.filter(pk=1).update(disabled_services=[])


def _menu(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(".agency-menu__label").all_inner_texts()]


def test_menu_without_the_services_a_utility_does_not_offer(
    browser: Any,
    world: dict[str, Any],  # noqa: F811
    alpha_without_some_services: None,
) -> None:
    maria: Holder = world["maria"]
    page = _open(browser, PHONE)
    home = _enter(page, world, maria)
    menu = _menu(page)
    assert "Alterar vencimento" not in menu and "Simulador de parcelamento" not in menu
    assert menu[:3] == ["Dados do imóvel", "Meus pedidos", "2ª via de conta"]
    assert "Extrato de débitos" in menu and "Certidão negativa de débitos" in menu
    _check(page, "phone-alpha-va08-menu-without-due-day-installments")

    page.goto(home + "extrato/")
    buttons = page.locator(".agency-buttons button").all_inner_texts()
    assert "Imprimir para pagar (extrato)" in buttons
    assert not any("Pagar" in b and "Imprimir" not in b for b in buttons)
    _check(page, "phone-alpha-va08-statement-without-online-payment")

    response = page.goto(home + "vencimento/")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Não encontrado"
    text = page.locator("main").inner_text()
    assert "O serviço “Alterar vencimento” não está disponível na agência virtual da" in text
    assert page.locator(".agency-session").is_visible()  # still signed in
    _check(page, "phone-alpha-va08-disabled-service-404")
    page.click("text=Voltar ao início")
    page.wait_for_url(home)
    page.context.close()

    ana: Holder = world["ana"]  # beta chose nothing: everything is there
    page = _open(browser, PHONE)
    _enter(page, world, ana)
    menu = _menu(page)
    assert "Alterar vencimento" in menu and "Simulador de parcelamento" in menu
    page.context.close()
