"""The utility's inventory (almoxarifado) as a provider over HTTP (3.2.11.10): an opening's forecast
material (the code's kit) is reserved there. One call, idempotent by its key (the tenant's schema and
the order id), so a redelivered task or a retry reserves once. `fakes/inventory.py` speaks the same
interface for tests and the demo.

    POST {SERVICE_INVENTORY_URL}/v1/reservations   Idempotency-Key: <schema>:service-order:<id>
         {"reference": "OS 2026/000123", "order": 123, "lines": [{"material", "quantity", "unit"}]}
    → 201 {"id": "res_…", "status": "reserved"} (200 with the same body for a replayed key)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.db import connection

TIMEOUT_SECONDS = 10


class InventoryUnavailable(Exception):
    """The inventory did not answer, or answered 5xx/429: worth retrying."""


class InventoryRefused(Exception):
    """The inventory refused the request (4xx): retrying will not help."""


@dataclass(frozen=True)
class Reservation:
    id: str
    status: str


def idempotency_key(order_id: int) -> str:
    return f"{connection.schema_name}:service-order:{order_id}"


def configured() -> bool:
    return bool(getattr(settings, "SERVICE_INVENTORY_URL", ""))


def reserve(*, order_id: int, reference: str, lines: list[dict[str, Any]]) -> Reservation:
    url = settings.SERVICE_INVENTORY_URL.rstrip("/") + "/v1/reservations"
    try:
        response = requests.post(
            url,
            json={"reference": reference, "order": order_id, "lines": lines},
            headers={"Idempotency-Key": idempotency_key(order_id)},
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        raise InventoryUnavailable(str(exc)[:300]) from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise InventoryUnavailable(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise InventoryRefused(f"HTTP {response.status_code}: {response.text[:250]}")
    body = response.json()
    return Reservation(str(body["id"]), str(body.get("status", "")))
