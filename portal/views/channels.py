"""The utility's service channels (VA-05 "Canais de atendimento") and the VA-07 alert that sends a
citizen there, or to the CPF/CNPJ update request (VA-26) where the utility offers it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .. import domain
from ..auth import DocumentNotRegistered
from ..models import AgencySettings
from .base import render_page
from .document_update import document_update_pass


def document_update_type(agency: AgencySettings) -> domain.RequestType | None:
    """The request type of a CPF/CNPJ update, when this utility offers it in the agency (and offers
    requests at all, VA-08)."""
    if not agency.offers("requests"):
        return None
    offered = set(agency.request_types or [])
    return next((domain.ALL_TYPES[c] for c in domain.DOCUMENT_UPDATE_TYPES if c in offered), None)


def document_alert_context(
    request: HttpRequest, agency: AgencySettings, exc: DocumentNotRegistered
) -> dict[str, Any]:
    namespace = request.resolver_match.namespace if request.resolver_match else "agencia"
    request_type = document_update_type(agency)
    request_url = ""
    if request_type is not None and namespace == "agencia":  # the totem shows the counters instead
        request_url = reverse("agencia:document_update_pass", args=[document_update_pass(exc.property_id)])
    return {
        "message": exc.message,
        "request_url": request_url,
        "request_label": request_type.label if request_type else "",
        "channels_url": reverse("agencia:channels"),
    }


@require_GET
def channels(request: HttpRequest) -> HttpResponse:
    """Public: where and how to be served in person, by phone or by e-mail."""
    return render_page(request, "portal/channels.html", {})
