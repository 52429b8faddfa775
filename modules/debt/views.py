"""Staff pages of debt, and the public certificate verification page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from modules.common.errors import DomainError

from . import services


def verify_view(request: HttpRequest) -> HttpResponse:
    """Public: anyone holding a code sees exactly what the certificate states, nothing more."""
    code = request.GET.get("codigo", "").strip()
    certificate, error = None, ""
    if code:
        try:
            certificate = services.certificate_verify(code)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "debt/verify.html",
        {"code": code, "certificate": certificate, "error": error},
        status=404 if error else 200,
    )
