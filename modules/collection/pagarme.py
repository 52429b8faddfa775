"""Pagar.me v5 over HTTPS (requests): create an order with one charge, read a charge or an order back.

Authentication is HTTP basic with the secret key as user and an empty password; amounts are integers
in centavos; every create carries an Idempotency-Key so a retried call never creates a second order.
The base URL is per tenant (GatewayAccount): the real API, or the local fake server (fakes/pagarme.py)
in tests and the demo.

A card payment on the agency uses Pagar.me's hosted checkout: an order whose payment has
`payment_method: "checkout"` and a `checkout` object (`expires_in` in minutes,
`accepted_payment_methods`, `success_url`, `skip_checkout_success_page`, `customer_editable`,
`billing_address_editable`, `credit_card` with `capture`, `statement_descriptor` and the offered
`installments` as `{number, total}`). The answer carries `checkouts[0]` with its `id`, `status`
(`open` until used), `expires_at` and the `payment_url` the customer's browser is sent to; the order's
charge only appears once the customer pays there.
"""

from __future__ import annotations

from typing import Any

import requests

from modules.common.errors import DomainError

from .errors import ErrorCode

PIX_EXPIRES_SECONDS = 86400  # a PIX charge's QR code is valid for a day (Pagar.me `expires_in`, seconds)


class GatewayUnavailable(DomainError):
    code = ErrorCode.GATEWAY_ERROR
    status = 502


class PagarmeClient:
    def __init__(self, base_url: str, secret_key: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = (secret_key, "")
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = requests.request(
                method, f"{self.base_url}{path}", auth=self.auth, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise GatewayUnavailable(f"Pagar.me indisponível: {exc.__class__.__name__}.") from exc
        if response.status_code == 404:
            raise GatewayUnavailable(
                "Pagar.me não encontrou o recurso pedido.", code=ErrorCode.GATEWAY_NOT_FOUND
            )
        if response.status_code >= 400:
            raise GatewayUnavailable(
                f"Pagar.me recusou a operação (HTTP {response.status_code}): {response.text[:200]}"
            )
        body: dict[str, Any] = response.json()
        return body

    def create_order(self, *, idempotency_key: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/core/v5/orders", json=body, headers={"Idempotency-Key": idempotency_key})

    def get_charge(self, charge_id: str) -> dict[str, Any]:
        return self._call("GET", f"/core/v5/charges/{charge_id}")

    def get_order(self, order_id: str) -> dict[str, Any]:
        return self._call("GET", f"/core/v5/orders/{order_id}")


def order_body(
    *,
    code: str,
    amount_cents: int,
    description: str,
    customer: dict[str, Any],
    method: str,
    card_token: str = "",
    due_at: str = "",
    success_url: str = "",
    expires_in_minutes: int = 30,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    payment: dict[str, Any] = {"payment_method": method}
    if method == "pix":
        payment["pix"] = {"expires_in": PIX_EXPIRES_SECONDS}
    elif method == "boleto":
        payment["boleto"] = {"instructions": "Não receber após o vencimento.", "due_at": due_at}
    elif method == "checkout":
        payment["amount"] = amount_cents
        payment["checkout"] = {
            "expires_in": expires_in_minutes,
            "accepted_payment_methods": ["credit_card"],
            "success_url": success_url,
            "skip_checkout_success_page": True,
            "customer_editable": False,
            "billing_address_editable": False,
            # one installment: the utility takes the whole amount; the operator's own installment
            # plans and costs are the customer's business with the operator (VA-13)
            "credit_card": {
                "capture": True,
                "statement_descriptor": "AGUA",
                "installments": [{"number": 1, "total": amount_cents}],
            },
        }
    else:
        payment["credit_card"] = {"card_token": card_token, "installments": 1, "statement_descriptor": "AGUA"}
    body: dict[str, Any] = {
        "code": code,
        "closed": True,
        "items": [{"code": code, "amount": amount_cents, "description": description[:250], "quantity": 1}],
        "customer": customer,
        "payments": [payment],
    }
    if metadata:
        body["metadata"] = metadata
    return body
