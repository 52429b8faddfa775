"""A local Pagar.me v5 server for tests and the demo: a real HTTP server (ThreadingHTTPServer)
speaking the endpoints the app uses, with amounts in centavos, Idempotency-Key replay, basic auth by
secret key, and webhook events (delivered to a configured URL, and kept in an outbox).

    POST /core/v5/orders            GET /core/v5/orders/{id}      GET /core/v5/charges/{id}
    POST /_fake/charges/{id}/pay    {"amount": centavos?}  → marks paid, emits charge.paid (and order.paid)
    POST /_fake/charges/{id}/fail   → charge.payment_failed
    POST /_fake/checkouts/{id}/cancel → the checkout and its order canceled, emits order.canceled
    GET  /_fake/webhooks            → every event emitted so far
    GET  /checkout/{id}             the hosted checkout page (a real HTML form), POST pays or refuses

A PIX charge's `last_transaction` carries the copia-e-cola `qr_code` and its `expires_at` (now +
`pix.expires_in` seconds; an hour when the order gives none).

Hosted checkout (an order whose payment is `payment_method: "checkout"`): the order answers with
`checkouts[0]` (`status` "open", `payment_url`, `success_url`, `expires_at` = now + `expires_in`
minutes) and no charge. The page at `payment_url` asks for card number, name on card, expiry (MM/AA)
and CVV; test cards, any name, a future expiry and any 3-digit CVV:

    4000 0000 0000 0010   approved: a paid credit_card charge, order "paid", emits charge.paid
    4000 0000 0000 0002   refused: a failed charge, order "failed", emits charge.payment_failed

Any other number is answered on the page as an unknown test card. Either way the checkout becomes
"closed" and the browser is sent (303) to the `success_url`; "Desistir" cancels the checkout (order
"canceled", emits order.canceled) and goes back there too. A checkout still open after its
`expires_at` becomes "expired" (order "canceled", emits order.canceled) when it is next read: the
order, its page, or a payment attempt.

Webhooks go to `webhook_url`, or, when the server fronts several accounts (the demo: one per
utility), to the route registered for the secret key that created the charge (`route()`): like the
real Pagar.me, where each account configures its own webhook.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import html
import json
import secrets
import threading
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import requests

from modules.collection.domain.pix import PixCharge, build_payload

APPROVED_CARD = "4000000000000010"
REFUSED_CARD = "4000000000000002"


def _now() -> str:
    return _iso(dt.datetime.now(dt.UTC))


def _iso(instant: dt.datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


class FakePagarme:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        webhook_url: str = "",
        webhook_auth: tuple[str, str] | None = None,
    ) -> None:
        self.orders: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[str, str] = {}
        self.outbox: list[dict[str, Any]] = []
        self.webhook_url = webhook_url
        self.webhook_auth = webhook_auth
        self.routes: dict[str, WebhookRoute] = {}
        self.charge_keys: dict[str, str] = {}  # charge id → secret key that created it
        self.order_keys: dict[str, str] = {}  # order id → secret key that created it
        self.checkouts: dict[str, str] = {}  # checkout id → its order id
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                return json.loads(raw or b"{}")

            def _secret_key(self) -> str:
                header = self.headers.get("Authorization", "")
                if not header.startswith("Basic "):
                    return ""
                with contextlib.suppress(ValueError):
                    return base64.b64decode(header[6:]).decode().split(":", 1)[0]
                return ""

            def _authorized(self) -> bool:
                return self._secret_key().startswith("sk_")

            def _page(self, code: int, body: str) -> None:
                data = body.encode()
                self.send_response(code)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _redirect(self, url: str) -> None:
                self.send_response(303)
                self.send_header("Location", url)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _form(self) -> dict[str, str]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                return {k: v[0] for k, v in parse_qs(raw).items()}

            def do_GET(self) -> None:
                if self.path == "/_fake/webhooks":
                    return self._send(200, fake.outbox)
                parts = self.path.split("?")[0].strip("/").split("/")
                if len(parts) == 2 and parts[0] == "checkout":
                    code, page = fake.checkout_page(parts[1])
                    return self._page(code, page)
                if not self._authorized():
                    return self._send(401, {"message": "Authorization has been denied for this request."})
                parts = self.path.strip("/").split("/")
                if len(parts) == 4 and parts[:2] == ["core", "v5"]:
                    if parts[2] == "orders":
                        fake.expire_if_due(parts[3])  # the check on read
                    store = {"orders": fake.orders, "charges": fake.charges}.get(parts[2])
                    if store is not None and parts[3] in store:
                        return self._send(200, store[parts[3]])
                return self._send(404, {"message": "Not found"})

            def do_POST(self) -> None:
                parts = self.path.strip("/").split("/")
                if parts[:2] == ["_fake", "charges"] and len(parts) == 4:
                    body = self._body()
                    event = fake.settle(parts[2], parts[3], body.get("amount"))
                    return self._send(200 if event else 404, event or {"message": "Not found"})
                if parts[:2] == ["_fake", "checkouts"] and len(parts) == 4 and parts[3] == "cancel":
                    event = fake.cancel_checkout(parts[2])
                    return self._send(200 if event else 404, event or {"message": "Not found"})
                if len(parts) == 2 and parts[0] == "checkout":
                    code, page, location = fake.checkout_submit(parts[1], self._form())
                    return self._redirect(location) if location else self._page(code, page)
                if not self._authorized():
                    return self._send(401, {"message": "Authorization has been denied for this request."})
                if parts == ["core", "v5", "orders"]:
                    order, _ = fake.create_order(
                        self._body(), self.headers.get("Idempotency-Key", ""), secret_key=self._secret_key()
                    )
                    return self._send(200, order)
                return self._send(404, {"message": "Not found"})

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakePagarme:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def route(
        self, secret_key: str, url: str, *, host: str = "", auth: tuple[str, str] | None = None
    ) -> None:
        """Send the webhooks of `secret_key`'s charges to `url` (with a Host header, for tenant hosts
        that only the web server knows)."""
        self.routes[secret_key] = WebhookRoute(url, host, auth)

    def create_order(
        self, body: dict[str, Any], key: str, *, secret_key: str = ""
    ) -> tuple[dict[str, Any], bool]:
        with self.lock:
            if key and key in self.idempotency:
                return self.orders[self.idempotency[key]], False
            amount = sum(int(i["amount"]) * int(i.get("quantity", 1)) for i in body.get("items", []))
            payment = (body.get("payments") or [{}])[0]
            method = payment.get("payment_method", "pix")
            order_id, charge_id = _id("or"), _id("ch")
            order: dict[str, Any] = {
                "id": order_id,
                "code": body.get("code", ""),
                "amount": amount,
                "currency": "BRL",
                "closed": bool(body.get("closed", True)),
                "status": "pending",
                "items": body.get("items", []),
                "customer": body.get("customer", {}),
                "metadata": body.get("metadata", {}),
                "created_at": _now(),
                "charges": [],
            }
            self.orders[order_id] = order
            self.order_keys[order_id] = secret_key
            if key:
                self.idempotency[key] = order_id
            if method == "checkout":
                # the hosted checkout: no charge until the customer pays on its page
                config = payment.get("checkout") or {}
                checkout_id = _id("chk")
                created = dt.datetime.now(dt.UTC)
                minutes = int(config.get("expires_in") or 60)
                order["checkouts"] = [
                    {
                        "id": checkout_id,
                        "amount": int(payment.get("amount") or amount),
                        "currency": "BRL",
                        "status": "open",
                        "payment_url": f"{self.url}/checkout/{checkout_id}",
                        "success_url": config.get("success_url", ""),
                        "accepted_payment_methods": config.get("accepted_payment_methods", []),
                        "skip_checkout_success_page": bool(config.get("skip_checkout_success_page")),
                        "customer_editable": bool(config.get("customer_editable")),
                        "billing_address_editable": bool(config.get("billing_address_editable")),
                        "credit_card": config.get("credit_card", {}),
                        "created_at": _iso(created),
                        "expires_at": _iso(created + dt.timedelta(minutes=minutes)),
                    }
                ]
                self.checkouts[checkout_id] = order_id
                return order, True
            transaction: dict[str, Any] = {
                "id": _id("tran"),
                "transaction_type": method,
                "amount": amount,
                "status": "waiting_payment",
                "created_at": _now(),
            }
            if method == "pix":
                payload = build_payload(
                    PixCharge(
                        amount=Decimal(amount).scaleb(-2),
                        merchant_name="PAGARME FAKE",
                        merchant_city="SAO PAULO",
                        location=f"fake.pagar.me/qr/{charge_id}",
                    )
                )
                seconds = int((payment.get("pix") or {}).get("expires_in") or 3600)
                transaction |= {
                    "qr_code": payload,
                    "qr_code_url": f"{self.url}/qr/{charge_id}.png",
                    "expires_at": _iso(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)),
                }
            elif method == "credit_card":
                card = payment.get("credit_card") or {}
                transaction |= {
                    "installments": int(card.get("installments") or 1),
                    "statement_descriptor": card.get("statement_descriptor", ""),
                    "card": {
                        "last_four_digits": "1111",
                        "brand": "Visa",
                        "id": card.get("card_token", ""),
                    },
                }
            elif method == "boleto":
                transaction |= {
                    "line": "23793.38128 60000.000003 00000.000400 1 9999" + f"{amount:010d}",
                    "pdf": f"{self.url}/boleto/{charge_id}.pdf",
                    "url": f"{self.url}/boleto/{charge_id}",
                }
            charge = {
                "id": charge_id,
                "code": body.get("code", ""),
                "amount": amount,
                "paid_amount": 0,
                "status": "pending",
                "currency": "BRL",
                "payment_method": method,
                "created_at": _now(),
                "order": {"id": order_id},
                "last_transaction": transaction,
            }
            order["charges"] = [charge]
            self.charges[charge_id] = charge
            self.charge_keys[charge_id] = secret_key
            return order, True

    def settle(self, charge_id: str, action: str, amount: int | None = None) -> dict[str, Any] | None:
        with self.lock:
            charge = self.charges.get(charge_id)
            if charge is None or action not in ("pay", "fail"):
                return None
            if action == "pay":
                paid = int(amount if amount is not None else charge["amount"])
                charge["paid_amount"] = paid
                charge["status"] = (
                    "paid"
                    if paid == charge["amount"]
                    else ("overpaid" if paid > charge["amount"] else "underpaid")
                )
                charge["paid_at"] = _now()
                charge["last_transaction"]["status"] = "paid"
                self.orders[charge["order"]["id"]]["status"] = "paid"
                kind = "charge.paid"
            else:
                charge["status"] = "failed"
                kind = "charge.payment_failed"
            event = self._event(kind, charge, self.charge_keys.get(charge_id, ""))
        self._send_event(*event)
        return event[0]

    # --- hosted checkout ------------------------------------------------------------------------

    def _checkout(self, checkout_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        order = self.orders.get(self.checkouts.get(checkout_id, ""))
        if order is None:
            return None
        return order, order["checkouts"][0]

    def _end_checkout(self, order: dict[str, Any], status: str) -> tuple[dict[str, Any], WebhookRoute | None]:
        """Inside the lock: the checkout `status` (expired, canceled), its order canceled."""
        checkout = order["checkouts"][0]
        checkout["status"] = status
        checkout["canceled_at"] = _now()
        order["status"] = "canceled"
        return self._event("order.canceled", order, self.order_keys.get(order["id"], ""))

    def expire_if_due(self, order_id: str) -> dict[str, Any] | None:
        """A checkout read after its deadline becomes expired, once (the check on read)."""
        with self.lock:
            order = self.orders.get(order_id)
            checkout = (order or {}).get("checkouts", [{}])[0]
            if order is None or checkout.get("status") != "open" or not _due(checkout["expires_at"]):
                return None
            event = self._end_checkout(order, "expired")
        self._send_event(*event)
        return event[0]

    def cancel_checkout(self, checkout_id: str) -> dict[str, Any] | None:
        found = self._checkout(checkout_id)
        if found is None:
            return None
        self.expire_if_due(found[0]["id"])
        with self.lock:
            order, checkout = found
            if checkout["status"] != "open":
                return None
            event = self._end_checkout(order, "canceled")
        self._send_event(*event)
        return event[0]

    def checkout_page(self, checkout_id: str, error: str = "", status: int = 200) -> tuple[int, str]:
        found = self._checkout(checkout_id)
        if found is None:
            return 404, _html("Checkout não encontrado", "<p>Este link de pagamento não existe.</p>")
        self.expire_if_due(found[0]["id"])
        order, checkout = found
        amount = _brl(checkout["amount"])
        deadline = (
            f"{dt.datetime.fromisoformat(checkout['expires_at'].replace('Z', '+00:00')):%d/%m/%Y %H:%M}"
        )
        back = html.escape(checkout.get("success_url", ""))
        if checkout["status"] != "open":
            reason = {"expired": "expirou", "canceled": "foi cancelado"}.get(
                checkout["status"], "já foi usado"
            )
            body = f"<p>Este pagamento {reason}.</p>"
            if back:
                body += f'<p><a href="{back}">Voltar à agência</a></p>'
            return 410, _html("Pagamento indisponível", body)
        alert = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
        body = f"""{alert}
