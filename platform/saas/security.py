"""Content-Security-Policy of every page outside the citizens' agency: the staff app, the ops console,
the public status and certificate-check pages, error pages (the agency, /agencia/ and /totem/, has
its own middleware in portal/security.py; both build the policy with modules.common.http.csp_header).

Scripts only from our own static files, never inline; styles from static files, or an inline
<style nonce="{{ request.csp_nonce }}"> (the utility's colours, a page's own rules). A new template
that follows that works without touching this file. The API docs page (Redoc, from its CDN) gets
a policy of its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from modules.common.http import AGENCY_PREFIXES, csp_header

API_DOCS = "/api/v1/docs/"
REDOC = "https://cdn.jsdelivr.net"


def docs_csp_header() -> str:
    """Redoc's standalone bundle comes from its CDN, injects its own styles and runs a worker."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {REDOC}",
            "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
            "font-src 'self' https://fonts.gstatic.com",
            "img-src 'self' data: https://cdn.redoc.ly",
            "worker-src 'self' blob:",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


class StaffSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(AGENCY_PREFIXES):
            return self.get_response(request)
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        policy = docs_csp_header() if request.path == API_DOCS else csp_header(nonce)
        response.setdefault("Content-Security-Policy", policy)
        return response
