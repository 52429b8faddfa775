"""Staff pages of payment exceptions (ADR 0236) and of the monthly closing (ADR 0237): attach or
credit a payment from the review queue, transfer one from its page, bank deposits and the queue of
unidentified ones, and the closings with their report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from modules.access.views import function_required
from modules.common.clock import tenant_today
from modules.common.errors import DomainError

from . import closing as cl
from . import exceptions as ex
from .models import CollectingAgent, CollectionClosing, Payment


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _back(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith("/arrecadacao/") else default


@require_POST
@function_required("collection.payments", "change")
def payment_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    bill = _int(request.POST.get("bill"))
    try:
        if bill is None:
            messages.error(request, f"Pagamento {pk}: informe o número da fatura a vincular.")
        else:
            ex.payment_attach(
                actor=request.user,
                payment_id=pk,
                bill_id=bill,
                reason=request.POST.get("reason", ""),
                difference="absorb" if request.POST.get("difference") == "absorb" else "adjust",
            )
            messages.success(request, f"Pagamento {pk} vinculado à fatura {bill} e baixado.")
    except DomainError as exc:
        messages.error(request, f"Pagamento {pk}: {exc.message}")
    return redirect(_back(request, "/arrecadacao/revisao/"))


@require_POST
@function_required("collection.payments", "change")
def payment_credit_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        ex.payment_credit(
            actor=request.user,
            payment_id=pk,
            reason=request.POST.get("reason", ""),
            property_id=_int(request.POST.get("property")),
        )
        messages.success(request, f"Pagamento {pk} convertido em crédito na próxima fatura.")
    except DomainError as exc:
        messages.error(request, f"Pagamento {pk}: {exc.message}")
    return redirect(_back(request, "/arrecadacao/revisao/"))


@require_POST
@function_required("collection.payments", "change")
def payment_transfer_view(request: HttpRequest, pk: int) -> HttpResponse:
    bill = _int(request.POST.get("bill"))
    try:
        if bill is None:
            messages.error(request, "Informe o número da fatura que recebe o pagamento.")
        else:
            t = ex.payment_transfer(
                actor=request.user, payment_id=pk, bill_id=bill, reason=request.POST.get("reason", "")
            )
            messages.success(
                request,
                f"Pagamento transferido da fatura {t.from_bill_id} para a fatura {t.to_bill_id}; "
                "a primeira voltou a ficar em aberto.",
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("collection:payment", pk)


@function_required("collection.payments")
def deposits_view(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    values = {"deposited_on": tenant_today().isoformat()}
    status = 200
    if request.method == "POST":
        if not request.user.can("collection.payments", "add"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite registrar depósitos.")
            return redirect("collection:deposits")
        values = {
            k: request.POST.get(k, "") for k in ("agent", "deposited_on", "amount", "barcode", "reference")
        }
        try:
            amount = Decimal(values["amount"].replace(".", "").replace(",", "."))
        except InvalidOperation:
            errors["amount"] = "Informe o valor (ex.: 57,30)."
        try:
            on = dt.date.fromisoformat(values["deposited_on"])
        except ValueError:
            errors["deposited_on"] = "Informe a data do depósito."
        if not errors:
            try:
                p = ex.deposit_register(
                    actor=request.user, agent_code=values["agent"], deposited_on=on, amount=amount,
                    barcode=values["barcode"], reference=values["reference"],
                )  # fmt: skip
            except DomainError as exc:
                errors[exc.field if exc.field in values else "form"] = exc.message
            else:
                messages.success(
                    request,
                    f"Depósito registrado: {p.get_status_display().lower()}"
                    + (f" ({p.review_detail})" if p.review_detail else "")
                    + ".",
                )
                return redirect("collection:deposits")
        status = 400
    base = Payment.objects.select_related("agent", "property").filter(channel=Payment.Channel.DEPOSIT)
    return render(
        request,
        "collection/deposits.html",
        {
            "agents": CollectingAgent.objects.filter(active=True, kind=CollectingAgent.Kind.BANK),
            "values": values,
            "errors": errors,
            "unidentified": base.filter(status=Payment.Status.REVIEW, review_reason=Payment.Review.UNKNOWN)[
                :100
            ],
            "recent": base.exclude(status=Payment.Status.REVIEW, review_reason=Payment.Review.UNKNOWN)[:20],
        },
        status=status,
    )


@function_required("collection.closing")
def closings_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.can("collection.closing", "add"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite fechar meses.")
            return redirect("collection:closings")
        month = request.POST.get("month", "")
        run_at = (request.POST.get("run_at") or "").strip()
        try:
            if run_at:
                when = parse_datetime(run_at)
                if when is None:
                    raise ValueError
                when = timezone.make_aware(when) if timezone.is_naive(when) else when
                c = cl.closing_schedule(actor=request.user, month=month, run_at=when)
                messages.success(
                    request,
                    f"Fechamento de {c.month:%m/%Y} agendado para {timezone.localtime(when):%d/%m/%Y %H:%M}.",
                )
            else:
                c = cl.closing_run(actor=request.user, month=month)
                messages.success(request, f"Mês {c.month:%m/%Y} fechado.")
                return redirect("collection:closing", f"{c.month:%Y-%m}")
        except ValueError:
            messages.error(request, "Data e hora do agendamento inválidas.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("collection:closings")
    last = tenant_today().replace(day=1) - dt.timedelta(days=1)
    return render(
        request,
        "collection/closings.html",
        {
            "closings": CollectionClosing.objects.all()[:24],
            "suggested": f"{last:%Y-%m}",
            "earliest": cl.earliest_close(last.replace(day=1)),
        },
    )


@function_required("collection.closing")
def closing_view(request: HttpRequest, month: str) -> HttpResponse:
    try:
        closing = cl.closing_get(month)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("collection:closings")
    fig = closing.figures or {}
    situations = {
        "pending": "Em aberto",
        "paid": "Pagas",
        "installment": "Em parcelamento",
        "cancelled": "Canceladas",
        "manual_issue": "Emissão manual (fora do faturamento)",
    }
    return render(
        request,
        "collection/closing.html",
        {
            "c": closing,
            "fig": fig,
            "channels": dict(Payment.Channel.choices),
            "statuses": dict(Payment.Status.choices),
            "situations": [
                (situations.get(k, k), v) for k, v in (fig.get("bills", {}).get("by_situation") or {}).items()
            ],
            "intact": closing.digest == cl.digest_of(fig) if fig else True,
        },
    )
