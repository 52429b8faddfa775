"""The PDF of a payable document (guia avulsa and the others, ADR 0228), WeasyPrint, branded per
utility: who pays, the lines (its items or the bills it carries), the validity and the stub with the
typeable line and the FEBRABAN barcode. Same rows in, same text out."""

from __future__ import annotations

import logging
from typing import Any

from django.template.loader import render_to_string

from modules.billing.domain.febraban import format_typeable_line
from modules.billing.domain.interleaved25 import render_svg
from modules.common.clock import current_tenant
from modules.common.domain.documents import display_masked_document, format_document
from modules.registry.selectors_rental import responsible_on

from .models import PaymentDocument

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _brand() -> dict[str, Any]:
    tenant = current_tenant()
    return {
        "name": getattr(tenant, "name", ""),
        "legal_name": getattr(tenant, "legal_name", "") or getattr(tenant, "name", ""),
        "cnpj": format_document(getattr(tenant, "cnpj", "") or ""),
        "address": getattr(tenant, "address", ""),
        "phone": getattr(tenant, "phone", ""),
        "logo_svg": getattr(tenant, "logo_svg", ""),
        "colour": getattr(tenant, "primary_color", "#1351B4"),
    }


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The document carries its images inline; any other URL is refused, never fetched."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return dict(default_url_fetcher(url, *args, **kwargs))
    raise ValueError(f"fetch refused: {url[:80]}")


def document_context(doc: PaymentDocument) -> dict[str, Any]:
    customer = doc.customer
    prop = doc.property
    payer_name, payer_doc = "", ""
    if customer is None and prop is not None:
        # whom the unit's documents go to on the issue day (the rental-contract payer rule, ADR 0192)
        customer = responsible_on(prop, doc.as_of).customer
    if customer is not None:
        payer_name, payer_doc = customer.name, customer.cpf_cnpj
    return {
        "brand": _brand(),
        "d": doc,
        "property": prop,
        "payer_name": payer_name,
        # masked on every printed document the customer gets (R-06, LGPD)
        "payer_document": display_masked_document(payer_doc),
        "items": list(doc.items.order_by("position", "id")),
        "bills": list(doc.lines.select_related("bill").order_by("bill__reference", "bill_id")),
        "barcode_svg": render_svg(doc.barcode) if doc.barcode else "",
        "line": format_typeable_line(doc.typeable_line) if doc.typeable_line else "",
    }


def render_document_html(doc: PaymentDocument) -> str:
    return render_to_string("collection/pdf/document.html", document_context(doc))


def document_pdf(doc: PaymentDocument) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_document_html(doc), url_fetcher=_no_fetch).write_pdf())