<p class="amount">Valor: <strong>R$ {amount}</strong></p>
<p class="muted">Pedido {html.escape(order.get("code", ""))} · expira em {deadline} (UTC)</p>
<form method="post" action="/checkout/{checkout_id}">
  <label for="card_number">Número do cartão</label>
  <input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" required>
  <label for="holder_name">Nome impresso no cartão</label>
  <input id="holder_name" name="holder_name" autocomplete="cc-name" required>
  <div class="row">
    <div><label for="expiry">Validade (MM/AA)</label>
    <input id="expiry" name="expiry" placeholder="MM/AA" autocomplete="cc-exp" required></div>
    <div><label for="cvv">CVV</label>
    <input id="cvv" name="cvv" inputmode="numeric" autocomplete="cc-csc" required></div>
  </div>
  <button type="submit" name="action" value="pay">Pagar R$ {amount}</button>
  <button type="submit" name="action" value="cancel" class="secondary" formnovalidate>Desistir</button>
</form>
<p class="muted">Ambiente de testes: 4000 0000 0000 0010 aprova, 4000 0000 0000 0002 é recusado.</p>"""
        return status, _html("Pagamento com cartão", body)

    def checkout_submit(self, checkout_id: str, form: dict[str, str]) -> tuple[int, str, str]:
        """(status, page, location): a redirect to the success_url, or the page again with an error."""
        found = self._checkout(checkout_id)
        if found is None:
            return (*self.checkout_page(checkout_id), "")
        order, checkout = found
        back = checkout.get("success_url", "")
        if form.get("action") == "cancel":
            self.cancel_checkout(checkout_id)
            return 303, "", back
        self.expire_if_due(order["id"])
        number = "".join(ch for ch in form.get("card_number", "") if ch.isdigit())
        problem = _card_problem(number, form)
        event = None
        with self.lock:
            if checkout["status"] == "open" and not problem:
                event = self._card_charge(order, number, form.get("holder_name", "").strip())
        if event is None:  # the page says why: a problem with the card, or a checkout no longer open
            return (*self.checkout_page(checkout_id, problem, 400), "")
        self._send_event(*event)
        return 303, "", back

    def _card_charge(
        self, order: dict[str, Any], number: str, holder: str
    ) -> tuple[dict[str, Any], WebhookRoute | None]:
        """Inside the lock: the charge the checkout's card payment creates, and its event."""
        approved = number == APPROVED_CARD
        checkout = order["checkouts"][0]
        charge_id = _id("ch")
        amount = int(checkout["amount"])
        charge = {
            "id": charge_id,
            "code": order.get("code", ""),
            "amount": amount,
            "paid_amount": amount if approved else 0,
            "status": "paid" if approved else "failed",
            "currency": "BRL",
            "payment_method": "credit_card",
            "created_at": _now(),
            "order": {"id": order["id"]},
            "last_transaction": {
                "id": _id("tran"),
                "transaction_type": "credit_card",
                "amount": amount,
                "status": "captured" if approved else "not_authorized",
                "success": approved,
                "installments": 1,
                "statement_descriptor": (checkout.get("credit_card") or {}).get("statement_descriptor", ""),
                "card": {"last_four_digits": number[-4:], "brand": "Visa", "holder_name": holder},
                "created_at": _now(),
            },
        }
        if approved:
            charge["paid_at"] = _now()
        order["charges"].append(charge)
        order["status"] = "paid" if approved else "failed"
        checkout["status"] = "closed"
        checkout["closed_at"] = _now()
        secret_key = self.order_keys.get(order["id"], "")
        self.charges[charge_id] = charge
        self.charge_keys[charge_id] = secret_key
        return self._event("charge.paid" if approved else "charge.payment_failed", charge, secret_key)

    # --- webhooks -------------------------------------------------------------------------------

    def _event(
        self, kind: str, data: dict[str, Any], secret_key: str
    ) -> tuple[dict[str, Any], WebhookRoute | None]:
        """Inside the lock: record an event in the outbox and find where it goes."""
        event = {"id": _id("hook"), "type": kind, "created_at": _now(), "data": json.loads(json.dumps(data))}
        self.outbox.append(event)
        route = self.routes.get(secret_key)
        if route is None and self.webhook_url:
            route = WebhookRoute(self.webhook_url, "", self.webhook_auth)
        return event, route

    def _send_event(self, event: dict[str, Any], route: WebhookRoute | None) -> None:
        if route is not None:
            threading.Thread(target=self._deliver, args=(event, route), daemon=True).start()

    def _deliver(self, event: dict[str, Any], route: WebhookRoute) -> None:
        # Pagar.me retries; the fake keeps the event in its outbox
        headers = {"Host": route.host} if route.host else {}
        with contextlib.suppress(requests.RequestException):
            requests.post(route.url, json=event, auth=route.auth, headers=headers, timeout=10)


