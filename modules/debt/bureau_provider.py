"""The credit bureau (SPC/Serasa-like) over HTTP: a movement file goes in, a return file comes back.

    POST {base}/v1/movements            text/plain movement file (domain/bureau.py), Bearer token,
                                        Idempotency-Key: "movement-<id>" → 202 {"id": "<bureau id>"};
                                        the same key answers the same id (a retried send lists no one twice)
    GET  {base}/v1/movements/<id>/return → 200 text/plain return file, 404 while it is not ready

Production points BUREAU_API_URL and BUREAU_API_TOKEN at the bureau's gateway; tests and the demo at
the local fake server (fakes/bureau.py), never a mock.
"""

from __future__ import annotations

from typing import Any, Protocol

import requests
from django.conf import settings

from modules.common.errors import DomainError

from .errors import ErrorCode


class BureauUnavailable(DomainError):
    code = ErrorCode.BUREAU_UNAVAILABLE
    status = 502


class BureauProvider(Protocol):
    def send(self, *, movement_id: int, content: str) -> str: ...

    def fetch_return(self, *, bureau_id: str) -> str | None: ...


class HttpBureau:
    def __init__(self, base_url: str, token: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def send(self, *, movement_id: int, content: str) -> str:
        """The bureau's id of the movement. Raises BureauUnavailable."""
        try:
            response = requests.post(
                f"{self.base_url}/v1/movements",
                data=content.encode(),
                headers=self._headers(
                    **{
                        "Content-Type": "text/plain; charset=utf-8",
                        "Idempotency-Key": f"movement-{movement_id}",
                    }
                ),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise BureauUnavailable(f"Birô de crédito indisponível: {exc.__class__.__name__}.") from exc
        if response.status_code >= 400:
            raise BureauUnavailable(
                f"O birô recusou o movimento (HTTP {response.status_code}): {response.text[:200]}"
            )
        body: dict[str, Any] = response.json()
        return str(body["id"])

    def fetch_return(self, *, bureau_id: str) -> str | None:
        """The return file, or None while the bureau has not processed the movement."""
        try:
            response = requests.get(
                f"{self.base_url}/v1/movements/{bureau_id}/return",
                headers=self._headers(),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise BureauUnavailable(f"Birô de crédito indisponível: {exc.__class__.__name__}.") from exc
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise BureauUnavailable(f"O birô não devolveu o retorno (HTTP {response.status_code}).")
        return response.content.decode()


def bureau_provider() -> BureauProvider:
    """The configured bureau; BureauUnavailable when the deployment has none."""
    url = getattr(settings, "BUREAU_API_URL", "")
    if not url:
        raise BureauUnavailable("Integração com o birô de crédito não configurada nesta instalação.")
    return HttpBureau(url, getattr(settings, "BUREAU_API_TOKEN", ""))
