"""Pagar com cartão in the agency (VA-13), through the fake Pagar.me's hosted checkout: the screen
(ATENÇÃO notice, total, only accredited operators, one preselected), the POST answered with a 302 to
the operator's checkout, the bills em revisão on the statement (red, aria-disabled, disabled box) and
refused if posted anyway (statement, PIX, card again), the way back from the operator settling them
by asking the gateway, and another citizen reaching neither the way back nor the charge (404)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import requests
import time_machine
from django.test import Client

from fakes.pagarme import APPROVED_CARD
from modules.billing.models import BillStatus
from modules.collection.models import GatewayAccount, GatewayCharge, Payment
from modules.debt.selectors import debt_position
from tests.collection import factories as f

from .conftest import WEBHOOK_BASIC as BASIC
from .conftest import WEBHOOK_TOKEN as TOKEN
from .conftest import Citizen, sign_in

TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def _bills(citizen: Citizen) -> list[Any]:
    return [
        f.bill(citizen.home, "57.30", dt.date(2025, 5, 10), dt.date(2025, 4, 1)),
        f.bill(citizen.home, "42.70", dt.date(2025, 7, 10), dt.date(2025, 6, 1)),
        f.bill(citizen.home, "61.00", dt.date(2025, 8, 10), dt.date(2025, 7, 1)),
    ]


def test_the_card_screen_offers_only_accredited_operators(
    alpha_client: Client, citizen: Citizen, fake: Any
) -> None:
    first, *_ = _bills(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    url = f"/agencia/imoveis/{citizen.home.pk}/pagar/cartao/?bills={first.pk}"
    page = alpha_client.get(url)
    body = page.content.decode()
    total = debt_position(citizen.home.pk, TODAY, [first.pk]).totals["total"]
    assert "ATENÇÃO" in body and "ambiente seguro da empresa" in body and "custos" in body
    assert f"R$ {total:.2f}".replace(".", ",") in body and "Escolha uma empresa" in body
    pagarme = GatewayAccount.objects.get(provider="pagarme")
    assert re.findall(r'<option value="(\d*)"( selected)?>([^<]+)</option>', body) == [
        (str(pagarme.pk), " selected", "Pagar.me")  # the only one: preselected
    ]
    # form-action lets the form end at the operator's checkout, nothing else
    assert f"form-action 'self' https://*.pagar.me {fake.url}" in page["Content-Security-Policy"]

    GatewayAccount.objects.create(provider="cielo", name="Cielo", secret_key="s", webhook_token="a")
    GatewayAccount.objects.create(
        provider="rede", name="Rede", secret_key="s", webhook_token="b", active=False
    )
    GatewayAccount.objects.create(
        provider="banco", name="Banco Só Boleto", secret_key="s", webhook_token="c", accepts_card=False
    )
    body = alpha_client.get(url).content.decode()
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]+)</option>', body)
    assert [name for _, _, name in options] == ["Selecione…", "Cielo", "Pagar.me"]
    assert all(not selected for _, selected, _ in options)


def test_paying_by_card_redirects_to_the_operator_and_the_bills_are_in_review_until_paid(
    alpha_client: Client, citizen: Citizen, stranger: Citizen, fake: Any
) -> None:
    first, second, third = _bills(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"
    # "Pagar com cartão" on the statement goes to the card screen with the selection
    chosen = alpha_client.post(f"{base}/extrato/", {"bills": [first.pk, second.pk], "action": "cartao"})
    assert chosen.status_code == 302
    assert chosen["Location"] == f"{base}/pagar/cartao/?bills={first.pk}&bills={second.pk}"
    operator = GatewayAccount.objects.get(provider="pagarme").pk
    refused = alpha_client.post(f"{base}/pagar/cartao/", {"bills": [first.pk, second.pk], "operator": "0"})
    assert refused.status_code == 400 and "empresas credenciadas" in refused.content.decode()
    assert GatewayCharge.objects.count() == 0

    answer = alpha_client.post(
        f"{base}/pagar/cartao/", {"bills": [first.pk, second.pk], "operator": operator}
    )
    assert answer.status_code == 302
    charge = GatewayCharge.objects.get(document__property=citizen.home)
    order = fake.orders[charge.order_id]
    assert answer["Location"] == charge.checkout_url == order["checkouts"][0]["payment_url"]
    selected = debt_position(citizen.home.pk, TODAY, [first.pk, second.pk]).totals["total"]
    assert order["amount"] == int(selected * 100) and charge.document.amount == selected
    assert order["metadata"]["bills"] == f"{first.pk},{second.pk}"
    back = f"http://alpha.localhost{base}/pagar/cartao/retorno/{charge.document_id}/"
    assert order["checkouts"][0]["success_url"] == back

    # the statement: both em revisão (red, aria-disabled, disabled box), the third still selectable
    statement = alpha_client.get(f"{base}/extrato/").content.decode()
    for bill in (first, second):
        row = re.search(
            rf'<tr class="agency-debt agency-debt--review" aria-disabled="true">.*?value="{bill.pk}"[^>]*>',
            statement,
            re.S,
        )
        assert row and row.group(0).endswith("disabled>"), bill.pk
        assert f'data-testid="status-{bill.pk}">Em revisão (pagamento com cartão em andamento)<' in statement
    assert f'value="{third.pk}" id="bill-{third.pk}" data-total="61.00" checked>' in statement
    assert "agency-status--review" in statement
    listing = alpha_client.get(f"{base}/contas/").content.decode()
    assert listing.count("Em revisão (pagamento com cartão em andamento)") == 2

    # posted anyway: refused, whatever the way of paying
    for data in (
        {"bills": [first.pk], "action": "emitir"},
        {"bills": [second.pk, third.pk], "action": "pagar"},
        {"bills": [first.pk], "action": "cartao"},
    ):
        again = alpha_client.post(f"{base}/extrato/", data)
        assert again.status_code == 400 and "em revisão" in again.content.decode(), data
    pix = alpha_client.post(f"{base}/pagar/", {"bills": [second.pk], "method": "pix"})
    assert pix.status_code == 400 and "em revisão" in pix.content.decode()
    card = alpha_client.post(f"{base}/pagar/cartao/", {"bills": [first.pk], "operator": operator})
    assert card.status_code == 400 and "em revisão" in card.content.decode()
    assert GatewayCharge.objects.count() == 1

    # the operator's page: the approving card, then back to the agency
    paid = requests.post(
        charge.checkout_url,
        data={"card_number": APPROVED_CARD, "holder_name": "MARIA", "expiry": "12/30", "cvv": "123"},
        allow_redirects=False,
        timeout=5,
    )
    assert paid.status_code == 303 and paid.headers["Location"] == back

    # another citizen reaches neither the way back nor the charge
    other = Client(HTTP_HOST=alpha_client.defaults["HTTP_HOST"])
    sign_in(other, stranger.home, stranger.cpf)
    stranger_base = f"/agencia/imoveis/{stranger.home.pk}"
    assert other.get(f"{stranger_base}/pagar/cartao/retorno/{charge.document_id}/").status_code == 404
    assert other.get(f"{base}/pagar/cartao/retorno/{charge.document_id}/").status_code == 404
    assert other.get(f"{stranger_base}/pagar/{charge.pk}/").status_code == 404

    # the way back asks the gateway at once: settled before any webhook arrives
    returned = alpha_client.get(f"{base}/pagar/cartao/retorno/{charge.document_id}/")
    assert returned.status_code == 302 and returned["Location"] == f"{base}/pagar/{charge.pk}/"
    detail = alpha_client.get(returned["Location"]).content.decode()
    assert "Pagamento confirmado" in detail and "data-charge-poll" not in detail
    for bill in (first, second):
        bill.refresh_from_db()
        assert bill.status == BillStatus.PAID
    third.refresh_from_db()
    assert third.status == BillStatus.RELEASED
    # the webhook that follows changes nothing
    (event,) = [e for e in fake.outbox if e["type"] == "charge.paid"]
    hook = alpha_client.post(f"/webhooks/pagarme/{TOKEN}", event, content_type="application/json", **BASIC)
    assert hook.status_code == 200
    payment = Payment.objects.get(gateway_charge=charge)
    assert payment.status == "applied" and payment.amount == Decimal(charge.amount_cents).scaleb(-2)
    statement = alpha_client.get(f"{base}/extrato/").content.decode()
    assert "Em revisão" not in statement and statement.count("agency-debt--paid") >= 2


def test_an_expired_checkout_shows_it_and_the_bills_are_open_again(
    alpha_client: Client, citizen: Citizen, fake: Any
) -> None:
    first, *_ = _bills(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"
    operator = GatewayAccount.objects.get(provider="pagarme").pk
    assert (
        alpha_client.post(f"{base}/pagar/cartao/", {"bills": [first.pk], "operator": operator}).status_code
        == 302
    )
    charge = GatewayCharge.objects.get()
    pending = alpha_client.get(f"{base}/pagar/{charge.pk}/").content.decode()
    assert "em revisão" in pending and charge.checkout_url in pending and "data-charge-poll" in pending
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, 45, tzinfo=dt.UTC), tick=True):
        sign_in(alpha_client, citizen.home, citizen.cpf)  # the idle session ended meanwhile
        status = alpha_client.get(f"{base}/pagar/{charge.pk}/situacao.json").json()
        page = alpha_client.get(f"{base}/pagar/{charge.pk}/").content.decode()
        statement = alpha_client.get(f"{base}/extrato/").content.decode()
    assert status == {"status": "expired", "label": "Expirado", "paid": False, "ended": True}
    assert "o prazo para pagar terminou" in page and "data-charge-poll" not in page
    assert "Em revisão" not in statement and f'value="{first.pk}" id="bill-{first.pk}"' in statement


def test_the_totem_offers_no_card(alpha_client: Client, citizen: Citizen, fake: Any) -> None:
    """A kiosk is no place to type a card on a third party's page: PIX on screen and boleto only."""
    first, *_ = _bills(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf, prefix="/totem/")
    base = f"/totem/imoveis/{citizen.home.pk}"
    statement = alpha_client.get(f"{base}/extrato/").content.decode()
    assert "Pagar com cartão" not in statement and "Pagar online (PIX ou boleto)" in statement
    pay = alpha_client.get(f"{base}/pagar/?bills={first.pk}").content.decode()
    assert 'value="pix"' in pay and 'value="card"' not in pay
    refused = alpha_client.post(f"{base}/pagar/", {"bills": [first.pk], "method": "card"})
    assert refused.status_code == 400
    assert alpha_client.get(f"{base}/pagar/cartao/?bills={first.pk}").status_code == 404
    assert alpha_client.post(f"{base}/pagar/cartao/", {"bills": [first.pk]}).status_code == 404
    assert not GatewayCharge.objects.exists()
