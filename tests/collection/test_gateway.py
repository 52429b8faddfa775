"""Pagar.me against the local fake server (a real HTTP server): PIX, boleto and card charges, the
webhook authenticated, recorded by id, the charge re-fetched, the bills settled exactly once however
often and in whatever order the events arrive; a lying body changes nothing."""

from __future__ import annotations

import base64
import datetime as dt
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import time_machine

from fakes.pagarme import FakePagarme
from modules.billing.models import BillStatus
from modules.collection.models import GatewayAccount, GatewayCharge, Payment, Settlement, WebhookEvent
from tests.collection import factories as f
from tests.conftest import bearer, make_user

TODAY = dt.date(2025, 6, 15)
PASSWORD = "Senha-forte-123"
TOKEN = "segredo-da-url-123"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def fake():
    server = FakePagarme().start()
    yield server
    server.stop()


@pytest.fixture
def admin(tenant_alpha, alpha_client, fake):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    GatewayAccount.objects.create(
        base_url=fake.url,
        secret_key="sk_test_alpha",
        webhook_token=TOKEN,
        webhook_username="pagarme",
        webhook_password="senha-webhook",
    )
    return bearer(alpha_client, "chefe", PASSWORD)


BASIC = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"pagarme:senha-webhook").decode()}


def _hook(client, event, token=TOKEN, auth=BASIC):
    return client.post(f"/webhooks/pagarme/{token}", event, content_type="application/json", **auth)


def test_pix_charge_settles_two_bills_once_whatever_the_webhooks_do(admin, alpha_client, fake):
    p = f.prop()
    due = TODAY + dt.timedelta(days=10)
    b1, b2 = f.bill(p, "57.30", due, dt.date(2025, 1, 1)), f.bill(p, "42.70", due, dt.date(2025, 2, 1))
    created = alpha_client.post(
        "/api/v1/collection/charges",
        {"property": p.pk, "bills": [b1.pk, b2.pk], "method": "pix"},
        content_type="application/json",
        **admin,
    )
    assert created.status_code == 201, created.content
    charge = created.json()
    assert (
        charge["amount_cents"] == 10000 and charge["qr_code"].startswith("000201") and charge["qr_code_url"]
    )
    assert fake.charges[charge["charge_id"]]["amount"] == 10000

    # a body that claims payment before the gateway has it settles nothing
    lie = {
        "id": "hook_lie",
        "type": "charge.paid",
        "data": {"id": charge["charge_id"], "status": "paid", "amount": 10000},
    }
    assert _hook(alpha_client, lie).status_code == 200
    assert Payment.objects.count() == 0

    event = requests.post(f"{fake.url}/_fake/charges/{charge['charge_id']}/pay", json={}, timeout=5).json()
    stale = {
        "id": "hook_old",
        "type": "charge.pending",
        "data": {"id": charge["charge_id"], "status": "pending"},
    }
    for body in (event, event, stale, event, lie):
        assert _hook(alpha_client, body).status_code == 200
    assert Payment.objects.filter(status="applied").count() == 1
    assert Settlement.objects.filter(reversed=False).count() == 2
    b1.refresh_from_db(), b2.refresh_from_db()
    assert b1.status == b2.status == BillStatus.PAID
    assert WebhookEvent.objects.filter(event_id=event["id"]).count() == 1


def test_a_pix_charge_keeps_the_gateways_deadline_and_a_boleto_has_none(admin, alpha_client, fake):
    p = f.prop()
    due = TODAY + dt.timedelta(days=10)
    b1, b2 = f.bill(p, "57.30", due, dt.date(2025, 1, 1)), f.bill(p, "42.70", due, dt.date(2025, 2, 1))

    def charge(bill, method):
        body = {"property": p.pk, "bills": [bill.pk], "method": method}
        created = alpha_client.post(
            "/api/v1/collection/charges", body, content_type="application/json", **admin
        )
        assert created.status_code == 201, created.content
        return created.json()

    pix, boleto = charge(b1, "pix"), charge(b2, "boleto")

    said = fake.charges[pix["charge_id"]]["last_transaction"]["expires_at"]  # now + expires_in (a day)
    assert said.startswith("2025-06-16T12:0")
    deadline = dt.datetime.fromisoformat(said.replace("Z", "+00:00"))
    assert GatewayCharge.objects.get(pk=pix["id"]).expires_at == deadline
    assert dt.datetime.fromisoformat(pix["expires_at"]) == deadline
    assert boleto["expires_at"] is None
    assert GatewayCharge.objects.get(pk=boleto["id"]).expires_at is None


