"""The printable registration sheet (ficha cadastral, 3.2.14.2): the unit's and its holder's data
as the registry keeps them, in the utility's document layout, with the CPF/CNPJ masked (R-06)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string

from modules.common.clock import current_tenant, tenant_today
from modules.common.domain.documents import format_document
from modules.registry.models import Property

from . import selectors
from .auth import Grant
from .selectors_unit import reading_dates, unit_orders


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Only inline images (the logo is inline SVG); nothing is fetched."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return dict(default_url_fetcher(url, *args, **kwargs))
    raise ValueError(f"fetch refused: {url[:80]}")


def _brand() -> dict[str, Any]:
    tenant = current_tenant()
    return {
        "name": tenant.name,
        "legal_name": tenant.legal_name or tenant.name,
        "cnpj": format_document(tenant.cnpj or ""),
        "address": tenant.address,
        "phone": tenant.phone,
        "logo_svg": tenant.logo_svg,
        "colour": tenant.primary_color or "#1351B4",
    }


def registration_sheet_context(grant: Grant, prop: Property, today: dt.date) -> dict[str, Any]:
    overview = selectors.property_overview(grant, prop)
    holder = selectors.current_holder(prop)
    customer = holder.customer if holder else None
    return {
        "overview": overview,
        "prop": prop,
        "holder_role": holder.get_role_display() if holder else "",
        "email": customer.email if customer and grant.verified_holder else "",
        "phone": customer.phone if customer and grant.verified_holder else "",
        "dates": reading_dates(prop, today),
        "orders": unit_orders(prop)[:10],
        "today": today,
        "group": prop.billing_group,
        "route": prop.route,
    }


def registration_sheet_pdf(grant: Grant, prop: Property) -> bytes:
    from weasyprint import HTML

    context = registration_sheet_context(grant, prop, tenant_today())
    html = render_to_string("portal/pdf/registration_sheet.html", {"brand": _brand(), **context})
    return bytes(HTML(string=html, url_fetcher=_no_fetch).write_pdf())
