"""Debt documents as PDF (WeasyPrint), branded with the tenant: certificates, the debt statement (and
the down-payment guia, which is the same payable document with no bills) and the installment term.
Same rows in, same text out (the certificate prints its stored statement; the term prints the
agreement's stored rows, never a recomputation). The words come from the utility's document
templates (documents.py): the version in force on the document's date among those saved before the
document was made, so editing a text never rewrites a document already issued. `preview_pdf` renders
the same pages with invented data and a text being edited."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from modules.billing.domain.febraban import format_typeable_line
from modules.billing.domain.interleaved25 import render_svg
from modules.collection.models import PaymentDocument
from modules.common.clock import current_tenant
from modules.common.document_templates import Text, render
from modules.common.domain.documents import format_document, mask_document
from modules.common.errors import ValidationFailed
from modules.common.http import public_url

from . import documents
from .errors import ErrorCode
from .models import Agreement, Certificate
from .selectors import document_validities

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


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: the documents carry their images inline (logo, QR code, barcode);
    anything else (a link in a template, a local file) is refused rather than fetched or embedded."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return dict(default_url_fetcher(url, *args, **kwargs))
    raise ValueError(f"fetch refused: {url[:80]}")


def _render(template: str, context: dict[str, Any], brand: dict[str, Any] | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"brand": brand or _brand(), **context})
    return bytes(HTML(string=html, url_fetcher=_no_fetch).write_pdf())


def certificate_verify_urls(certificate: Certificate) -> tuple[str, str]:
    """(the public check page, the same with this certificate's code: what its QR code opens)."""
    host = _brand()["host"]
    if not host:
        return "", ""
    page = public_url(host, "/certidoes/verificar/")
    return page, f"{page}?codigo={certificate.code}"


def certificate_text(certificate: Certificate, brand: dict[str, Any]) -> Text:
    s = certificate.statement
    kind = (
        documents.CERTIFICATE_POSITIVE
        if certificate.kind == Certificate.Kind.POSITIVE_WITH_NEGATIVE_EFFECT
        else documents.CERTIFICATE_NEGATIVE
    )
    context = {
        "concessionaria": documents.utility_context(brand),
        "cliente": {"nome": s.get("holder", "")},
        "imovel": {
            "matricula": s.get("account_number", ""),
            "inscricao": s.get("inscription", ""),
            "endereco": s.get("address", ""),
        },
        "certidao": {
            "codigo": certificate.code,
            "emitida_em": documents.day(certificate.issued_on),
            "valida_ate": documents.day(certificate.valid_until),
            "parcelamentos": ", ".join(s.get("agreements", [])),
        },
    }
    return documents.text_for(kind, certificate.issued_on, context, certificate.created_at)


def certificate_pdf(certificate: Certificate, text: Text | None = None) -> bytes:
    """The annual declaration's words are the law's (Lei 12.007/2009) and stay in the page; the
    certificates' come from the templates."""
    if certificate.kind == Certificate.Kind.ACTIVE_DEBT:
        from .active_debt_pdf import cda_pdf  # the CDA's page is its own (ADR 0198)

        return cda_pdf(certificate.cda)
    brand = _brand()
    page, url = certificate_verify_urls(certificate)
    qr = segno.make(url, error="m").svg_inline(scale=3, border=0) if url else ""
    if text is None and certificate.kind != Certificate.Kind.ANNUAL_DECLARATION:
        text = certificate_text(certificate, brand)
    context = {"c": certificate, "s": certificate.statement, "verify_page": page, "verify_url": url}
    return _render("debt/pdf/certificate.html", {**context, "qr_svg": qr, "text": text}, brand)


def _holder(prop: Any) -> Any:
    relation = prop.relations.filter(end__isnull=True).select_related("customer").order_by("role").first()
    return relation.customer if relation else None


def _parties(brand: dict[str, Any], prop: Any, holder: Any) -> dict[str, Any]:
    complement = f" – {prop.complement}" if prop.complement else ""
    return {
        "concessionaria": documents.utility_context(brand),
        "cliente": {
            "nome": holder.name if holder else "",
            # masked on every printed document the citizen gets (R-06, LGPD)
            "documento": mask_document(holder.cpf_cnpj) if holder and holder.cpf_cnpj else "",
        },
        "imovel": {
            "matricula": prop.account_number,
            "inscricao": prop.inscription,
            "endereco": f"{prop.street}, {prop.number}{complement} · {prop.neighbourhood}",
        },
    }


def _agreement_context(agreement: Any) -> dict[str, Any]:
    return {
        "numero": agreement.number,
        "data": documents.day(agreement.as_of),
        "total": documents.money(agreement.total),
        "entrada": documents.money(agreement.down_payment),
        "tem_entrada": bool(agreement.down_payment),
        "parcelas": agreement.count,
        "valor_parcela": documents.money(agreement.installment_value),
    }


def _identification(prop: Any) -> dict[str, Any]:
    """The extrato's identification block (VA-14): route, inscrição, water and sewer situations and
    the economias per category, as the DESO sample prints them. The text preview's sample property
    is not a row: it gets the sample's own values."""
    if not hasattr(prop, "connections"):
        return {
            "route": "12",
            "water": "Ligado",
            "sewer": "Ligado",
            "economies": [("RES", "Residencial", 1)],
            "economies_total": 1,
        }
    connections = {c.kind: c for c in prop.connections.all()}
    water, sewer = connections.get("water"), connections.get("sewer")
    return {
        "route": f"{prop.route.code}" if prop.route_id else "—",
        "water": water.get_situation_display() if water else "—",
        "sewer": sewer.get_situation_display() if sewer else "—",
        "economies": [(c.category.code, c.category.name, c.economies) for c in prop.categories.all()],
        "economies_total": sum(c.economies for c in prop.categories.all()),
    }


def _statement_render(
    brand: dict[str, Any],
    document: Any,
    holder: Any,
    agreement: Any,
    lines: list[Any],
    text: Text | None,
) -> bytes:
    if text is None:
        context = _parties(brand, document.property, holder)
        if agreement is not None:
            kind = documents.DOWN_PAYMENT_GUIDE
            context["parcelamento"] = _agreement_context(agreement)
            context["guia"] = {"numero": document.pk, "pagavel_ate": documents.day(document.valid_until)}
        else:
            kind = documents.STATEMENT
            context["extrato"] = {
                "numero": document.pk,
                "emitido_em": documents.day(document.as_of),
                "pagavel_ate": documents.day(document.valid_until),
                "faturas": len(lines),
            }
            context["valor_total"] = documents.money(document.amount)
        text = documents.text_for(kind, document.as_of, context, document.created_at)
    sums = {
        k: sum((getattr(line, k) for line in lines), Decimal("0.00"))
        for k in ("original", "fine", "interest", "correction")
    }
    updates = sums["fine"] + sums["interest"] + sums["correction"]
    return _render(
        "debt/pdf/statement.html",
        {
            "d": document,
            "p": document.property,
            "holder": holder,
            "holder_document": mask_document(holder.cpf_cnpj) if holder and holder.cpf_cnpj else "",
            "ident": _identification(document.property),
            "agreement": agreement,
            "lines": lines,
            "sums": sums,
            # VA-14 summary: VALOR A PAGAR = DÉBITO ORIGINAL + SERVIÇOS/ATUALIZAÇÃO − DESCONTO/CRÉDITOS
            "summary": {
                "original": sums["original"],
                "updates": updates,
                "discount": max(Decimal("0.00"), sums["original"] + updates - document.amount),
                "to_pay": document.amount,
            },
            "barcode_svg": render_svg(document.barcode),
            "line": format_typeable_line(document.typeable_line),
            "text": text,
        },
        brand,
    )


def statement_pdf(document: PaymentDocument) -> bytes:
    agreement = (
        Agreement.objects.filter(pk=int(document.source_id)).first()
        if document.source == "debt.agreement" and document.source_id.isdigit()
        else None
    )
    lines = list(document.lines.select_related("bill").order_by("bill__due_date", "bill_id"))
    return _statement_render(_brand(), document, _holder(document.property), agreement, lines, None)


def _term_render(
    brand: dict[str, Any],
    agreement: Any,
    holder: Any,
    bills: list[tuple[Any, Decimal]],
    installments: Any,
    text: Text | None,
) -> bytes:
    prop = agreement.property
    doc = agreement.down_payment_document
    policy = agreement.policy
    monthly_percent = percent_text(agreement.monthly_rate)
    if text is None:
        context = _parties(brand, prop, holder)
        context["parcelamento"] = _agreement_context(agreement)
        context["politica"] = {
            "resolucao": policy.resolution,
            "cancelar_apos": policy.cancel_after_unpaid,
            "juros_mensal": monthly_percent,
        }
        text = documents.text_for(documents.AGREEMENT_TERM, agreement.as_of, context, agreement.created_at)
    return _render(
        "debt/pdf/term.html",
        {
            "a": agreement,
            "p": prop,
            "holder": holder,
            "holder_document": mask_document(holder.cpf_cnpj) if holder and holder.cpf_cnpj else "",
            "policy": policy,
            "bills": bills,
            "installments": installments,
            "down_payment_doc": doc,
            "down_payment_line": format_typeable_line(doc.typeable_line) if doc else "",
            "monthly_percent": monthly_percent,
            "financed": agreement.total - agreement.down_payment,
            "text": text,
        },
        brand,
    )


def agreement_term_pdf(agreement: Agreement) -> bytes:
    """Termo de confissão de dívida e parcelamento: the parties, the negotiated bills with their
    charges, the conditions, the schedule and the clauses (the utility's text)."""
    bills = [
        (b, b.original + b.fine + b.interest + b.correction)
        for b in agreement.bills.select_related("bill").order_by("bill__due_date", "bill_id")
    ]
    return _term_render(
        _brand(),
        agreement,
        _holder(agreement.property),
        bills,
        agreement.installments.order_by("number"),
        None,
    )


# The preview: the real page templates with invented rows (no customer's data), the text being edited.
_SAMPLE_BARCODE = "8267" + "0" * 7 + "11830" + "0" * 32
_SAMPLE_LINE = "82670000001" + "1" + "18300000000" + "0" + "0" * 11 + "0" + "0" * 11 + "0"


def preview_pdf(kind: str, title: str, body_html: str, today: dt.date) -> bytes:
    """The document of `kind` as it would print with this text (already checked by the caller)."""
    if kind not in documents.KINDS:
        raise ValidationFailed(f"Documento desconhecido: {kind}.", field="kind", code=ErrorCode.INVALID)
    brand = _brand()
    validity = document_validities(today)
    context = documents.sample_context(kind, brand, today, validity)
    text = Text(title, mark_safe(render(body_html, context)), None)  # noqa: S308 - checked, autoescaped
    n = SimpleNamespace
    prop = n(
        account_number="1234567",
        inscription="001.002.0030.0003.000-74",
        street="Rua das Flores",
        number="123",
        complement="",
        neighbourhood="Centro",
    )
    holder = n(name="Maria da Conceição Souza", cpf_cnpj="12345678909", document_display="123.456.789-09")
    if kind in (documents.CERTIFICATE_NEGATIVE, documents.CERTIFICATE_POSITIVE):
        positive = kind == documents.CERTIFICATE_POSITIVE
        certificate = Certificate(
            code="ABCD-EFGH-JKLM-NPQR-STUV",
            kind=Certificate.Kind.POSITIVE_WITH_NEGATIVE_EFFECT if positive else Certificate.Kind.NEGATIVE,
            issued_on=today,
            valid_until=validity.certificate,
            statement={
                "kind": title,
                "account_number": prop.account_number,
                "inscription": prop.inscription,
                "address": "Rua das Flores, 123 · Centro",
                "holder": holder.name,
                "agreements": [context["parcelamento"]["numero"]] if positive else [],
            },
        )
        return certificate_pdf(certificate, text)
    policy = n(
        resolution="Resolução nº 1/2025", effective_from=dt.date(today.year, 1, 1), cancel_after_unpaid=3
    )
    bills = [
        n(
            bill=n(reference=dt.date(today.year, 1, 1), due_date=dt.date(today.year, 2, 10)),
            original=Decimal("57.30"),
            fine=Decimal("1.15"),
            interest=Decimal("2.10"),
            correction=Decimal("0.35"),
            total=Decimal("60.90"),
        ),
        n(
            bill=n(reference=dt.date(today.year, 2, 1), due_date=dt.date(today.year, 3, 10)),
            original=Decimal("55.00"),
            fine=Decimal("1.10"),
            interest=Decimal("1.05"),
            correction=Decimal("0.25"),
            total=Decimal("57.40"),
        ),
    ]
    guide = n(
        pk=124,
        as_of=today,
        valid_until=validity.guide,
        amount=Decimal("41.53"),
        barcode=_SAMPLE_BARCODE,
        typeable_line=_SAMPLE_LINE,
        property=prop,
        get_kind_display="Guia de entrada",
    )
    agreement = n(
        number=context["parcelamento"]["numero"],
        as_of=today,
        bills_total=Decimal("112.30"),
        fines=Decimal("2.25"),
        interest=Decimal("3.75"),
        previous_agreements=Decimal("0"),
        replaces=None,
        discount=Decimal("0"),
        total=Decimal("118.30"),
        down_payment=Decimal("41.53"),
        count=6,
        installment_value=Decimal("13.36"),
        monthly_rate=Decimal("0.0163"),
        created_by="atendente",
        created_at=None,
        property=prop,
        policy=policy,
        down_payment_document=guide,
    )
    if kind == documents.AGREEMENT_TERM:
        installments = [
            n(
                number=i,
                amount=Decimal("13.36"),
                interest=Decimal("1.25"),
                amortization=Decimal("12.11"),
                balance=Decimal("76.77") - Decimal("12.11") * (i - 1),
            )
            for i in range(1, 7)
        ]
        return _term_render(brand, agreement, holder, [(b, b.total) for b in bills], installments, text)
    if kind == documents.DOWN_PAYMENT_GUIDE:
        return _statement_render(brand, guide, holder, agreement, [], text)
    statement = n(
        pk=123,
        as_of=today,
        valid_until=validity.statement,
        amount=Decimal("118.30"),
        barcode=_SAMPLE_BARCODE,
        typeable_line=_SAMPLE_LINE,
        property=prop,
        get_kind_display="Extrato de débitos",
    )
    return _statement_render(brand, statement, holder, None, bills, text)


def render_document(template: str, context: dict[str, Any]) -> bytes:
    """A debt document of another file of this module (dívida ativa), with the tenant's brand."""
    return _render(template, context)


def brand() -> dict[str, Any]:
    return _brand()


def cut_notice_pdf(notice: Any) -> bytes:
    """Aviso de corte (3.2.9.7): the bills it lists, the day from which the supply may be cut (the
    policy's earliest legal day), the utility's message and, when the policy prints it, the stub
    with the FEBRABAN barcode of the notice's payable document that settles them all."""
    document = notice.document
    lines = (
        list(document.lines.select_related("bill").order_by("bill__due_date", "bill_id")) if document else []
    )
    from modules.billing.models import Bill

    bills = list(Bill.objects.filter(id__in=notice.bill_ids).order_by("due_date", "id"))
    return _render(
        "debt/pdf/cut_notice.html",
        {
            "n": notice,
            "p": notice.property,
            "holder": _holder(notice.property),
            "bills": bills,
            "d": document,
            "lines": lines,
            "barcode_svg": render_svg(document.barcode) if document else "",
            "line": format_typeable_line(document.typeable_line) if document else "",
        },
    )


def booklet_pdf(booklet: Any) -> bytes:
    """2ª via do carnê (VA-16, ADR 0213): the identification block of the extrato and one slip per
    installment not yet paid, each with the line and the barcode that pay it (`booklet.booklet_issue`)."""
    agreement = booklet.agreement
    prop = agreement.property
    holder = _holder(prop)
    slips = [
        {
            "s": slip,
            "line": format_typeable_line(slip.typeable_line) if slip.typeable_line else "",
            "barcode_svg": render_svg(slip.barcode) if slip.barcode else "",
        }
        for slip in booklet.slips
    ]
    return _render(
        "debt/pdf/booklet.html",
        {
            "b": booklet,
            "a": agreement,
            "p": prop,
            "holder": holder,
            "holder_document": mask_document(holder.cpf_cnpj) if holder and holder.cpf_cnpj else "",
            "ident": _identification(prop),
            "slips": slips,
        },
    )
