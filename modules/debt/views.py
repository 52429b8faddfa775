"""Staff pages of debt (debt position and statement, the agreement wizard, agreements, certificates),
and the public certificate verification page."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.billing.legal import legal_locks, may_override
from modules.collection.models import PaymentDocument
from modules.collection.selectors import open_documents
from modules.common.clock import tenant_today
from modules.common.domain.documents import strip_document
from modules.common.domain.money import format_brl
from modules.common.errors import DomainError, ValidationFailed
from modules.common.http import client_ip
from modules.common.ratelimit import window_hits
from modules.common.selectors import change_history
from modules.common.settings_pages import settings_page
from modules.registry.models import Customer, Property

from . import documents, pdf, selectors, services, settings_services
from .domain.certificates import CertificateKind
from .domain.installments import minimum_down_payment, simulate
from .errors import ErrorCode
from .forms import (
    PERCENT_FIELDS,
    AnnualDeclarationForm,
    AsOfForm,
    CancelForm,
    DebtSettingsForm,
    DocumentTemplateForm,
    InstallmentPolicyForm,
    PropertyLookupForm,
    SimulationForm,
    StatementForm,
)
from .models import Agreement, Certificate

TARGETS = {"posicao": "debt:position", "parcelamento": "debt:agreement_new", "certidao": "debt:certificates"}
TITLES = {"posicao": "Posição de débitos", "parcelamento": "Novo parcelamento", "certidao": "Certidões"}


VERIFY_THROTTLED = "Muitas verificações a partir deste endereço. Aguarde um minuto e tente novamente."


def _verify_throttled(request: HttpRequest) -> bool:
    """Per client IP, in the schema-aware cache: at most CERTIFICATE_VERIFY_LIMIT lookups per
    CERTIFICATE_VERIFY_WINDOW_SECONDS, so the public page is no oracle for guessing codes."""
    window = int(getattr(settings, "CERTIFICATE_VERIFY_WINDOW_SECONDS", 60))
    limit = int(getattr(settings, "CERTIFICATE_VERIFY_LIMIT", 30))
    ip = client_ip(request) or "-"
    key = f"debt:verify:ip:{ip}"
    return window_hits(key, window) > limit


def verify_view(request: HttpRequest) -> HttpResponse:
    """Public: anyone holding a code sees exactly what the certificate states, nothing more.
    Lookups are rate limited per client IP (429 past the limit)."""
    code = request.GET.get("codigo", "").strip()
    certificate, error = None, ""
    if code and _verify_throttled(request):
        return render(request, "debt/verify.html", {"code": code, "error": VERIFY_THROTTLED}, status=429)
    if code:
        try:
            certificate = selectors.certificate_verify(code)
        except DomainError as exc:
            error = exc.message
    # authentic but past its validity: it no longer proves anything today, and must not say it does
    expired = bool(certificate and certificate.valid_until and certificate.valid_until < tenant_today())
    return render(
        request,
        "debt/verify.html",
        {"code": code, "certificate": certificate, "error": error, "expired": expired},
        status=404 if error else 200,
    )


def _lookup(request: HttpRequest, target: str) -> HttpResponse:
    """Find the property by matrícula, then go where the menu entry pointed (position, agreement,
    certificate)."""
    form = PropertyLookupForm(request.GET if "account" in request.GET else None)
    if form.is_valid():
        pk = selectors.property_by_account(form.cleaned_data["account"])
        if pk is not None:
            return redirect(TARGETS[target], pk)
        form.add_error("account", f"Matrícula {form.cleaned_data['account']} não encontrada.")
    return render(request, "debt/lookup.html", {"form": form, "title": TITLES[target]})


@function_required("debt.position")
def lookup_view(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("para", "posicao")
    return _lookup(request, target if target in ("posicao", "parcelamento") else "posicao")


@function_required("debt.certificates")
def certificate_lookup_view(request: HttpRequest) -> HttpResponse:
    return _lookup(request, "certidao")


def _prop(pk: int) -> Property:
    return get_object_or_404(Property.objects.select_related("street", "neighbourhood"), pk=pk)


@function_required("debt.position")
def position_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _prop(pk)
    today = tenant_today()
    as_of_form = AsOfForm(request.GET or None)
    as_of = (as_of_form.cleaned_data.get("as_of") if as_of_form.is_valid() else None) or today
    statement_form = StatementForm(
        request.POST or None, initial={"valid_until": selectors.statement_valid_until(today)}
    )
    selected: set[int] | None = None
    if request.method == "POST":
        selected = {int(b) for b in request.POST.getlist("bills") if b.isdigit()}
        if not request.user.can("debt.position", "add"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite emitir extratos.")
        elif not selected:
            statement_form.add_error(None, "Marque ao menos uma fatura para o extrato.")
        elif statement_form.is_valid():
            try:
                doc = services.statement_create(
                    actor=request.user,
                    property_id=prop.pk,
                    as_of=today,
                    valid_until=statement_form.cleaned_data["valid_until"],
                    bill_ids=sorted(selected),
                    requester_id=_requester_id(statement_form.cleaned_data.get("requester", "")),
                )
            except DomainError as exc:
                statement_form.add_error("valid_until" if exc.field == "valid_until" else None, exc.message)
            else:
                messages.success(
                    request,
                    f"Extrato nº {doc.pk} emitido: R$ {format_brl(doc.amount)}, "
                    f"pagável até {doc.valid_until:%d/%m/%Y}.",
                )
                return redirect(f"{reverse('debt:position', args=[prop.pk])}?emitido={doc.pk}")
    position = selectors.debt_position(prop.pk, as_of)
    # TR S10.11-01/-02: bills in dívida ativa or under an execução fiscal are flagged; without the
    # special privilege they leave the table (and its totals) for a list without amounts
    locks = legal_locks(prop.pk, on=as_of)
    locked = [(i, locks.lock_of(i.bill_id)) for i in position.items if locks.lock_of(i.bill_id)]
    if locked and not may_override(request.user):
        position = dataclasses.replace(
            position, items=tuple(i for i in position.items if not locks.lock_of(i.bill_id))
        )
    else:
        locked = []
    issued = request.GET.get("emitido", "")
    return render(
        request,
        "debt/position.html",
        {
            "p": prop,
            "as_of": as_of,
            "today": today,
            "as_of_form": as_of_form,
            "statement_form": statement_form,
            "position": position,
            "totals": position.totals,
            "selected": selected,
            "agreement": selectors.live_agreement(prop.pk),
            "locks": locks,
            "locked": locked,
            "documents": open_documents(prop.pk).order_by("-created_at")[:10],
            "issued": PaymentDocument.objects.filter(pk=issued, property=prop).first()
            if issued.isdigit()
            else None,
        },
    )


@function_required("debt.position")
def statement_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(PaymentDocument, pk=pk)
    response = HttpResponse(pdf.statement_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="extrato-{document.pk}.pdf"'
    return response


def _limits(total: Decimal, version: Any, policy: Any) -> dict[str, Any]:
    return {
        "total": total,
        "min_down_payment": minimum_down_payment(total, policy),
        "min_down_payment_percent": pdf.percent_text(policy.min_down_payment_rate),
        "down_payment_required": policy.down_payment_required,
        "max_installments": policy.max_installments,
        "standard_max_installments": version.standard_max_installments,
        "min_installment": policy.min_installment,
        "monthly_percent": pdf.percent_text(policy.monthly_rate),
        "fine_discount_percent": pdf.percent_text(policy.fine_discount_rate),
        "interest_discount_percent": pdf.percent_text(policy.interest_discount_rate),
        "discounts": bool(policy.fine_discount_rate or policy.interest_discount_rate),
        "down_payment_days": version.down_payment_days,
        "cancel_after_unpaid": version.cancel_after_unpaid,
        "resolution": version.resolution,
    }


def _requester_id(document: str) -> int | None:
    """The registry customer with this CPF/CNPJ (the one asking at the counter), or None when no
    document was given; an unknown document is refused on the field."""
    chars = strip_document(document or "")
    if not chars:
        return None
    found = Customer.objects.filter(cpf_cnpj=chars).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationFailed("Nenhum cliente com este CPF/CNPJ.", field="requester", code=ErrorCode.INVALID)
    return int(found)


def _transfer_sources(request: HttpRequest, prop: Property, raw: str) -> tuple[tuple[int, ...], str]:
    """The matrículas typed in the wizard's transfer field → their property ids (the unit itself and
    unknown ones are refused with a message naming them, and left out). Answers the ids and the
    cleaned text the form shows again."""
    accounts = [a for a in raw.replace(";", ",").replace(" ", ",").split(",") if a.strip()]
    found = dict(Property.objects.filter(account_number__in=accounts).values_list("account_number", "pk"))
    unknown = [a for a in accounts if a not in found]
    if unknown:
        messages.error(request, f"Transferir débitos de: matrícula não encontrada ({', '.join(unknown)}).")
    if prop.account_number in found:
        messages.error(request, "Transferir débitos de: informe outro imóvel, não este.")
        found.pop(prop.account_number)
    return tuple(sorted(set(found.values()))), ", ".join(a for a in accounts if a in found)


@function_required("debt.agreements")
def agreement_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The wizard: the debt and the policy's limits; choose entry and count and see the simulation
    table; confirm to sign (the down payment becomes a payable guia)."""
    prop = _prop(pk)
    today = tenant_today()
    current = selectors.live_agreement(prop.pk)
    reinstall = current is not None and current.status == Agreement.Status.ACTIVE
    ctx: dict[str, Any] = {"p": prop, "today": today, "current": current, "reinstall": reinstall}
    # 3.2.9.2.3: the bills the user ticked (the form says it ticked with `pick`); all of them otherwise
    source = request.POST if request.method == "POST" else request.GET
    bill_ids = [int(b) for b in source.getlist("bill") if b.isdecimal()] if source.get("pick") else None
    if bill_ids == []:
        messages.error(request, "Marque ao menos uma fatura para negociar; todas foram marcadas de novo.")
        bill_ids = None
    ctx["all_bills"] = selectors.debt_position(prop.pk, today).items
    ctx["picked"] = set(bill_ids) if bill_ids is not None else {i.bill_id for i in ctx["all_bills"]}
    # 3.2.9.2.4: other units (by matrícula) whose open debts move into this plan
    transfer_from, ctx["transfer"] = _transfer_sources(request, prop, source.get("transfer", ""))
    try:
        version, policy, position, total = selectors.negotiation(
            prop.pk, today, current if reinstall else None, bill_ids=bill_ids, transfer_from=transfer_from
        )
    except DomainError as exc:
        ctx["blocked"] = exc.message
        return render(request, "debt/agreement_new.html", ctx)
    totals = position.totals
    ctx |= {
        "position": position,
        "totals": totals,
        "interest_and_correction": totals["interest"] + totals["correction"],
        "limits": _limits(total, version, policy),
    }
    if total <= 0:
        ctx["blocked"] = "Não há débitos em aberto para parcelar."
        return render(request, "debt/agreement_new.html", ctx)
    if current is not None and not reinstall:
        ctx["blocked"] = (
            f"O imóvel já tem o parcelamento {current.number}, aguardando o pagamento da entrada."
        )
        return render(request, "debt/agreement_new.html", ctx)
    data = (
        request.POST if request.method == "POST" else (request.GET if "down_payment" in request.GET else None)
    )
    form = SimulationForm(
        data,
        initial={"down_payment": ctx["limits"]["min_down_payment"], "installments": policy.max_installments},
    )
    ctx["form"] = form
    if form.is_valid():
        down, count = form.cleaned_data["down_payment"], form.cleaned_data["installments"]
        try:
            ctx["simulation"] = simulate(total, policy, down_payment=down)
        except DomainError as exc:
            form.add_error("down_payment" if exc.field == "down_payment" else None, exc.message)
        else:
            options = ctx["simulation"].options
            counts = [o.count for o in options]
            ctx["chosen"] = count
            ctx["rows"] = [
                {
                    "option": o,
                    "interest": o.total_paid - total,
                    "chosen": o.count == count,
                    "extended": o.count > version.standard_max_installments,
                }
                for o in options
            ]
            ctx["chosen_value"] = next((o.installment for o in options if o.count == count), None)
            if count not in counts:
                form.add_error(
                    "installments",
                    f"Com esta entrada são possíveis de 1 a {max(counts)} parcelas "
                    f"(máximo da política: {policy.max_installments}; parcela mínima "
                    f"R$ {format_brl(policy.min_installment)}).",
                )
            elif request.method == "POST" and "confirm" in request.POST:
                if not request.user.can("debt.agreements", "add"):  # type: ignore[union-attr]
                    messages.error(request, "Seu perfil não permite firmar parcelamentos.")
                else:
                    try:
                        agreement = services.agreement_create(
                            actor=request.user,
                            property_id=prop.pk,
                            down_payment=down,
                            count=count,
                            as_of=today,
                            reinstall=reinstall,
                            requester_id=_requester_id(form.cleaned_data.get("requester", "")),
                            bill_ids=bill_ids,
                            transfer_from=list(transfer_from),
                        )
                    except DomainError as exc:
                        form.add_error(
                            exc.field if exc.field in ("down_payment", "installments") else None, exc.message
                        )
                    else:
                        messages.success(request, f"Parcelamento {agreement.number} firmado.")
                        return redirect("debt:agreement", agreement.pk)
    return render(request, "debt/agreement_new.html", ctx)


