"""The utility's SMS gateway and outbound dialer, over HTTP (ADR 0182). Both speak a small JSON API
with a bearer key; fakes/sms.py and fakes/dialer.py are local servers of the same protocol.

SMS gateway:  POST {base}/v1/messages {"to": "+55…", "text": "…", "from": "…"} → 201 {"id", "status"}
Dialer:       POST {base}/v1/calls {"to", "message", "reference"} → 201 {"id", "status": "queued"}
              GET  {base}/v1/calls/{id} → {"id", "status": queued|ringing|answered|no_answer|busy|failed,
                                            "answer": "…" (a survey's keypad answer, when given)}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from modules.common.errors import DomainError, ValidationFailed

from .errors import ErrorCode
from .models import ChannelSettings

TIMEOUT = 10


class ProviderFailed(DomainError):
    status = 502
    code = ErrorCode.PROVIDER_FAILED


@dataclass(frozen=True)
class DialStatus:
    id: str
    status: str
    answer: str


def _call(method: str, url: str, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        response = requests.request(
            method, url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
        )
    except requests.RequestException as exc:
        raise ProviderFailed(
            f"O provedor não respondeu: {exc.__class__.__name__}.", field="provider"
        ) from exc
    if response.status_code >= 400:
        raise ProviderFailed(
            f"O provedor recusou o pedido (HTTP {response.status_code}).",
            field="provider",
            code=ErrorCode.PROVIDER_FAILED,
        )
    data: dict[str, Any] = response.json()
    return data


def sms_send(to: str, text: str) -> str:
    """The gateway's id of the message sent to `to` (E.164)."""
    conf = ChannelSettings.current()
    if not conf.sms_base_url:
        raise ValidationFailed(
            "O gateway de SMS não está configurado.", field="sms", code=ErrorCode.PROVIDER_NOT_CONFIGURED
        )
    data = _call(
        "POST",
        conf.sms_base_url.rstrip("/") + "/v1/messages",
        conf.sms_token,
        {"to": to, "text": text, "from": conf.sms_sender},
    )
    return str(data["id"])


def dialer_settings() -> ChannelSettings:
    """The settings, or ValidationFailed `provider_not_configured` when there is no dialer."""
    conf = ChannelSettings.current()
    if not conf.dialer_base_url:
        raise ValidationFailed(
            "O discador não está configurado.", field="dialer", code=ErrorCode.PROVIDER_NOT_CONFIGURED
        )
    return conf


def dial(to: str, message: str, reference: str) -> str:
    conf = dialer_settings()
    data = _call(
        "POST",
        conf.dialer_base_url.rstrip("/") + "/v1/calls",
        conf.dialer_token,
        {"to": to, "message": message, "reference": reference},
    )
    return str(data["id"])


def dial_status(call_id: str) -> DialStatus:
    conf = dialer_settings()
    data = _call("GET", conf.dialer_base_url.rstrip("/") + f"/v1/calls/{call_id}", conf.dialer_token)
    return DialStatus(str(data["id"]), str(data["status"]), str(data.get("answer") or ""))
