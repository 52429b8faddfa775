"""The installment simulator (VA-32) after seed 003's screen, online signing where the utility
allows it, and the agreement's second copies (VA-16: down-payment guia and term). Every number comes
from `modules.debt`; every agreement is reached through the citizen's scope (`access_services`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from modules.common.clock import tenant_today
from modules.common.domain.money import format_brl
from modules.common.errors import DomainError, ErrorCode, PermissionDenied, ValidationFailed
from modules.debt import booklet as booklet_reads
from modules.debt import pdf as debt_pdf
from modules.debt import selectors as debt_selectors
from modules.debt import services as debt_services
from modules.debt.models import Agreement

from ..access_services import access_agreement_by_id, agreements_of
from ..auth import CitizenActor, Grant
from ..installments import can_sign_online, debt_requester
from ..mail import booklet_outgoing, email_on_record, send_document
from ..models import AgencySettings
from .base import citizen_required, granted_property, page_url, pdf_response, render_page

# --- VA-32: installment simulation, online agreement; VA-16: second copies ------------------------


def _money(raw: str | None) -> Decimal | None:
    if raw is None or not raw.strip():
        return None
    text = raw.strip().replace("R$", "").strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return Decimal("-1")
    return value.quantize(Decimal("0.01"))


@require_http_methods(["GET", "POST"])
@citizen_required
def installments(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    agency: AgencySettings = request.agency  # type: ignore[attr-defined]
    prop = granted_property(request, property_id)
    today = tenant_today()
    data = request.POST if request.method == "POST" else request.GET
    # PESQUISAR and Calcular post the simulator's own form (the CPF stays out of URLs and logs);
    # any other POST is the online signing below
    recompute = request.method == "POST" and ("pesquisar" in request.POST or "calcular" in request.POST)
    reactivation = data.get("reativacao") == "sim"
    raw_down = data.get("entrada")
    if recompute and data.get("reativacao_simulada", "nao") != ("sim" if reactivation else "nao"):
        raw_down = None  # the debt changed with the reactivation: the entry starts again at its minimum
    down = _money(raw_down)
    cpf_text = (data.get("cpf") or "").strip()[:20]
    ctx: dict[str, Any] = {
        "prop": prop,
        "current": debt_selectors.live_agreement(prop.pk),
        "agreements": agreements_of(prop)[:10],
        # an agreement signed here covers the bills only: with a reactivation it is signed at the counter
        "can_sign": can_sign_online(grant, agency) and not reactivation,
        "reactivation": reactivation,
        "cpf_text": cpf_text,
        "entry_text": raw_down or "",
    }
    status = 200
    if cpf_text:
        try:
            ctx["requester"] = debt_requester(prop, cpf_text)
        except DomainError as exc:
            ctx["cpf_error"] = exc.message
            status = 400
    elif "pesquisar" in data:
        ctx["cpf_error"] = "Informe o CPF do cliente responsável pelo débito."
        status = 400
    try:
        if down is not None and down < 0:
            raise ValidationFailed(
                "Informe o valor de entrada em reais, por exemplo 41,53.",
                field="entrada",
                code=ErrorCode.INVALID,
            )
        detail = debt_selectors.installment_simulation_detail(
            property_id=prop.pk, as_of=today, down_payment=down, reactivation=reactivation
        )
    except DomainError as exc:
        ctx["error"] = exc.message
        status = 400 if raw_down else status
        try:  # still show the debt behind the refusal
            detail = debt_selectors.installment_simulation_detail(
                property_id=prop.pk, as_of=today, reactivation=reactivation
            )
        except DomainError:
            return render_page(request, "portal/services/installments.html", ctx, status=status)
    version, policy, position, sim = detail.version, detail.policy, detail.position, detail.simulation
    ctx |= {
        "position": position,
        "debt": detail.debt,
        "negotiated": detail.negotiated,
        "charges": detail.debt.fines + detail.debt.interest,
        "reactivation_fee": Decimal(version.reactivation_fee),
        "monthly_percent": debt_pdf.percent_text(policy.monthly_rate),
        "resolution": version.resolution,
    }
    if sim is None:
        assert detail.refusal is not None
        ctx["error"] = ctx.get("error") or detail.refusal.message
        status = 400 if raw_down else status
        return render_page(request, "portal/services/installments.html", ctx, status=status)
    chosen = data.get("parcelas", "")
    if request.method == "POST" and not recompute and ctx["can_sign"] and ctx["current"] is None:
        option = next((o for o in sim.options if str(o.count) == chosen), None)
        if option is None:
            ctx["error"] = "Escolha o número de parcelas."
            status = 400
        elif "confirmar" in request.POST:
            try:
                agreement = debt_services.agreement_create(
                    actor=CitizenActor(grant),
                    property_id=prop.pk,
                    down_payment=sim.down_payment,
                    count=option.count,
                    as_of=today,
                )
            except DomainError as exc:
                ctx["error"] = exc.message
                status = 409
            else:
                messages.success(request, f"Parcelamento {agreement.number} firmado.")
                return redirect(page_url(request, "agreement_detail", prop.pk, agreement.pk))
        else:
            return render_page(
                request,
                "portal/services/installment_confirm.html",
                {
                    "prop": prop,
                    "sim": sim,
                    "option": option,
                    "monthly_percent": debt_pdf.percent_text(policy.monthly_rate),
                    "down_payment_days": version.down_payment_days,
                    "cancel_after_unpaid": version.cancel_after_unpaid,
                    "resolution": version.resolution,
                },
            )
    ctx |= {"sim": sim, "chosen": chosen, "entry_text": format_brl(sim.down_payment)}
    return render_page(request, "portal/services/installments.html", ctx, status=status)


@require_GET
@citizen_required
def agreement_detail(request: HttpRequest, property_id: int, agreement_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    agreement = access_agreement_by_id(prop, agreement_id)
    return render_page(
        request,
        "portal/services/agreement_detail.html",
        {
            "prop": prop,
            "a": agreement,
            "states": debt_selectors.installment_states(agreement),
            "monthly_percent": debt_pdf.percent_text(agreement.monthly_rate),
            "guia": agreement.down_payment_document,
            "today": tenant_today(),
        },
    )


@require_GET
@citizen_required
def agreement_guia_pdf(request: HttpRequest, property_id: int, agreement_id: int) -> HttpResponse:
    """Second copy of the down-payment guia (while the agreement waits for it)."""
    prop = granted_property(request, property_id)
    agreement = access_agreement_by_id(prop, agreement_id)
    document = agreement.down_payment_document
    if document is None or agreement.status != Agreement.Status.AWAITING_DOWN_PAYMENT:
        raise PermissionDenied(
            "Este parcelamento não tem guia de entrada a pagar.", code=ErrorCode.PERMISSION_DENIED
        )
    return pdf_response(debt_pdf.statement_pdf(document), f"guia-entrada-{agreement.pk}.pdf")


@require_GET
@citizen_required
def agreement_term_pdf(request: HttpRequest, property_id: int, agreement_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    agreement = access_agreement_by_id(prop, agreement_id)
    return pdf_response(debt_pdf.agreement_term_pdf(agreement), f"termo-parcelamento-{agreement.pk}.pdf")


# --- VA-16 / VA-17: the installment booklet (ADR 0213) ------------------------------------------


def _booklet(request: HttpRequest, prop: Any, agreement_id: int) -> booklet_reads.Booklet:
    agreement = access_agreement_by_id(prop, agreement_id)
    grant: Grant = request.grant  # type: ignore[attr-defined]
    return booklet_reads.booklet_issue(
        actor=CitizenActor(grant), agreement_id=agreement.pk, as_of=tenant_today()
    )


@require_GET
@citizen_required
def booklets(request: HttpRequest, property_id: int) -> HttpResponse:
    """2ª via de carnês: the property's agreements, those in progress with their booklet."""
    prop = granted_property(request, property_id)
    rows = list(agreements_of(prop).prefetch_related("active_debt_certificates")[:20])
    return render_page(request, "portal/services/booklets.html", {"prop": prop, "agreements": rows})


@require_GET
@citizen_required
def agreement_booklet(request: HttpRequest, property_id: int, agreement_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    try:
        booklet = _booklet(request, prop, agreement_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return redirect(page_url(request, "booklets", prop.pk))
    return render_page(
        request, "portal/services/booklet.html", {"prop": prop, "b": booklet, "a": booklet.agreement}
    )


@require_GET
@citizen_required
def agreement_booklet_pdf(request: HttpRequest, property_id: int, agreement_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    try:
        booklet = _booklet(request, prop, agreement_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return redirect(page_url(request, "booklets", prop.pk))
    return pdf_response(debt_pdf.booklet_pdf(booklet), f"carne-{booklet.agreement.pk}.pdf")


@require_POST
@citizen_required
def agreement_booklet_email(request: HttpRequest, property_id: int, agreement_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    back = redirect(page_url(request, "agreement_booklet", prop.pk, agreement_id))
    try:
        email_on_record(prop)  # before documents are made for nothing
        booklet = _booklet(request, prop, agreement_id)
        sent_to = send_document(prop, booklet_outgoing(booklet, prop))
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Enviamos o carnê do parcelamento {booklet.agreement.number} para {sent_to}."
        )
    return back
