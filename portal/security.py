"""Headers of the citizens' pages (/agencia/, /totem/): a strict Content-Security-Policy with a
per-request nonce for the one inline <style> (the utility's colours), no inline scripts, no
third-party origin; and no caching of signed-in pages (a shared totem, a shared phone)."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

AGENCY_PREFIXES = ("/agencia/", "/totem/")


def csp_header(nonce: str, form_action: tuple[str, ...] = ()) -> str:
    """`form_action`: origins a form of the page may also end up at (the card operators' hosted
    checkout, where the agency answers the form with a redirect; browsers apply form-action to it)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            " ".join(("form-action 'self'", *form_action)),
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


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
