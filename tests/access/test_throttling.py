from __future__ import annotations

import uuid

from rest_framework.throttling import ScopedRateThrottle


def test_sign_in_is_rate_limited_per_client_address(alpha_client, monkeypatch) -> None:
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth", "3/min")
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    statuses = [
        alpha_client.post(
            "/api/v1/auth/token",
            {"username": "x", "password": "y"},
            content_type="application/json",
            REMOTE_ADDR=address,
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    other = alpha_client.post(
        "/api/v1/auth/token",
        {"username": "x", "password": "y"},
        content_type="application/json",
        REMOTE_ADDR="10.254.254.254",
    )
    assert other.status_code == 401
