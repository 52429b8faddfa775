"""Card payment through the operator's hosted checkout (VA-13) against the local fake Pagar.me (a
real HTTP server): the order carries a `checkout` payment and answers with `checkouts[0].payment_url`;
while it is pending the bills are em revisão and every other way of paying them is refused; the
hosted page's approving card settles them once however often the webhook comes; a refused card, a
cancelled checkout or one past its deadline (on read, and by the periodic task, idempotent) returns
them to open; only the utility's accredited operators are offered."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import requests
import time_machine
from django.test import Client

from fakes.pagarme import APPROVED_CARD, REFUSED_CARD, FakePagarme
from modules.billing.models import BillStatus
from modules.collection import card_checkout
from modules.collection.gateway import gateway_charge_create
from modules.collection.models import GatewayAccount, GatewayCharge, Payment, PaymentDocument, Settlement
from modules.collection.pagarme import order_body
from modules.collection.selectors import card_operators, card_review_bills
from modules.collection.tasks import card_checkouts_expire
from modules.common.audit import SystemActor
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from modules.common.tenancy import SCHEMA_HEADER
from modules.debt.models import Agreement
from modules.debt.selectors import debt_position
from modules.debt.services import agreement_create, statement_create
from tests.collection import factories as f

TODAY = dt.date(2025, 6, 15)
NOON = dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC)
TOKEN = "segredo-da-url-123"
BASIC = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"pagarme:senha-webhook").decode()}
ACTOR = SystemActor("tests")
BACK = "http://alpha.localhost/agencia/imoveis/1/pagar/cartao/retorno/{}/"
CARD = {"holder_name": "MARIA C SOUZA", "expiry": "12/30", "cvv": "123", "action": "pay"}


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(NOON, tick=True):
        yield


@pytest.fixture
def fake():
    server = FakePagarme().start()
    yield server
    server.stop()


@pytest.fixture
def account(tenant_alpha, fake) -> GatewayAccount:
    return GatewayAccount.objects.create(
        base_url=fake.url,
        secret_key="sk_test_alpha",
        webhook_token=TOKEN,
        webhook_username="pagarme",
        webhook_password="senha-webhook",
    )


def _owing() -> tuple[Any, list[Any]]:
    p = f.prop()
    return p, [
        f.bill(p, "57.30", dt.date(2025, 5, 10), dt.date(2025, 4, 1)),  # overdue: late charges
        f.bill(p, "42.70", dt.date(2025, 7, 10), dt.date(2025, 6, 1)),
    ]


def _checkout(account: GatewayAccount, p: Any, bills: list[Any]) -> GatewayCharge:
    return card_checkout.card_checkout_create(
        actor=ACTOR,
        property_id=p.pk,
        bill_ids=[b.pk for b in bills],
        account_id=account.pk,
        today=TODAY,
        success_url=BACK.format,
    )


def _hook(client: Client, event: dict[str, Any]) -> Any:
    return client.post(f"/webhooks/pagarme/{TOKEN}", event, content_type="application/json", **BASIC)


def _submit(charge: GatewayCharge, number: str, **extra: str) -> requests.Response:
    return requests.post(
        charge.checkout_url, data={**CARD, "card_number": number, **extra}, allow_redirects=False, timeout=5
    )


def test_the_order_body_of_a_hosted_checkout() -> None:
    body = order_body(
        code="DOC7",
        amount_cents=10491,
        description="Faturas do imóvel 1182-7",
        customer={"name": "Maria"},
        method="checkout",
        success_url="https://a.example/volta/7/",
        expires_in_minutes=30,
        metadata={"document": "7", "bills": "3,4"},
    )
    assert body["items"] == [
        {"code": "DOC7", "amount": 10491, "description": "Faturas do imóvel 1182-7", "quantity": 1}
    ]
    assert body["metadata"] == {"document": "7", "bills": "3,4"}
    (payment,) = body["payments"]
    assert payment["payment_method"] == "checkout" and payment["amount"] == 10491
    assert payment["checkout"] == {
        "expires_in": 30,
        "accepted_payment_methods": ["credit_card"],
        "success_url": "https://a.example/volta/7/",
        "skip_checkout_success_page": True,
        "customer_editable": False,
        "billing_address_editable": False,
        "credit_card": {
            "capture": True,
            "statement_descriptor": "AGUA",
            "installments": [{"number": 1, "total": 10491}],
        },
    }


def test_a_checkout_prices_the_bills_to_today_and_puts_them_in_review(account, fake) -> None:
    p, bills = _owing()
    expected = debt_position(p.pk, TODAY).totals["total"]
    assert expected > Decimal("100.00")  # late charges on the overdue bill
    charge = _checkout(account, p, bills)

    order = fake.orders[charge.order_id]
    (remote,) = order["checkouts"]
    cents = int(expected * 100)
    assert charge.method == "checkout" and charge.amount_cents == cents and charge.charge_id == ""
    assert (order["amount"], remote["amount"], order["charges"]) == (cents, cents, [])
    assert charge.checkout_url == remote["payment_url"] == f"{fake.url}/checkout/{remote['id']}"
    assert charge.checkout_id == remote["id"] and remote["status"] == "open"
    assert remote["success_url"] == BACK.format(charge.document_id)
    assert remote["accepted_payment_methods"] == ["credit_card"]
    # expires_in is in minutes: 30 from now (the fake's clock ticks while the test runs)
    assert dt.timedelta(minutes=30) - dt.timedelta(seconds=1) <= charge.expires_at - NOON
    assert charge.expires_at - NOON <= dt.timedelta(minutes=30, seconds=10)
    assert order["metadata"] == {
        "document": str(charge.document_id),
        "bills": ",".join(str(b.pk) for b in sorted(bills, key=lambda b: b.due_date)),
    }
    assert charge.account == account

    review = card_review_bills(property_id=p.pk)
    assert review == {bills[0].pk: "04/2025", bills[1].pk: "06/2025"}
    with pytest.raises(Conflict) as pix:
        gateway_charge_create(
            actor=ACTOR, property_id=p.pk, bill_ids=[bills[1].pk], method="pix", today=TODAY
        )
    assert pix.value.code == "bills_in_review" and "06/2025" in pix.value.message
    with pytest.raises(Conflict) as statement:
        statement_create(
            actor=ACTOR, property_id=p.pk, as_of=TODAY, valid_until=TODAY, bill_ids=[bills[0].pk]
        )
    assert statement.value.code == "bills_in_review" and "04/2025" in statement.value.message
    with pytest.raises(Conflict) as agreement:  # nor negotiated into an installment agreement
        agreement_create(actor=ACTOR, property_id=p.pk, down_payment=Decimal("10.00"), count=2, as_of=TODAY)
    assert agreement.value.code == "bills_in_review" and "04/2025" in agreement.value.message
    assert not Agreement.objects.filter(property=p).exists()
    with pytest.raises(Conflict):  # a second card checkout for the same bills, too
        _checkout(account, p, bills[:1])


def test_the_approving_card_settles_the_bills_once_whatever_the_webhooks_do(
    account, fake, alpha_client
) -> None:
    p, bills = _owing()
    charge = _checkout(account, p, bills)
    page = requests.get(charge.checkout_url, timeout=5)
    assert page.status_code == 200 and 'name="card_number"' in page.text and "R$ " in page.text

    unknown = _submit(charge, "4111111111111111")
    assert unknown.status_code == 400 and "Cartão de teste desconhecido" in unknown.text
    paid = _submit(charge, APPROVED_CARD)
    assert paid.status_code == 303 and paid.headers["Location"] == BACK.format(charge.document_id)
    assert requests.get(charge.checkout_url, timeout=5).status_code == 410  # used

    (event,) = [e for e in fake.outbox if e["type"] == "charge.paid"]
    assert event["data"]["order"]["id"] == charge.order_id and event["data"]["status"] == "paid"
    for _ in range(3):
        assert _hook(alpha_client, event).status_code == 200
    charge.refresh_from_db()
    assert charge.status == "paid" and charge.charge_id == event["data"]["id"]
    payment = Payment.objects.get()
    assert (payment.status, payment.amount, payment.gateway_charge) == (
        "applied",
        Decimal(charge.amount_cents).scaleb(-2),
        charge,
    )
    for b in bills:
        b.refresh_from_db()
        assert b.status == BillStatus.PAID
    assert Settlement.objects.filter(reversed=False).count() == 2
    assert card_review_bills(property_id=p.pk) == {}


@pytest.mark.parametrize("how", ["refused", "cancelled"])
def test_a_refused_card_or_a_cancelled_checkout_returns_the_bills_to_open(
    account, fake, alpha_client, how
) -> None:
    p, bills = _owing()
    charge = _checkout(account, p, bills)
    if how == "refused":
        answer = _submit(charge, REFUSED_CARD)
        kind, status = "charge.payment_failed", "failed"
    else:
        answer = _submit(charge, "", action="cancel")  # "Desistir" on the hosted page
        kind, status = "order.canceled", "canceled"
    assert answer.status_code == 303 and answer.headers["Location"] == BACK.format(charge.document_id)
    (event,) = [e for e in fake.outbox if e["type"] == kind]
    audits = AuditEntry.objects.count()
    assert _hook(alpha_client, event).status_code == 200
    charge.refresh_from_db()
    assert charge.status == status and charge.document.status == PaymentDocument.Status.CANCELLED
    assert AuditEntry.objects.filter(action="collection.card_checkout_release").count() == 1
    after = AuditEntry.objects.count()
    assert after > audits
    assert _hook(alpha_client, event).status_code == 200  # a replay changes nothing
    assert AuditEntry.objects.count() == after
    assert card_review_bills(property_id=p.pk) == {} and Payment.objects.count() == 0
    # open again: another way of paying them is accepted
    pix = gateway_charge_create(
        actor=ACTOR, property_id=p.pk, bill_ids=[bills[1].pk], method="pix", today=TODAY
    )
    assert pix.status == "pending"


def test_a_checkout_past_its_deadline_is_released_on_read_and_by_the_task_once(account, fake) -> None:
    p, bills = _owing()
    charge = _checkout(account, p, bills)
    headers = {SCHEMA_HEADER: "alpha"}
    assert card_checkouts_expire.apply(headers=headers, throw=True).get()["changed"] == []  # not due yet
    with time_machine.travel(NOON + dt.timedelta(minutes=31), tick=True):
        # on read: the deadline alone releases the bills, before anything else happened
        assert card_review_bills(property_id=p.pk) == {}
        first = card_checkouts_expire.apply(headers=headers, throw=True).get()
        again = card_checkouts_expire.apply(headers=headers, throw=True).get()
        assert requests.get(charge.checkout_url, timeout=5).status_code == 410
        assert _submit(charge, APPROVED_CARD).status_code == 410  # too late to pay
    assert first["changed"] == [charge.pk] and again["changed"] == []
    charge.refresh_from_db()
    assert charge.status == "expired" and charge.document.status == PaymentDocument.Status.CANCELLED
    order = fake.orders[charge.order_id]
    assert order["status"] == "canceled" and order["checkouts"][0]["status"] == "expired"
    assert [e["type"] for e in fake.outbox] == ["order.canceled"]  # one event, however often it is read
    assert AuditEntry.objects.filter(action="collection.card_checkout_release").count() == 1
    assert Payment.objects.count() == 0


def test_only_accredited_operators_are_offered(account, tenant_alpha) -> None:
    idle = GatewayAccount.objects.create(
        provider="cielo", name="Cielo", secret_key="sk_x", webhook_token="t1", active=False
    )
    boleto_only = GatewayAccount.objects.create(
        provider="banco", name="Banco X", secret_key="sk_y", webhook_token="t2", accepts_card=False
    )
    assert card_operators() == [account]
    p, bills = _owing()
    for other in (idle, boleto_only):
        with pytest.raises(ValidationFailed) as refused:
            card_checkout.card_checkout_create(
                actor=ACTOR,
                property_id=p.pk,
                bill_ids=[bills[0].pk],
                account_id=other.pk,
                today=TODAY,
                success_url=BACK.format,
            )
        assert refused.value.field == "operator"
    assert GatewayCharge.objects.count() == 0


def test_beat_dispatches_the_expiry_check_to_every_tenant(settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["collection-card-checkouts-expire"]
    assert entry["task"] == "modules.common.tasks.dispatch_to_tenants"
    assert entry["args"] == ["modules.collection.tasks.card_checkouts_expire"]
