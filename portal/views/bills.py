"""The agency's money pages (issue 7): second copy of bills with PDF, typeable line and e-mail
(VA-11, VA-15), the debt statement (VA-12, VA-14), online payment through Pagar.me (PIX, boleto;
VA-11; card goes to the operator screen of views/card.py, VA-13), payment history (VA-22) and
consumption history (VA-21). Bills em revisão (a card checkout pending) are refused here if posted.

Every bill, document and charge goes through `access_bills` (the citizen's scope first)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from modules.billing.pdf import bill_pdf
from modules.collection.card_checkout import checkout_refresh_if_due
from modules.collection.gateway import gateway_charge_create
from modules.collection.models import GatewayCharge
from modules.common.clock import tenant_today
from modules.common.errors import DomainError
from modules.debt.pdf import statement_pdf
from modules.debt.selectors import statement_valid_until
from modules.debt.services import statement_create

from .. import bills as reads
from ..access_bills import access_bill_copy, access_charge_by_id, access_document_by_id
from ..auth import CitizenActor
from ..mail import bill_outgoing, send_document
from ..selectors import current_holder
from .base import (
    citizen_required,
    granted_property,
    is_totem,
    page_url,
    pdf_response,
    render_page,
    request_grant,
)

METHODS = [
    ("pix", "PIX (QR Code ou copia e cola)"),
    ("boleto", "Boleto bancário"),
    ("card", "Cartão de crédito (no ambiente seguro de uma empresa credenciada)"),
]


def _methods(request: HttpRequest) -> list[tuple[str, str]]:
    """A kiosk offers no card: typing a card into a public screen, on a third party's page that its
    idle sign-out cannot reach, is not a safe place to pay by card (PIX on screen, boleto printed)."""
    return [m for m in METHODS if not (m[0] == "card" and is_totem(request))]


# --- VA-11 second copy -----------------------------------------------------------------------------


@require_GET
@citizen_required
def bills_list(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    today = tenant_today()
    rows = reads.bill_rows(prop, today)
    open_total = sum((r.bill.total for r in rows if r.payable), Decimal("0.00"))
    holder = current_holder(prop)
    return render_page(
        request,
        "portal/bills/list.html",
        {
            "prop": prop,
            "rows": rows,
            "open_total": open_total,
            "today": today,
            "has_email": bool(holder and holder.customer.email),
        },
    )


@require_GET
@citizen_required
def bill_pdf_view(request: HttpRequest, property_id: int, bill_id: int) -> HttpResponse:
    bill = access_bill_copy(request_grant(request), property_id, bill_id)
    return pdf_response(bill_pdf(bill), f"conta-{bill.reference:%Y-%m}.pdf")


@require_GET
@citizen_required
def bill_line(request: HttpRequest, property_id: int, bill_id: int) -> HttpResponse:
    bill = access_bill_copy(request_grant(request), property_id, bill_id)
    if request.GET.get("formato") == "texto":  # only the 48 digits
        return HttpResponse(bill.typeable_line, content_type="text/plain; charset=utf-8")
    return render_page(request, "portal/bills/line.html", {"prop": bill.property, "bill": bill})


@require_POST
@citizen_required
def bill_email(request: HttpRequest, property_id: int, bill_id: int) -> HttpResponse:
    bill = access_bill_copy(request_grant(request), property_id, bill_id)
    try:
        sent_to = send_document(bill.property, bill_outgoing(bill))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Enviamos a conta de {bill.reference:%m/%Y} para {sent_to}.")
    return redirect(page_url(request, "bills_list", property_id))


# --- VA-12 / VA-14 debt statement ----------------------------------------------------------------


def _selected(request: HttpRequest) -> set[int]:
    return {int(b) for b in request.POST.getlist("bills") if b.isdigit()}


def in_review_error(rows: list[reads.StatementRow], wanted: set[int] | list[int]) -> str:
    """The refusal, naming the months, when a posted bill is em revisão (a card checkout pending) or em
    conferência (its payment arrived and waits in the utility's review)."""
    chosen = [r for r in rows if r.state == "review" and r.bill_id in wanted]
    card = [f"{r.reference:%m/%Y}" for r in chosen if r.label == reads.REVIEW_LABEL]
    received = [f"{r.reference:%m/%Y}" for r in chosen if r.label == reads.PAYMENT_REVIEW_LABEL]
    if card:
        return (
            f"A(s) conta(s) {', '.join(card)} está(ão) em revisão: há um pagamento com cartão em andamento. "
            "Aguarde a confirmação da empresa de cartão ou o fim do prazo do pagamento."
        )
    if received:
        return (
            f"A(s) conta(s) {', '.join(received)} está(ão) em conferência: recebemos um pagamento dela(s) "
            "que a empresa ainda está analisando. Não pague de novo; se precisar, fale com o atendimento."
        )
    return ""


def chosen_rows(prop: Any, today: dt.date, posted: list[str]) -> tuple[list[reads.StatementRow], str]:
    """The posted bills that can be paid now (open, of this property — the scope —, priced to today),
    or the refusal: one em revisão, or none chosen."""
    wanted = _ids(posted)
    every = reads.statement_rows(prop, today)
    error = in_review_error(every, wanted)
    if error:
        return [], error
    rows = [r for r in every if r.selectable and r.bill_id in wanted]
    return rows, "" if rows else "Escolha ao menos uma conta em aberto."


def card_url(request: HttpRequest, property_id: int, bill_ids: list[int] | set[int]) -> str:
    return page_url(request, "card_pay", property_id) + "?" + "&".join(f"bills={b}" for b in sorted(bill_ids))


@require_http_methods(["GET", "POST"])
@citizen_required
def statement(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    today = tenant_today()
    valid_until = statement_valid_until(today)  # the utility's NÃO RECEBER APÓS (VA-14)
    rows = reads.statement_rows(prop, valid_until)
    selectable = {r.bill_id for r in rows if r.selectable}
    selected = _selected(request) & selectable if request.method == "POST" else set(selectable)
    error = ""
    if request.method == "POST" and request.POST.get("action") in ("emitir", "pagar", "cartao"):
        error = in_review_error(rows, _selected(request)) or (
            "" if selected else "Marque ao menos uma conta."
        )
        offers_payment = request.agency.offers("pay_online")  # type: ignore[attr-defined]
        if not error and request.POST["action"] != "emitir" and not offers_payment:  # VA-08
            error = "O pagamento online não está disponível nesta agência. Use “Imprimir para pagar”."
        if error:
            pass
        elif request.POST["action"] == "cartao":
            return redirect(card_url(request, property_id, selected))
        elif request.POST["action"] == "pagar":
            query = "&".join(f"bills={b}" for b in sorted(selected))
            return redirect(page_url(request, "pay", property_id) + "?" + query)
        else:
            try:
                doc = statement_create(
                    actor=CitizenActor(request_grant(request)),
                    property_id=prop.pk,
                    as_of=today,
                    valid_until=valid_until,
                    bill_ids=sorted(selected),
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect(page_url(request, "statement_pdf", property_id, doc.pk))
    total_all = sum((r.total for r in rows if r.selectable), Decimal("0.00"))
    total_selected = sum((r.total for r in rows if r.bill_id in selected), Decimal("0.00"))
    return render_page(
        request,
        "portal/bills/statement.html",
        {
            "prop": prop,
            "rows": rows,
            "selected": selected,
            "total_all": total_all,
            "total_selected": total_selected,
            "valid_until": valid_until,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_GET
@citizen_required
def statement_pdf_view(request: HttpRequest, property_id: int, document_id: int) -> HttpResponse:
    doc = access_document_by_id(request_grant(request), property_id, document_id)
    return pdf_response(statement_pdf(doc), f"extrato-{doc.pk}.pdf")


# --- VA-11 / VA-13 online payment --------------------------------------------------------------------


def _ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit()})


@require_http_methods(["GET", "POST"])
@citizen_required
def pay(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    today = tenant_today()
    source = request.POST if request.method == "POST" else request.GET
    rows, error = chosen_rows(prop, today, source.getlist("bills"))
    if error:
        pass
    elif request.method == "POST" and request.POST.get("method") not in dict(_methods(request)):
        # a pasted card token is the mobile app's path (citizen API), not the web page's
        error = "Escolha a forma de pagamento: PIX, boleto ou cartão de crédito."
    elif request.method == "POST" and request.POST.get("method") == "card":
        # the card screen (VA-13): choose an accredited operator, then its hosted checkout
        return redirect(card_url(request, property_id, [r.bill_id for r in rows]))
    elif request.method == "POST":
        try:
            charge = gateway_charge_create(
                actor=CitizenActor(request_grant(request)),
                property_id=prop.pk,
                bill_ids=[r.bill_id for r in rows],
                method=request.POST.get("method", ""),
                today=today,
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(page_url(request, "charge_detail", property_id, charge.pk))
    return render_page(
        request,
        "portal/bills/pay.html",
        {
            "prop": prop,
            "rows": rows,
            "total": sum((r.total for r in rows), Decimal("0.00")),
            "methods": _methods(request),
            "method": source.get("method", "pix"),
            "error": error,
        },
        status=400 if error and request.method == "POST" else 200,
    )


def _charge_context(charge: GatewayCharge) -> dict[str, Any]:
    qr = segno.make(charge.qr_code, error="m").svg_data_uri(scale=4, border=2) if charge.qr_code else ""
    return {
        "charge": charge,
        "label": reads.charge_label(charge),
        "paid": reads.charge_paid(charge),
        "ended": reads.charge_ended(charge),
        "amount": Decimal(charge.amount_cents).scaleb(-2).quantize(Decimal("0.01")),
        "qr_svg": qr,
    }


@require_GET
@citizen_required
def charge_detail(request: HttpRequest, property_id: int, charge_id: int) -> HttpResponse:
    charge = checkout_refresh_if_due(
        access_charge_by_id(request_grant(request), property_id, charge_id),
        actor=CitizenActor(request_grant(request)),
    )
    prop = granted_property(request, property_id)
    return render_page(request, "portal/bills/charge.html", {"prop": prop, **_charge_context(charge)})


@require_GET
@citizen_required
def charge_status(request: HttpRequest, property_id: int, charge_id: int) -> HttpResponse:
    charge = checkout_refresh_if_due(
        access_charge_by_id(request_grant(request), property_id, charge_id),
        actor=CitizenActor(request_grant(request)),
    )
    return JsonResponse(
        {"status": charge.status, "label": reads.charge_label(charge), "paid": reads.charge_paid(charge)}
        | ({"ended": True} if reads.charge_ended(charge) else {})
    )


# --- VA-22 payments, VA-21 consumption -----------------------------------------------------------


@require_GET
@citizen_required
def payments(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    return render_page(
        request, "portal/bills/payments.html", {"prop": prop, "payments": reads.payments_of(prop)}
    )


@require_GET
@citizen_required
def consumption(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    months = int(request.GET.get("meses", "12")) if request.GET.get("meses", "12").isdigit() else 12
    months = months if months in reads.CHART_MONTHS else 12
    chart = reads.consumption_chart(prop, tenant_today(), months)
    return render_page(
        request,
        "portal/bills/consumption.html",
        {
            "prop": prop,
            "chart": chart,
            "choices": reads.CHART_MONTHS,
            "rows": reads.consumption_rows(prop, tenant_today(), months),
        },
    )
