"""Sentry initialisation: every event carries the tenant's schema."""

from __future__ import annotations

from typing import Any


def _tag_schema(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    from modules.common.http import mask_secrets

    event.setdefault("tags", {})["schema"] = getattr(connection, "schema_name", "public")
    # the webhook's URL secret stays out of Sentry as it stays out of the logs (ADR 0012)
    request = event.get("request") or {}
    if isinstance(request.get("url"), str):
        request["url"] = mask_secrets(request["url"])
    for key in ("transaction", "message"):
        if isinstance(event.get(key), str):
            event[key] = mask_secrets(event[key])
    logentry = event.get("logentry") or {}
    for key in ("message", "formatted"):
        if isinstance(logentry.get(key), str):
            logentry[key] = mask_secrets(logentry[key])
    return event


def init_sentry() -> bool:
    from django.conf import settings

    dsn = getattr(settings, "SENTRY_DSN", "")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=_tag_schema,  # type: ignore[arg-type]
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
    return True
