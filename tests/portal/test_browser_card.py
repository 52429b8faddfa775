"""Card payment as a citizen does it (VA-13), in Debian's Chromium driven by Playwright: select a
bill on the debt statement, "Pagar com cartão", the operator screen (ATENÇÃO, total, the accredited
operator), "Pagar" lands on the fake Pagar.me's hosted checkout, the approving test card pays, the
operator sends the browser back to the agency, and the bill is paid; meanwhile the bill was shown
em revisão. Screenshots under tests/artifacts/portal/ (the agency's pages also through axe)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fakes.pagarme import APPROVED_CARD
from modules.common.tenancy import tenant_context

from .test_browser import PHONE, _shot
from .test_browser_services import (  # noqa: F401 (module fixture: world)
    Holder,
    _check,
    _enter,
    _open,
    world,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_a_citizen_pays_a_bill_by_card_in_the_operators_checkout(browser: Any, world: dict[str, Any]) -> None:  # noqa: F811
    from modules.billing.models import Bill, BillStatus
    from modules.collection.models import GatewayCharge

    who: Holder = world["pedro"]  # two overdue bills
    page = _open(browser, PHONE)
    home = _enter(page, world, who)
    page.goto(home + "extrato/")
    older, overdue = who.bills["older"], who.bills["overdue"]
    page.uncheck(f"#bill-{overdue}")
    page.click("button[value=cartao]")
    page.wait_for_url("**/pagar/cartao/?bills=*")
    assert "ATENÇÃO" in page.get_by_test_id("card-notice").inner_text()
    total = page.get_by_test_id("card-total").inner_text()
    assert page.locator("#operator option:checked").inner_text() == "Pagar.me"
    _check(page, "phone-alpha-va-card-1-operator")

    page.click("button:has-text('Pagar')")
    page.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/checkout/chk_\w+$"))
    assert total.replace("R$ ", "") in page.locator(".amount").inner_text()
    _shot(page, "phone-alpha-va-card-2-hosted-checkout")
    with tenant_context("alpha"):
        charge = GatewayCharge.objects.get(document__property_id=who.property_id, method="checkout")
        assert charge.status == "pending"

    # while the operator has it, the statement shows the bill em revisão (another tab of the citizen)
    other = page.context.new_page()
    other.goto(home + "extrato/")
    row = other.locator(f"tr:has(#bill-{older})")
    assert row.get_attribute("aria-disabled") == "true" and other.is_disabled(f"#bill-{older}")
    assert (
        row.locator(".agency-status--review").inner_text() == "Em revisão (pagamento com cartão em andamento)"
    )
    assert (
        other.evaluate(
            f"getComputedStyle(document.querySelector('tr:has(#bill-{older}) .agency-status')).color"
        )
        == "rgb(176, 0, 32)"
    )
    _shot(other, "phone-alpha-va-card-3-statement-in-review")
    other.close()

    page.fill("#card_number", "4000 0000 0000 0010")
    assert APPROVED_CARD == "4000000000000010"
    page.fill("#holder_name", who.name.upper())
    page.fill("#expiry", "12/30")
    page.fill("#cvv", "123")
    page.click("button[value=pay]")
    page.wait_for_url(re.compile(rf".*/agencia/imoveis/{who.property_id}/pagar/{charge.pk}/$"))
    page.wait_for_selector("text=Pagamento confirmado. Obrigado!")
    assert page.locator("[data-charge-label]").inner_text() == "Pago"
    _check(page, "phone-alpha-va-card-4-paid")
    with tenant_context("alpha"):
        assert Bill.objects.get(pk=older).status == BillStatus.PAID
        assert Bill.objects.get(pk=overdue).status == BillStatus.RELEASED

    page.goto(home + "contas/")
    assert page.locator(f"tr[data-bill='{older}'] .agency-status").inner_text() == "Paga"
    _check(page, "phone-alpha-va-card-5-bills")
    page.context.close()