def _card_problem(number: str, form: dict[str, str]) -> str:
    cvv = form.get("cvv", "").strip()
    if number not in (APPROVED_CARD, REFUSED_CARD):
        return "Cartão de teste desconhecido: use 4000 0000 0000 0010 ou 4000 0000 0000 0002."
    if not form.get("holder_name", "").strip():
        return "Informe o nome impresso no cartão."
    if not _future_expiry(form.get("expiry", "").strip()):
        return "Validade inválida: use MM/AA, no futuro."
    if not (cvv.isdigit() and len(cvv) in (3, 4)):
        return "CVV inválido: 3 ou 4 dígitos."
    return ""


def _due(expires_at: str) -> bool:
    deadline = dt.datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
    return dt.datetime.now(dt.UTC) >= deadline


def _future_expiry(text: str) -> bool:
    month, _, year = text.partition("/")
    if not (month.isdigit() and year.isdigit() and 1 <= int(month) <= 12 and len(year) in (2, 4)):
        return False
    full = int(year) + (2000 if len(year) == 2 else 0)
    today = dt.datetime.now(dt.UTC).date()
    return (full, int(month)) >= (today.year, today.month)


def _brl(cents: int) -> str:
    units, rest = divmod(int(cents), 100)
    return f"{units:,}".replace(",", ".") + f",{rest:02d}"