@function_required("debt.agreements")
def agreements_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = Agreement.objects.select_related("property").order_by("-created_at")
    if status in Agreement.Status.values:
        qs = qs.filter(status=status)
    page, size = page_of(request, qs)
    return render(
        request,
        "debt/agreements.html",
        {
            "page": page,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "query": f"status={status}",
            "statuses": Agreement.Status.choices,
            "status": status,
        },
    )


@function_required("debt.agreements")
def agreement_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(
        Agreement.objects.select_related("property", "policy", "down_payment_document"), pk=pk
    )
    form = CancelForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("debt.agreements", "change"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite cancelar parcelamentos.")
        elif form.is_valid():
            try:
                services.agreement_cancel(
                    actor=request.user, agreement_id=agreement.pk, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Parcelamento cancelado; as faturas voltaram à posição de débitos.")
                return redirect("debt:agreement", agreement.pk)
    return render(
        request,
        "debt/agreement.html",
        {
            "a": agreement,
            "form": form,
            "states": selectors.installment_states(agreement),
            "monthly_percent": pdf.percent_text(agreement.monthly_rate),
            "bills": agreement.bills.select_related("bill").order_by("bill__due_date"),
            "payoff": selectors.agreement_payoff_quote(agreement, tenant_today())
            if agreement.status == Agreement.Status.ACTIVE
            else None,
        },
    )


@require_POST
@function_required("debt.agreements", "change")
def agreement_payoff_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Quitação antecipada: the guia for the installments not yet billed, at present value."""
    try:
        document = services.agreement_payoff_issue(
            actor=request.user,  # type: ignore[arg-type]
            agreement_id=pk,
            as_of=tenant_today(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("debt:agreement", pk)
    messages.success(
        request,
        f"Guia de quitação antecipada de R$ {format_brl(document.amount)} emitida, válida até "
        f"{document.valid_until:%d/%m/%Y}.",
    )
    return redirect("debt:statement_pdf", document.pk)


@function_required("debt.agreements")
def agreement_term_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=pk)
    response = HttpResponse(pdf.agreement_term_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="termo-parcelamento-{agreement.pk}.pdf"'
    return response


@function_required("debt.agreements", "change")
def agreement_booklet_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """2ª via do carnê (VA-16, ADR 0213), printed at the counter: the same booklet as the agency's."""
    from .booklet import booklet_issue

    agreement = get_object_or_404(Agreement, pk=pk)
    try:
        booklet = booklet_issue(actor=request.user, agreement_id=agreement.pk, as_of=tenant_today())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("debt:agreement", agreement.pk)
    response = HttpResponse(pdf.booklet_pdf(booklet), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="carne-{agreement.pk}.pdf"'
    return response


@function_required("debt.certificates")
def certificates_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _prop(pk)
    today = tenant_today()
    decision = selectors.certificate_decision(prop.pk, today)
    year_form = AnnualDeclarationForm(initial={"year": today.year - 1})
    return render(
        request,
        "debt/certificates.html",
        {
            "p": prop,
            "today": today,
            "decision": decision,
            "refused": decision.kind is CertificateKind.REFUSED,
            "year_form": year_form,
            "issued": Certificate.objects.filter(property=prop).order_by("-created_at")[:20],
        },
    )


@require_POST
@function_required("debt.certificates", "add")
def certificate_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _prop(pk)
    today = tenant_today()
    try:
        if request.POST.get("kind") == "annual":
            form = AnnualDeclarationForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Informe o ano da declaração.")
                return redirect("debt:certificates", prop.pk)
            cert = services.annual_declaration_issue(
                actor=request.user, property_id=prop.pk, year=form.cleaned_data["year"], today=today
            )
        else:
            cert = services.certificate_issue(actor=request.user, property_id=prop.pk, today=today)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("debt:certificates", prop.pk)
    messages.success(request, f"{cert.get_kind_display()} emitida: código {cert.code}.")
    return redirect("debt:certificates", prop.pk)


@function_required("debt.certificates")
def certificate_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate, pk=pk)
    response = HttpResponse(pdf.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certidao-{certificate.code}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@function_required("debt.settings")
def settings_view(request: HttpRequest) -> HttpResponse:
    """The utility's debt parameters: seen with the function's view grant, saved with its change grant."""
    return settings_page(
        request,
        function="debt.settings",
        form_class=DebtSettingsForm,
        instance=selectors.debt_settings(),
        save=services.debt_settings_update,
        title="Parâmetros de cobrança",
        saved_message="Parâmetros de cobrança salvos.",
        redirect_to="debt:settings",
        history_types=["debt.debtsettings"],
        help_text=(
            "Valem para o atendimento, para a API e para a agência virtual: o extrato de débitos é pagável "
            "até a emissão mais a validade (“Não receber após”), e a certidão vale da emissão até a emissão "
            "mais a validade."
        ),
    )


# Settings: installment policy versions and the texts of the documents (Configurações)


@function_required("debt.settings")
@require_http_methods(["GET", "POST"])
def policies_view(request: HttpRequest) -> HttpResponse:
    """The installment policy's versions (resolutions), newest first, the one in force marked, with
    who added each; a new version (start date and act) with the function's add grant."""
    today = tenant_today()
    can_add = request.user.can("debt.settings", "add")  # type: ignore[union-attr]
    if request.method == "POST" and not can_add:
        return HttpResponseForbidden(render(request, "access/forbidden.html").content)
    versions = selectors.policy_versions(today)
    current = next((v for v in versions if v.in_force), None)
    form = InstallmentPolicyForm(
        request.POST or None,
        initial={
            **(InstallmentPolicyForm.initial_from(current.version) if current else {}),
            "effective_from": today,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            settings_services.installment_policy_create(
                actor=request.user,  # type: ignore[arg-type]
                effective_from=form.cleaned_data["effective_from"],
                today=today,
                **form.policy_values(),
            )
        except DomainError as exc:
            field = {rate: percent for percent, rate in PERCENT_FIELDS.items()}.get(
                exc.field or "", exc.field
            )
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, "Nova versão da política de parcelamento salva.")
            return redirect("debt:policies")
    return render(
        request,
        "debt/policies.html",
        {
            "versions": versions,
            "form": form,
            "can_add": can_add,
            "history": change_history(object_types=["debt.installmentpolicyversion"]),
        },
        status=400 if request.method == "POST" else 200,
    )


@function_required("debt.settings")
def templates_view(request: HttpRequest) -> HttpResponse:
    """Each document's text: the version in force (or the default) and the versions to come."""
    return render(
        request,
        "debt/templates.html",
        {
            "kinds": selectors.document_texts(tenant_today()),
            "history": change_history(object_types=["common.documenttemplate"], kind_prefix="debt."),
        },
    )


@function_required("debt.settings")
@require_http_methods(["GET", "POST"])
def template_edit_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Edit a document's text as a new version, with the PDF preview beside it (the preview button
    posts the form to the preview frame; saving posts it here)."""
    if kind not in documents.KINDS:
        raise Http404
    today = tenant_today()
    can_add = request.user.can("debt.settings", "add")  # type: ignore[union-attr]
    if request.method == "POST" and not can_add:
        return HttpResponseForbidden(render(request, "access/forbidden.html").content)
    info = next(k for k in selectors.document_texts(today) if k.kind.key == kind)
    form = DocumentTemplateForm(
        request.POST or None,
        initial={"valid_from": today, "title": info.title, "body_html": info.body_html},
    )
    if request.method == "POST" and form.is_valid():
        try:
            settings_services.document_template_create(
                actor=request.user,  # type: ignore[arg-type]
                kind=kind,
                today=today,
                **form.cleaned_data,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Nova versão do texto “{info.kind.label}” salva.")
            return redirect("debt:templates")
    return render(
        request,
        "debt/template_edit.html",
        {
            "info": info,
            "form": form,
            "can_add": can_add,
            "history": [
                e
                for e in change_history(object_types=["common.documenttemplate"], limit=200)
                if isinstance(e.after, dict) and e.after.get("kind") == kind
            ][:30],
        },
        status=400 if request.method == "POST" else 200,
    )


@function_required("debt.settings")
@xframe_options_sameorigin
@require_http_methods(["GET", "POST"])
def template_preview_view(request: HttpRequest, kind: str) -> HttpResponse:
    """The real PDF of the document with invented data and the posted text (GET: the text in force),
    shown in the edit page's frame; a refused text answers its reason instead."""
    if kind not in documents.KINDS:
        raise Http404
    today = tenant_today()
    if request.method == "POST":
        title, body = request.POST.get("title", ""), request.POST.get("body_html", "")
    else:
        info = next(k for k in selectors.document_texts(today) if k.kind.key == kind)
        title, body = info.title, info.body_html
    try:
        settings_services.template_check(kind=kind, title=title, body_html=body)
    except DomainError as exc:
        refused = render(request, "debt/template_preview_error.html", {"error": exc}, status=400)
        refused["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
        )
        return refused
    response = HttpResponse(pdf.preview_pdf(kind, title, body, today), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="previa-{kind}.pdf"'
    # the edit page frames this answer (the rest of the app forbids framing); the browser's PDF viewer
    # needs no other directive
    response["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response
