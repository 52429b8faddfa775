"""SMS through an HTTP provider (ARCHITECTURE: "SMS ... provider interfaces over HTTP").

The protocol is the small JSON one most Brazilian SMS gateways offer (Zenvia, TotalVoice, Comtele
differ only in names): `POST {base}/v1/messages` with `{"to": "+55DDNNNNNNNNN", "text": "..."}`,
`Authorization: Bearer <token>` and an `Idempotency-Key` (a retried call never sends twice); the
answer is 201 `{"id": ..., "status": "queued"}`. Production points `SMS_API_URL` and `SMS_API_TOKEN`
at the provider; tests and the demo at the local fake server (fakes/sms.py), never a mock.
"""

from __future__ import annotations

import re
from typing import Any

import requests
from django.conf import settings

from .errors import DomainError, ErrorCode, ValidationFailed

MAX_TEXT = 160 * 3  # three concatenated segments at most: what a bill's line, amount and date need


class SmsUnavailable(DomainError):
    code = ErrorCode.SMS_UNAVAILABLE
    status = 502


def normalize_phone(raw: str) -> str:
    """A Brazilian mobile number in E.164 (+55 DDD 9XXXX-XXXX); ValidationFailed for anything else."""
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("55") and len(digits) in (12, 13):
        digits = digits[2:]
    if len(digits) != 11 or digits[2] != "9":
        raise ValidationFailed(
            "Informe um celular com DDD (11 dígitos, começando por 9 após o DDD).",
            field="phone",
            code=ErrorCode.PHONE_INVALID,
        )
    return f"+55{digits}"


class SmsClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def send(self, *, to: str, text: str, idempotency_key: str) -> str:
        """Send `text` to `to` (E.164); the provider's message id. Raises SmsUnavailable."""
        if len(text) > MAX_TEXT:
            raise ValidationFailed(
                f"Mensagem com mais de {MAX_TEXT} caracteres.", field="text", code=ErrorCode.SMS_TOO_LONG
            )
        try:
            response = requests.post(
                f"{self.base_url}/v1/messages",
                json={"to": to, "text": text},
                headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": idempotency_key},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise SmsUnavailable(f"Serviço de SMS indisponível: {exc.__class__.__name__}.") from exc
        if response.status_code >= 400:
            raise SmsUnavailable(
                f"O serviço de SMS recusou a mensagem (HTTP {response.status_code}): {response.text[:200]}"
            )
        body: dict[str, Any] = response.json()
        return str(body["id"])


def sms_client() -> SmsClient:
    """The configured provider; SmsUnavailable when the deployment has none."""
    url = getattr(settings, "SMS_API_URL", "")
    if not url:
        raise SmsUnavailable("Envio de SMS não configurado nesta instalação.")
    return SmsClient(url, getattr(settings, "SMS_API_TOKEN", ""))