def _html(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Pagar.me (teste)</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f2f4f7; margin: 0; color: #1f2933; }}
header {{ background: #65a300; color: #fff; padding: 14px 20px; font-weight: 700; }}
main {{ max-width: 420px; margin: 24px auto; background: #fff; border-radius: 8px; padding: 20px 24px;
  box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.3rem; margin: 0 0 12px; }}
label {{ display: block; font-weight: 600; margin: 12px 0 4px; }}
input {{ width: 100%; box-sizing: border-box; padding: 10px; font-size: 1rem; border: 1px solid #9aa5b1;
  border-radius: 4px; }}
.row {{ display: flex; gap: 12px; }} .row > div {{ flex: 1; }}
button {{ margin-top: 18px; width: 100%; padding: 12px; font-size: 1rem; font-weight: 700; border: 0;
  border-radius: 4px; background: #65a300; color: #fff; cursor: pointer; }}
button.secondary {{ background: #fff; color: #3e4c59; border: 1px solid #9aa5b1; margin-top: 8px; }}
.amount {{ font-size: 1.2rem; }} .muted {{ color: #52606d; font-size: .85rem; }}
.error {{ background: #fde8e8; color: #9b1c1c; padding: 10px; border-radius: 4px; }}
</style></head>
<body><header>Pagar.me · ambiente de testes (falso)</header>
<main><h1>{html.escape(title)}</h1>
{body}
</main></body></html>"""


@dataclass(frozen=True)
class WebhookRoute:
    url: str
    host: str = ""
    auth: tuple[str, str] | None = None
