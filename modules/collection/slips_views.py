"""Staff pages of the guia avulsa (issue with its lines, the document page with its PDF) and of a
credit (its ledger, refund, offset) — ADR 0228."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from modules.access.views import function_required
from modules.common.errors import DomainError, NotFound
from modules.registry.models import Property

from . import credits as credit_service
from . import slips
from .slips_pdf import document_pdf

MAX_LINES = 8


def _decimal(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.strip().replace(".", "").replace(",", ".")) if "," in raw else Decimal(raw.strip())
    except InvalidOperation:
        return None


@function_required("collection.payments", "add")
def slip_create_view(request: HttpRequest) -> HttpResponse:
    """A form of up to MAX_LINES lines (description, value), the property's matrícula and the
    validity; the guia is issued and its page shown."""
    values = request.POST if request.method == "POST" else {}
    error = ""
    if request.method == "POST":
        account = (values.get("account_number") or "").strip()
        prop = Property.objects.filter(account_number=account).first()
        lines = []
        for n in range(1, MAX_LINES + 1):
            desc = (values.get(f"description_{n}") or "").strip()
            raw = (values.get(f"amount_{n}") or "").strip()
            if not desc and not raw:
                continue
            amount = _decimal(raw)
            if amount is None:
                error = f"Item {n}: valor inválido."
                break
            lines.append(slips.SlipLine(desc, amount))
        if not error and prop is None:
            error = f"Matrícula {account or '(vazia)'} não encontrada."
        if not error and prop is not None:
            try:
                valid_until = dt.date.fromisoformat(values.get("valid_until") or "")
                doc = slips.slip_create(
                    actor=request.user, property_id=prop.pk, valid_until=valid_until, lines=lines
                )
            except ValueError:
                error = "Informe a validade da guia."
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, f"Guia avulsa nº {doc.pk} emitida.")
                return redirect("collection:document", doc.pk)
    return render(
        request,
        "collection/slip_form.html",
        {"values": values, "error": error, "rows": range(1, MAX_LINES + 1)},
    )


@function_required("collection.payments")
def document_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        doc = slips.document_get(pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "collection/document.html",
        {"d": doc, "items": doc.items.order_by("position", "id"), "bills": doc.lines.select_related("bill")},
    )


@function_required("collection.payments")
def document_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    doc = slips.document_get(pk)
    response = HttpResponse(document_pdf(doc), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="documento-{doc.pk}.pdf"'
    return response


@function_required("collection.payments")
def credit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The credit's ledger; POST op=refund|offset (amount, reason, bills) when the profile may."""
    credit = credit_service.credit_get(pk)
    if request.method == "POST":
        if not request.user.can("collection.payments", "add"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite usar o crédito.")
            return redirect("collection:credit", pk)
        p = request.POST
        amount = _decimal(p.get("amount") or "")
        try:
            if amount is None:
                messages.error(request, "Informe o valor (amount).")
            elif p.get("op") == "offset":
                bills = [int(b) for b in p.getlist("bills") if b.isdigit()]
                credit_service.credit_offset(
                    actor=request.user,
                    credit_id=pk,
                    bill_ids=bills,
                    amount=amount,
                    reason=p.get("reason", ""),
                )
                messages.success(request, "Crédito compensado nas faturas escolhidas.")
            else:
                credit_service.credit_refund(
                    actor=request.user, credit_id=pk, amount=amount, reason=p.get("reason", "")
                )
                messages.success(request, "Devolução registrada.")
        except DomainError as exc:
            messages.error(request, f"{exc.message} (campo: {exc.field})" if exc.field else exc.message)
        return redirect("collection:credit", pk)
    ledger = credit_service.credit_ledger(credit)
    return render(
        request,
        "collection/credit.html",
        {
            "c": credit,
            "ledger": ledger,
            "balance": ledger[-1].balance,
            "open_bills": credit_service.open_bills_of(credit.property_id),
        },
    )
