"""Demo data of collection: a Pagar.me account pointing at the local fake server (when the
configuration selects it), so the demo can charge by PIX, boleto and card. Idempotent."""

from __future__ import annotations

import secrets

from django.conf import settings

from modules.collection.models import GatewayAccount

DEMO_WEBHOOK_USER = "pagarme"


def fake_gateway_url() -> str:
    return f"http://127.0.0.1:{settings.PAGARME_FAKE_PORT}"


def seed_demo_gateway(schema: str) -> bool:
    """Create the tenant's account on the fake gateway; True when created. An account made for the
    fake on another port (the demo's DEMO_PORT or PAGARME_FAKE_PORT changed) follows it to this one."""
    if not settings.PAGARME_FAKE:
        return False
    account = GatewayAccount.objects.filter(provider="pagarme").first()
    if account is not None:
        if account.base_url.startswith("http://127.0.0.1:") and account.base_url != fake_gateway_url():
            GatewayAccount.objects.filter(pk=account.pk).update(base_url=fake_gateway_url())
        return False
    GatewayAccount.objects.create(
        base_url=fake_gateway_url(),
        secret_key=f"sk_test_{schema}_{secrets.token_hex(8)}",
        webhook_token=secrets.token_urlsafe(24),
        webhook_username=DEMO_WEBHOOK_USER,
        webhook_password=secrets.token_urlsafe(16),
    )
    return True
