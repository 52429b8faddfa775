"""The attendant's invoice pages, reached from the one-screen property view (seed 001 3.2.13.9,
3.2.13.10.16): the bills by status with their flags and late charges, sending selected bills by
e-mail or SMS, a bill issued early or after the group's run left it out (preview, then confirm),
the unit's cut-off permissions, and the units collection may notify or cut."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import function_required
from modules.billing.services import delivery, single
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.debt.disconnection import PURPOSES, cut_candidates
from modules.registry.models import Property
from modules.registry.services.properties import property_update

from .invoices import BILL_FILTERS, property_bills
from .invoices_forms import BillSendForm, CutCandidatesForm, CutPermissionForm, SingleIssueForm


def _denied(request: HttpRequest, function: str) -> bool:
    if request.user.can(function, "change"):
        return False
    messages.error(request, "Seu perfil não permite esta operação.")
    return True


@function_required("billing.bills")
def desk_bills_view(request: HttpRequest, pk: int) -> HttpResponse:
    """3.2.13.9.1: the bills by status; 3.2.13.9.17/.18: selected bills by e-mail or SMS."""
    prop = get_object_or_404(Property, pk=pk)
    status = request.GET.get("status", "")
    rows = property_bills(prop.pk, status=status, today=tenant_today())
    form = BillSendForm(
        request.POST or None, bill_ids=[r.bill.pk for r in property_bills(prop.pk, today=tenant_today())]
    )
    if request.method == "POST" and not _denied(request, "billing.bills") and form.is_valid():
        op, to = request.POST.get("op"), form.cleaned_data["to"]
        try:
            if op == "sms":
                sent = delivery.bills_send_sms(
                    actor=request.user, property_id=prop.pk, bill_ids=form.cleaned_data["bills"], phone=to
                )
                messages.success(request, f"{len(sent)} SMS enviado(s).")
            else:
                address = delivery.bills_send_email(
                    actor=request.user, property_id=prop.pk, bill_ids=form.cleaned_data["bills"], to=to
                )
                messages.success(request, f"Faturas enviadas para {address}.")
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(f"{request.path}?status={status}")
    return render(
        request,
        "service/invoices/bills.html",
        {"p": prop, "rows": rows, "status": status, "filters": BILL_FILTERS, "form": form},
    )


@function_required("billing.bills")
def desk_bill_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """3.2.13.9.12/.13: one bill issued outside the group's run, with a preview first."""
    prop = get_object_or_404(Property, pk=pk)
    form = SingleIssueForm(request.POST or None, initial={"kind": single.EARLY})
    preview = None
    if request.method == "POST" and not _denied(request, "billing.bills") and form.is_valid():
        confirm = request.POST.get("op") == "confirm"
        try:
            outcome = single.bill_issue_single(
                actor=request.user,
                property_id=prop.pk,
                reference=YearMonth.parse(form.cleaned_data["reference"]),
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                preview=not confirm,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if outcome.bill is not None:
                messages.success(request, f"Fatura {outcome.bill.pk} emitida.")
                return redirect("billing:bill", outcome.bill.pk)
            preview = outcome.bill_state
    return render(request, "service/invoices/issue.html", {"p": prop, "form": form, "preview": preview})


@function_required("registry.properties")
def desk_cut_permission_view(request: HttpRequest, pk: int) -> HttpResponse:
    """3.2.13.10.16/.20: whether the unit may receive cut-off notices and cut orders."""
    prop = get_object_or_404(Property, pk=pk)
    form = CutPermissionForm(
        request.POST or None,
        initial={"cut_notice_allowed": prop.cut_notice_allowed, "cut_order_allowed": prop.cut_order_allowed},
    )
    if request.method == "POST" and not _denied(request, "registry.properties") and form.is_valid():
        try:
            property_update(actor=request.user, prop=prop, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Permissões de corte atualizadas.")
            return redirect("service:desk_property", prop.pk)
    return render(request, "service/invoices/cut_permission.html", {"p": prop, "form": form})


@function_required("debt.position")
def cut_candidates_view(request: HttpRequest) -> HttpResponse:
    """The units that may receive a cut-off notice or a cut order today (holds, agreements and the
    units' permissions respected)."""
    form = CutCandidatesForm(request.GET or None)
    rows = []
    if form.is_valid():
        rows = cut_candidates(
            as_of=tenant_today(),
            purpose=form.cleaned_data["purpose"],
            min_days_overdue=form.cleaned_data["days"],
        )
    return render(
        request, "service/invoices/cut_candidates.html", {"form": form, "rows": rows, "purposes": PURPOSES}
    )
