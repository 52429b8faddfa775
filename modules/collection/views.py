"""Staff pages of collection: payment search and detail (reversal), the review queue, return files
(upload and history, refusals with their line-numbered problems)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.errors import DomainError
from modules.common.models import AuditEntry

from . import selectors, services
from .domain.return_file import ReturnFileRejected
from .errors import ErrorCode
from .forms import PaymentFilterForm, ReasonForm, ReturnFileUploadForm
from .models import BoletoFile, Payment, ReturnFile


def _query(form: PaymentFilterForm) -> str:
    return urlencode({k: v for k, v in form.data.items() if k not in ("page", "page_size") and v})


@function_required("collection.payments")
def payments_view(request: HttpRequest) -> HttpResponse:
    form = PaymentFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.payment_list(
        q=data.get("q") or "",
        status=data.get("status") or "",
        paid_from=data.get("paid_from"),
        paid_to=data.get("paid_to"),
        agent_id=data["agent"].pk if data.get("agent") else None,
        return_file_id=data.get("return_file"),
    )
    page, size = page_of(request, qs)
    return_file = (
        ReturnFile.objects.filter(pk=data["return_file"]).first() if data.get("return_file") else None
    )
    return render(
        request,
        "collection/payments.html",
        {
            "form": form,
            "page": page,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "query": _query(form),
            "totals": selectors.payment_totals(qs),
            "return_file": return_file,
        },
    )


@function_required("collection.payments")
def payment_view(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(
        Payment.objects.select_related("agent", "property", "bill", "document", "return_file"), pk=pk
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("collection.payments", "change"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite estornar pagamentos.")
        elif form.is_valid():
            try:
                services.payment_reverse(
                    actor=request.user, payment_id=payment.pk, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                form.add_error("reason" if exc.field == "reason" else None, exc.message)
            else:
                messages.success(request, "Pagamento estornado; as faturas voltaram a ficar em aberto.")
                return redirect("collection:payment", payment.pk)
    return render(
        request,
        "collection/payment.html",
        {
            "p": payment,
            "form": form,
            "settlements": payment.settlements.select_related("bill").order_by("bill__due_date"),
            "adjustments": payment.adjustments.all(),
            "transfers": payment.transfers.select_related("from_property", "to_property"),
            "history": AuditEntry.objects.filter(
                object_type=Payment._meta.label_lower, object_id=str(payment.pk)
            ).order_by("at"),
        },
    )


@function_required("collection.payments")
def review_view(request: HttpRequest) -> HttpResponse:
    page, size = page_of(request, selectors.review_queue())
    return render(
        request,
        "collection/review.html",
        {"page": page, "page_size": size, "page_sizes": PAGE_SIZES, "query": "", "form": ReasonForm()},
    )


@require_POST
@function_required("collection.payments", "change")
def review_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    action = request.POST.get("action", "")
    if not form.is_valid():
        messages.error(request, f"Pagamento {pk}: informe a justificativa antes de baixar ou devolver.")
    else:
        try:
            payment = services.payment_review_resolve(
                actor=request.user, payment_id=pk, action=action, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, f"Pagamento {pk}: {exc.message}")
        else:
            done = "baixado" if payment.status == Payment.Status.APPLIED else "marcado para devolução"
            messages.success(request, f"Pagamento {pk} {done}.")
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    page = request.POST.get("page", "")
    base = reverse("collection:review")
    return f"{base}?page={page}" if page.isdigit() else base


@function_required("collection.return_files")
def return_files_view(request: HttpRequest) -> HttpResponse:
    form = ReturnFileUploadForm(request.POST or None, request.FILES or None)
    refusal = None
    status = 200
    if request.method == "POST":
        if not request.user.can("collection.return_files", "add"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite importar arquivos retorno.")
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rf = services.bank_file_import(
                    actor=request.user, data=upload.read(), filename=upload.name or ""
                )
            except DomainError as exc:
                refusal = {
                    "message": exc.message.split(". ")[0] + "."
                    if isinstance(exc, ReturnFileRejected)
                    else exc.message,
                    "problems": [str(p) for p in getattr(exc, "problems", ())],
                    "filename": upload.name,
                    # the way out of an unknown bank or convênio: register it (collection.settings)
                    "register_agent": exc.code == ErrorCode.UNKNOWN_AGENT
                    and request.user.can("collection.settings", "add"),  # type: ignore[union-attr]
                }
                status = 400 if exc.status < 500 else exc.status
            else:
                if isinstance(rf, ReturnFile):
                    messages.success(
                        request,
                        f"Arquivo {rf.filename or rf.pk} importado: {rf.applied_count} pagamento(s) "
                        f"baixado(s), {rf.review_count} em análise.",
                    )
                    return redirect("collection:return_files")
                if isinstance(rf, BoletoFile):
                    messages.success(
                        request,
                        f"Retorno de cobrança registrada {rf.filename or rf.pk} importado: "
                        + ", ".join(f"{n} {k}" for k, n in sorted(rf.summary.items())),
                    )
                    return redirect("collection:return_files")
                messages.success(
                    request,
                    f"Retorno de débito automático {rf.filename or rf.pk} importado: {rf.debited_count} "
                    f"debitado(s), {rf.refused_count} não debitado(s), {rf.review_count} em análise, "
                    f"{rf.enrolment_count} cadastro(s), {rf.unidentified_count} não identificado(s).",
                )
                return redirect("collection:direct_debit")
    page, size = page_of(request, selectors.return_file_list())
    return render(
        request,
        "collection/return_files.html",
        {
            "form": form,
            "refusal": refusal,
            "refusals": selectors.return_file_refusals()[:10],
            "page": page,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "query": "",
        },
        status=status,
    )
