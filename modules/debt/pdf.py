"""Debt documents as PDF (WeasyPrint), branded with the tenant: certificates, the debt statement (and
the down-payment guia, which is the same payable document with no bills) and the installment term.
Same rows in, same text out (the certificate prints its stored statement; the term prints the
agreement's stored rows, never a recomputation)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import segno
from django.template.loader import render_to_string

from modules.billing.domain.febraban import format_typeable_line
from modules.billing.domain.interleaved25 import render_svg
from modules.collection.models import PaymentDocument
from modules.common.clock import current_tenant
from modules.common.domain.documents import format_document
from modules.common.http import public_url

from .models import Agreement, Certificate

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
        "host": tenant.primary_domain if tenant else "",
        "city": getattr(tenant, "city", ""),
        "state": getattr(tenant, "state", ""),
    }


def percent_text(rate: Decimal) -> str:
    """0.0163 → "1,63" (the rate at full precision, pt-BR decimal comma, no trailing zeros)."""
    return f"{(rate * 100).normalize():f}".replace(".", ",")


def _render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_to_string(template, {"brand": _brand(), **context})).write_pdf())


def certificate_verify_urls(certificate: Certificate) -> tuple[str, str]:
    """(the public check page, the same with this certificate's code: what its QR code opens)."""
    host = _brand()["host"]
    if not host:
        return "", ""
    page = public_url(host, "/certidoes/verificar/")
    return page, f"{page}?codigo={certificate.code}"


def certificate_pdf(certificate: Certificate) -> bytes:
    page, url = certificate_verify_urls(certificate)
    qr = segno.make(url, error="m").svg_inline(scale=3, border=0) if url else ""
    context = {"c": certificate, "s": certificate.statement, "verify_page": page, "verify_url": url}
    return _render("debt/pdf/certificate.html", {**context, "qr_svg": qr})


def _holder(prop: Any) -> Any:
    relation = prop.relations.filter(end__isnull=True).select_related("customer").order_by("role").first()
    return relation.customer if relation else None


def statement_pdf(document: PaymentDocument) -> bytes:
    agreement = (
        Agreement.objects.filter(pk=int(document.source_id)).first()
        if document.source == "debt.agreement" and document.source_id.isdigit()
        else None
    )
    lines = list(document.lines.select_related("bill").order_by("bill__due_date", "bill_id"))
    return _render(
        "debt/pdf/statement.html",
        {
            "d": document,
            "p": document.property,
            "holder": _holder(document.property),
            "agreement": agreement,
            "lines": lines,
            "sums": {
                k: sum((getattr(line, k) for line in lines), Decimal("0.00"))
                for k in ("original", "fine", "interest", "correction")
            },
            "barcode_svg": render_svg(document.barcode),
            "line": format_typeable_line(document.typeable_line),
        },
    )


def agreement_term_pdf(agreement: Agreement) -> bytes:
    """Termo de confissão de dívida e parcelamento: the parties, the negotiated bills with their
    charges, the conditions, the schedule and the clauses of the policy in force."""
    prop = agreement.property
    doc = agreement.down_payment_document
    return _render(
        "debt/pdf/term.html",
        {
            "a": agreement,
            "p": prop,
            "holder": _holder(prop),
            "policy": agreement.policy,
            "bills": [
                (b, b.original + b.fine + b.interest + b.correction)
                for b in agreement.bills.select_related("bill").order_by("bill__due_date", "bill_id")
            ],
            "installments": agreement.installments.order_by("number"),
            "down_payment_doc": doc,
            "down_payment_line": format_typeable_line(doc.typeable_line) if doc else "",
            "monthly_percent": percent_text(agreement.monthly_rate),
            "financed": agreement.total - agreement.down_payment,
        },
    )
