"""Dívida ativa documents as PDF (WeasyPrint), with the tenant's brand: the notification (and the
extrajudicial one), the certidão de dívida ativa and the confession term. The notification and the
CDA print their stored statement, never a recomputation; the term prints its payment document."""

from __future__ import annotations

import segno

from modules.billing.domain.febraban import format_typeable_line
from modules.billing.domain.interleaved25 import render_svg
from modules.collection.models import PaymentDocument
from modules.common.domain.documents import format_document

from .models_active_debt import ActiveDebtCertificate, ActiveDebtEntry, ActiveDebtNotice, EntryStatus
from .pdf import certificate_verify_urls, render_document


def notice_pdf(notice: ActiveDebtNotice) -> bytes:
    s = notice.statement
    return render_document(
        "debt/pdf/active_debt_notice.html",
        {"n": notice, "s": s, "document": format_document(s.get("holder_document", ""))},
    )


def cda_pdf(cda: ActiveDebtCertificate) -> bytes:
    page, url = certificate_verify_urls(cda.certificate)
    qr = segno.make(url, error="m").svg_inline(scale=3, border=0) if url else ""
    s = cda.statement
    return render_document(
        "debt/pdf/active_debt_cda.html",
        {
            "cda": cda,
            "s": s,
            "document": format_document(s.get("holder_document", "")),
            "utility_cnpj": format_document(s.get("utility_cnpj", "")),
            "received_on": cda.notice.received_on,
            "verify_page": page,
            "qr_svg": qr,
        },
    )


def confession_pdf(document: PaymentDocument) -> bytes:
    from .selectors import property_get

    prop = property_get(int(document.property_id or 0))
    relation = prop.relations.filter(end__isnull=True).select_related("customer").order_by("role").first()
    holder = relation.customer if relation else None
    lines = list(document.lines.select_related("bill").order_by("bill__due_date", "bill_id"))
    where = {
        e.bill_id: f"{e.book.number} / {e.page} / {e.line}"
        for e in ActiveDebtEntry.objects.filter(
            bill_id__in=[line.bill_id for line in lines], status=EntryStatus.LIVE
        ).select_related("book")
    }
    return render_document(
        "debt/pdf/active_debt_confession.html",
        {
            "d": document,
            "p": prop,
            "holder": holder,
            "document": format_document(holder.cpf_cnpj or "") if holder else "",
            "lines": [(line, where.get(line.bill_id, "—")) for line in lines],
            "barcode_svg": render_svg(document.barcode),
            "line": format_typeable_line(document.typeable_line),
        },
    )