def test_webhook_refusals(admin, alpha_client, fake):
    assert (
        _hook(
            alpha_client, {"id": "h1", "type": "charge.paid", "data": {"id": "ch_x"}}, token="errado"
        ).status_code
        == 401
    )
    assert (
        _hook(alpha_client, {"id": "h1", "type": "charge.paid", "data": {"id": "ch_x"}}, auth={}).status_code
        == 401
    )
    unknown = _hook(alpha_client, {"id": "h2", "type": "charge.paid", "data": {"id": "ch_nao_existe"}})
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_charge"
    assert Payment.objects.count() == 0


def test_idempotency_key_replays_the_same_order(fake):
    auth = ("sk_test", "")
    body = {
        "code": "X",
        "items": [{"amount": 1234, "description": "x", "quantity": 1}],
        "payments": [{"payment_method": "pix"}],
    }
    one = requests.post(
        f"{fake.url}/core/v5/orders", json=body, auth=auth, headers={"Idempotency-Key": "k1"}, timeout=5
    ).json()
    two = requests.post(
        f"{fake.url}/core/v5/orders", json=body, auth=auth, headers={"Idempotency-Key": "k1"}, timeout=5
    ).json()
    assert one["id"] == two["id"] and len(fake.orders) == 1
    assert requests.get(f"{fake.url}/core/v5/orders/{one['id']}", timeout=5).status_code == 401


@pytest.mark.parametrize(
    ("method", "extra"),
    [("boleto", {}), ("credit_card", {"card_token": "card_tok_test_123"})],
)
def test_boleto_and_card_charges_settle_once_through_the_fake_server(
    admin, alpha_client, fake, method, extra
):
    p = f.prop()
    bill = f.bill(p, "88.40", TODAY + dt.timedelta(days=10), dt.date(2025, 5, 1))
    created = alpha_client.post(
        "/api/v1/collection/charges",
        {"property": p.pk, "bills": [bill.pk], "method": method, **extra},
        content_type="application/json",
        **admin,
    )
    assert created.status_code == 201, created.content
    charge = created.json()
    assert charge["amount_cents"] == 8840 and charge["status"] == "pending"
    remote = fake.charges[charge["charge_id"]]
    assert remote["payment_method"] == method and remote["amount"] == 8840
    if method == "boleto":
        assert charge["boleto_line"].endswith("0000008840") and charge["boleto_url"].endswith(".pdf")
    else:
        assert remote["last_transaction"]["card"]["id"] == "card_tok_test_123"
        assert remote["last_transaction"]["installments"] == 1
    # nothing is paid before the gateway says so
    assert (
        _hook(
            alpha_client, {"id": f"h-{method}-0", "type": "charge.paid", "data": {"id": charge["charge_id"]}}
        ).status_code
        == 200
    )
    assert Payment.objects.count() == 0

    event = requests.post(f"{fake.url}/_fake/charges/{charge['charge_id']}/pay", json={}, timeout=5).json()
    for _ in range(3):
        assert _hook(alpha_client, event).status_code == 200
    payment = Payment.objects.get()
    assert (payment.status, payment.amount, payment.channel) == ("applied", Decimal("88.40"), "gateway")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert Settlement.objects.filter(bill=bill, reversed=False).count() == 1


def test_a_card_charge_needs_the_checkout_token(admin, alpha_client):
    p = f.prop()
    bill = f.bill(p, "10.00", TODAY + dt.timedelta(days=10))
    refused = alpha_client.post(
        "/api/v1/collection/charges",
        {"property": p.pk, "bills": [bill.pk], "method": "credit_card"},
        content_type="application/json",
        **admin,
    )
    assert refused.status_code == 400 and "card_token" in refused.json()["detail"]


def test_the_fake_routes_each_accounts_webhooks_to_its_own_host(fake):
    """As in the demo: one fake server, one webhook route per utility's secret key."""
    received: list[tuple[str, str]] = []

    class Sink(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Host"]))
            self.send_response(200)
            self.end_headers()

    sink = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{sink.server_address[1]}/webhooks/pagarme/tok-a"
        fake.route("sk_test_a", url, host="a.localhost:8000", auth=("pagarme", "x"))
        body = {"items": [{"amount": 500, "quantity": 1}], "payments": [{"payment_method": "pix"}]}
        order = requests.post(
            f"{fake.url}/core/v5/orders", json=body, auth=("sk_test_a", ""), timeout=5
        ).json()
        requests.post(f"{fake.url}/_fake/charges/{order['charges'][0]['id']}/pay", json={}, timeout=5)
        deadline = time.monotonic() + 5
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert received == [("/webhooks/pagarme/tok-a", "a.localhost:8000")]
    finally:
        sink.shutdown()
        sink.server_close()
