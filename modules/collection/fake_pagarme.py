"""A local Pagar.me v5 server for tests and the demo: a real HTTP server (ThreadingHTTPServer)
speaking the endpoints the app uses, with amounts in centavos, Idempotency-Key replay, basic auth by
secret key, and webhook events (delivered to a configured URL, and kept in an outbox).

    POST /core/v5/orders            GET /core/v5/orders/{id}      GET /core/v5/charges/{id}
    POST /_fake/charges/{id}/pay    {"amount": centavos?}  → marks paid, emits charge.paid (and order.paid)
    POST /_fake/charges/{id}/fail   → charge.payment_failed
    GET  /_fake/webhooks            → every event emitted so far
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import secrets
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from .domain.pix import PixCharge, build_payload


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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

            def _authorized(self) -> bool:
                header = self.headers.get("Authorization", "")
                if not header.startswith("Basic "):
                    return False
                user = base64.b64decode(header[6:]).decode().split(":", 1)[0]
                return user.startswith("sk_")

            def do_GET(self) -> None:
                if self.path == "/_fake/webhooks":
                    return self._send(200, fake.outbox)
                if not self._authorized():
                    return self._send(401, {"message": "Authorization has been denied for this request."})
                parts = self.path.strip("/").split("/")
                if len(parts) == 4 and parts[:2] == ["core", "v5"]:
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
                if not self._authorized():
                    return self._send(401, {"message": "Authorization has been denied for this request."})
                if parts == ["core", "v5", "orders"]:
                    order, _ = fake.create_order(self._body(), self.headers.get("Idempotency-Key", ""))
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

    def create_order(self, body: dict[str, Any], key: str) -> tuple[dict[str, Any], bool]:
        with self.lock:
            if key and key in self.idempotency:
                return self.orders[self.idempotency[key]], False
            amount = sum(int(i["amount"]) * int(i.get("quantity", 1)) for i in body.get("items", []))
            payment = (body.get("payments") or [{}])[0]
            method = payment.get("payment_method", "pix")
            order_id, charge_id = _id("or"), _id("ch")
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
                transaction |= {
                    "qr_code": payload,
                    "qr_code_url": f"{self.url}/qr/{charge_id}.png",
                    "expires_at": _now(),
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
            order = {
                "id": order_id,
                "code": body.get("code", ""),
                "amount": amount,
                "currency": "BRL",
                "closed": True,
                "status": "pending",
                "items": body.get("items", []),
                "customer": body.get("customer", {}),
                "created_at": _now(),
                "charges": [charge],
            }
            self.orders[order_id], self.charges[charge_id] = order, charge
            if key:
                self.idempotency[key] = order_id
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
            event = {
                "id": _id("hook"),
                "type": kind,
                "created_at": _now(),
                "data": json.loads(json.dumps(charge)),
            }
            self.outbox.append(event)
        if self.webhook_url:
            threading.Thread(target=self._deliver, args=(event,), daemon=True).start()
        return event

    def _deliver(self, event: dict[str, Any]) -> None:
        # Pagar.me retries; the fake keeps the event in its outbox
        with contextlib.suppress(requests.RequestException):
            requests.post(self.webhook_url, json=event, auth=self.webhook_auth, timeout=10)
