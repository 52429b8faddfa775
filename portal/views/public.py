"""Public pages: the utility's privacy notice and terms of use, and its logo."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from modules.common.clock import current_tenant

from .base import render_page


@require_GET
def legal(request: HttpRequest, which: str) -> HttpResponse:
    tenant = current_tenant()
    title, text = (
        ("Aviso de privacidade", tenant.privacy_notice)
        if which == "privacidade"
        else ("Termos de uso", tenant.terms_of_use)
    )
    text = text or "Texto ainda não publicado pela concessionária."
    return render_page(request, "portal/message.html", {"title": title, "text": text, "long": True})


@require_GET
def logo(request: HttpRequest) -> HttpResponse:
    """The utility's SVG logo as an image: loaded by <img>, an SVG never runs scripts."""
    tenant = current_tenant()
    svg = tenant.logo_svg if tenant else ""
    if not svg:
        return HttpResponse(status=404)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=300"
    return response
