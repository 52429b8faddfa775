"""Documents of service beyond the property, as PDF (WeasyPrint), branded like debt's: a commercial
customer's standalone charge, a paying body's centralised invoice (simple: the total and the stub;
detailed: every member bill, summing to the total) and the sewer release letter. Same rows in,
same text out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from modules.billing.domain.febraban import format_typeable_line
from modules.billing.domain.interleaved25 import render_svg
from modules.collection.models import DocumentBill, PaymentDocument
from modules.common.clock import current_tenant
from modules.common.domain.documents import display_masked_document, format_document

from .models import CentralizedInvoice, PayingBodyMember, SewerReleaseLetter


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
    """The documents carry their images inline; any other URL is refused, never fetched."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return dict(default_url_fetcher(url, *args, **kwargs))
    raise ValueError(f"fetch refused: {url[:80]}")


def render_html(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, {"brand": _brand(), **context})


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_html(template, context), url_fetcher=_no_fetch).write_pdf())


def _stub(doc: PaymentDocument) -> dict[str, Any]:
    return {
        "d": doc,
        "barcode_svg": render_svg(doc.barcode) if doc.barcode else "",
        "line": format_typeable_line(doc.typeable_line) if doc.typeable_line else "",
    }


def standalone_context(doc: PaymentDocument) -> dict[str, Any]:
    from .models import ExecutedService, ServiceOrder

    order = ServiceOrder.objects.filter(pk=int(doc.source_id)).first() if doc.source_id.isdigit() else None
    services = list(ExecutedService.objects.filter(order=order).select_related("code")) if order else []
    customer = doc.customer
    return {
        **_stub(doc),
        "customer": customer,
        # masked on every printed document the customer gets (R-06, LGPD)
        "customer_document": display_masked_document(customer.cpf_cnpj if customer else ""),
        "order": order,
        "services": services,
    }


def standalone_pdf(doc: PaymentDocument) -> bytes:
    return _pdf("service/units/pdf/standalone.html", standalone_context(doc))


def centralized_context(invoice: CentralizedInvoice, *, detailed: bool) -> dict[str, Any]:
    lines = list(
        DocumentBill.objects.filter(document=invoice.document)
        .select_related("bill__property__street")
        .order_by("bill__property__account_number", "id")
    )
    return {
        **_stub(invoice.document),
        "i": invoice,
        "body": invoice.body,
        "detailed": detailed,
        "lines": lines if detailed else [],
        "count": len(lines),
        "lines_total": sum((line.total for line in lines), Decimal("0.00")),
        "members": PayingBodyMember.objects.filter(body=invoice.body, end__isnull=True).count(),
        "retention_lines": retention_lines(invoice),
    }


def retention_lines(invoice: CentralizedInvoice) -> list[dict[str, Any]]:
    """The invoice's withheld taxes as printed (rate, base, value), from what was stored at issue."""
    rows = (
        ("Retenção de tributos federais", invoice.federal_rate, invoice.federal_retention),
        ("Retenção de tributo municipal", invoice.municipal_rate, invoice.municipal_retention),
    )
    return [
        {"description": name, "percent": rate or Decimal(0), "base": invoice.retention_base, "amount": amount}
        for name, rate, amount in rows
        if amount
    ]


def centralized_pdf(invoice: CentralizedInvoice, *, detailed: bool) -> bytes:
    return _pdf("service/units/pdf/centralized.html", centralized_context(invoice, detailed=detailed))


def sewer_letter_pdf(letter: SewerReleaseLetter) -> bytes:
    return _pdf("service/units/pdf/sewer_letter.html", {"l": letter, "p": letter.property})
