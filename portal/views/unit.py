"""The unit's pages (issue 23): the printable registration sheet (3.2.14.2) and the unit's service
orders with their status (3.2.14.5); the reading dates (3.2.14.9) show on the registry page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from modules.common.clock import tenant_today

from ..pdf_unit import registration_sheet_pdf
from ..selectors_unit import reading_dates, unit_orders
from .base import citizen_required, granted_property, pdf_response, render_page, request_grant


@require_GET
@citizen_required
def registration_sheet(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    pdf = registration_sheet_pdf(request_grant(request), prop)
    return pdf_response(pdf, f"ficha-cadastral-{prop.account_number}.pdf")


@require_GET
@citizen_required
def orders(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    return render_page(
        request,
        "portal/unit_orders.html",
        {"prop": prop, "orders": unit_orders(prop), "dates": reading_dates(prop, tenant_today())},
    )
