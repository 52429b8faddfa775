"""Debt documents as PDF (WeasyPrint), branded with the tenant: certificates and the debt statement.
Same rows in, same text out (the certificate prints its stored statement)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection
from django.template.loader import render_to_string

from modules.billing.domain.febraban import format_typeable_line
from modules.billing.domain.interleaved25 import render_svg
from modules.collection.models import PaymentDocument

from .models import Certificate

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _brand() -> dict[str, Any]:
    tenant = getattr(connection, "tenant", None)
    return {
        "name": getattr(tenant, "name", ""),
        "legal_name": getattr(tenant, "legal_name", "") or getattr(tenant, "name", ""),
        "cnpj": getattr(tenant, "cnpj", ""),
        "address": getattr(tenant, "address", ""),
        "phone": getattr(tenant, "phone", ""),
        "logo_svg": getattr(tenant, "logo_svg", ""),
        "colour": getattr(tenant, "primary_color", "#1351B4"),
        "host": (tenant.get_primary_domain().domain if tenant and tenant.get_primary_domain() else ""),
    }


def _render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_to_string(template, {"brand": _brand(), **context})).write_pdf())


def certificate_pdf(certificate: Certificate) -> bytes:
    return _render("debt/pdf/certificate.html", {"c": certificate, "s": certificate.statement})


def statement_pdf(document: PaymentDocument) -> bytes:
    return _render(
        "debt/pdf/statement.html",
        {
            "d": document,
            "lines": document.lines.select_related("bill").order_by("bill__due_date"),
            "barcode_svg": render_svg(document.barcode),
            "line": format_typeable_line(document.typeable_line),
        },
    )
