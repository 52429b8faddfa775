"""Staff page of direct debit (débito automático, ADR 0235): generate and download remittances, the
returns received (imported on the return-files page, which tells the two kinds apart), the queue of
unidentified enrolments, the authorisations of a property, agreements, and the bill decisions
(freeze, force an agreement, resend). Writes need `collection.direct_debit` with add or change."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from modules.access.views import function_required
from modules.common.domain.money import format_brl
from modules.common.errors import DomainError
from modules.registry.models import Property

from . import direct_debit as dd
from .forms import DebitAgreementForm, DebitAuthorizationForm, DebitBillForm, DebitRemittanceForm
from .models import (
    DirectDebitAgreement,
    DirectDebitAuthorization,
    DirectDebitEnrolmentQueue,
    DirectDebitItem,
    DirectDebitRemittance,
    DirectDebitReturn,
)

FUNCTION = "collection.direct_debit"


def _agreement_choices() -> list[tuple[object, str]]:
    return [("", "Escolha o convênio")] + [
        (a.pk, f"{a.code} – {a.agent.name}{' – ' + a.name if a.name else ''}")
        for a in DirectDebitAgreement.objects.select_related("agent").filter(active=True)
    ]


def _page(request: HttpRequest, status: int = 200, **forms: object) -> HttpResponse:
    q = (request.GET.get("matricula") or "").strip()
    authorizations = DirectDebitAuthorization.objects.select_related("property", "agreement__agent")
    authorizations = authorizations.filter(property__account_number=q) if q else authorizations[:20]
    auth_form = forms.get("auth_form") or DebitAuthorizationForm(initial={"account_number": q})
    bill_form = forms.get("bill_form") or DebitBillForm()
    auth_form.fields["agreement"].widget.choices = _agreement_choices()  # type: ignore[attr-defined]
    bill_form.fields["agreement"].widget.choices = _agreement_choices()  # type: ignore[attr-defined]
    return render(
        request,
        "collection/direct_debit.html",
        {
            "remittance_form": forms.get("remittance_form") or DebitRemittanceForm(),
            "agreement_form": forms.get("agreement_form") or DebitAgreementForm(),
            "auth_form": auth_form,
            "bill_form": bill_form,
            "agreements": DirectDebitAgreement.objects.select_related("agent"),
            "remittances": DirectDebitRemittance.objects.select_related("agreement__agent")[:15],
            "returns": DirectDebitReturn.objects.select_related("agreement")[:15],
            "queue": DirectDebitEnrolmentQueue.objects.select_related("record", "agreement").filter(
                status=DirectDebitEnrolmentQueue.Status.OPEN
            )[:50],
            "refused": DirectDebitItem.objects.select_related(
                "bill__property", "remittance__agreement"
            ).filter(status=DirectDebitItem.Status.REFUSED, bill__status="released")[:30],
            "authorizations": authorizations,
            "matricula": q,
        },
        status=status,
    )


@function_required(FUNCTION)
def direct_debit_view(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _fail(request: HttpRequest, exc: DomainError, form: object, name: str) -> HttpResponse:
    field = exc.field if exc.field in getattr(form, "fields", {}) else None
    form.add_error(field, exc.message)  # type: ignore[attr-defined]
    return _page(request, 400, **{name: form})


@require_POST
@function_required(FUNCTION, "add")
def remittance_create_view(request: HttpRequest) -> HttpResponse:
    form = DebitRemittanceForm(request.POST)
    if not form.is_valid():
        return _page(request, 400, remittance_form=form)
    try:
        made = dd.remittance_create(
            actor=request.user,
            agent_code=form.cleaned_data["agent"].code,
            due_until=form.cleaned_data["due_until"],
        )
    except DomainError as exc:
        return _fail(request, exc, form, "remittance_form")
    for r in made:
        messages.success(
            request,
            f"Remessa NSA {r.sequence} do convênio {r.agreement.code} gerada: {r.debit_count} débito(s) "
            f"somando R$ {format_brl(r.total)}, {r.enrolment_count} cadastro(s).",
        )
    return redirect("collection:direct_debit")


@function_required(FUNCTION)
def remittance_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    remittance = get_object_or_404(DirectDebitRemittance.objects.select_related("agreement"), pk=pk)
    response = HttpResponse(remittance.content.encode("latin-1"), content_type="text/plain; charset=latin-1")
    response["Content-Disposition"] = (
        f'attachment; filename="DA{remittance.agreement.code}_{remittance.sequence:06d}.rem"'
    )
    return response


@require_POST
@function_required(FUNCTION, "add")
def agreement_create_view(request: HttpRequest) -> HttpResponse:
    form = DebitAgreementForm(request.POST)
    if not form.is_valid():
        return _page(request, 400, agreement_form=form)
    try:
        dd.agreement_create(
            actor=request.user,
            agent_code=form.cleaned_data["agent"].code,
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            layout_version=form.cleaned_data["layout_version"],
        )
    except DomainError as exc:
        return _fail(request, exc, form, "agreement_form")
    messages.success(request, f"Convênio de débito {form.cleaned_data['code'].upper()} cadastrado.")
    return redirect("collection:direct_debit")


@require_POST
@function_required(FUNCTION, "add")
def authorization_create_view(request: HttpRequest) -> HttpResponse:
    form = DebitAuthorizationForm(request.POST)
    form.fields["agreement"].widget.choices = _agreement_choices()  # type: ignore[attr-defined]
    if not form.is_valid():
        return _page(request, 400, auth_form=form)
    prop = Property.objects.filter(account_number=form.cleaned_data["account_number"].strip()).first()
    if prop is None:
        form.add_error("account_number", "Nenhum imóvel com esta matrícula.")
        return _page(request, 400, auth_form=form)
    try:
        dd.authorization_create(
            actor=request.user,
            property_id=prop.pk,
            agreement_id=form.cleaned_data["agreement"],
            branch=form.cleaned_data["branch"],
            account=form.cleaned_data["account"],
        )
    except DomainError as exc:
        if exc.field == "property":
            exc.field = "account_number"
        return _fail(request, exc, form, "auth_form")
    messages.success(
        request,
        f"Débito automático da matrícula {prop.account_number} cadastrado; vai ao banco na próxima remessa.",
    )
    return redirect(f"{reverse('collection:direct_debit')}?matricula={prop.account_number}")


@require_POST
@function_required(FUNCTION, "change")
def authorization_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        auth = dd.authorization_cancel(
            actor=request.user, authorization_id=pk, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, f"Autorização {pk}: {exc.message}")
        return redirect("collection:direct_debit")
    messages.success(request, f"Débito automático da matrícula {auth.property.account_number} cancelado.")
    return redirect("collection:direct_debit")


@require_POST
@function_required(FUNCTION, "change")
def bill_action_view(request: HttpRequest) -> HttpResponse:
    form = DebitBillForm(request.POST)
    form.fields["agreement"].widget.choices = _agreement_choices()  # type: ignore[attr-defined]
    if not form.is_valid():
        return _page(request, 400, bill_form=form)
    data = form.cleaned_data
    try:
        if data["action"] == "resend":
            dd.bill_resend(actor=request.user, bill_id=data["bill"], reason=data["reason"])
            done = "vai de novo na próxima remessa"
        else:
            if data["action"] == "force" and not data.get("agreement"):
                form.add_error("agreement", "Escolha o convênio pelo qual a fatura deve ir.")
                return _page(request, 400, bill_form=form)
            dd.bill_control_set(
                actor=request.user,
                bill_id=data["bill"],
                frozen=data["action"] == "freeze",
                forced_agreement_id=data.get("agreement") if data["action"] == "force" else None,
                reason=data["reason"],
            )
            done = {
                "freeze": "não irá ao débito",
                "unfreeze": "volta a ir ao débito",
                "force": "irá só pelo convênio escolhido",
            }[data["action"]]
    except DomainError as exc:
        if exc.field in ("forced_agreement",):
            exc.field = "agreement"
        return _fail(request, exc, form, "bill_form")
    messages.success(request, f"Fatura {data['bill']}: {done}.")
    return redirect("collection:direct_debit")


@require_POST
@function_required(FUNCTION, "change")
def enrolment_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("action") == "discard":
            dd.enrolment_discard(actor=request.user, queue_id=pk, reason=reason)
            messages.success(request, f"Cadastro {pk} descartado.")
        else:
            number = (request.POST.get("account_number") or "").strip()
            prop = Property.objects.filter(account_number=number).first()
            if prop is None:
                messages.error(request, f"Cadastro {pk}: nenhum imóvel com a matrícula «{number}».")
                return redirect("collection:direct_debit")
            dd.enrolment_link(actor=request.user, queue_id=pk, property_id=prop.pk, reason=reason)
            messages.success(request, f"Cadastro {pk} vinculado à matrícula {prop.account_number}.")
    except DomainError as exc:
        messages.error(request, f"Cadastro {pk}: {exc.message}")
    return redirect("collection:direct_debit")
