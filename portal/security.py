"""Headers of the citizens' pages (/agencia/, /totem/): a strict Content-Security-Policy with a
per-request nonce for the one inline <style> (the utility's colours), no inline scripts, no
third-party origin; and no caching of signed-in pages (a shared totem, a shared phone)."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from modules.common.http import AGENCY_PREFIXES, csp_header


class AgencySecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(AGENCY_PREFIXES):
            return self.get_response(request)
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if request.path.startswith("/agencia/api/v1/schema"):
            return response
        response.setdefault("Content-Security-Policy", csp_header(nonce))
        response.setdefault("Cache-Control", "no-store")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response["X-Frame-Options"] = "DENY"
        return response
