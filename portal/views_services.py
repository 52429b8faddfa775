"""Agency pages over debt and billing (issue 7): the certificate of debts and its public
authentication link (VA-18/VA-19), the annual debt-clearance declaration (VA-20), the installment
simulator with online signing where the utility allows it and the agreement's second copies
(VA-32, VA-16), the bill simulator (VA-31) and the tariff table (VA-30).

Every number comes from the modules' services and selectors; every object is reached through the
citizen's scope (`access_services`), so another citizen's agreement or certificate is a 404.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from modules.billing.domain.calculation import sewer_price_per_m3
from modules.billing.domain.tariffs import ServiceType
from modules.billing.services import simulation as bill_simulation
from modules.billing.services import tariffs as tariff_services
from modules.common.clock import tenant_today
from modules.common.domain.money import format_brl
from modules.common.errors import DomainError, PermissionDenied, ValidationFailed
from modules.debt import pdf as debt_pdf
from modules.debt import selectors as debt_selectors
from modules.debt import services as debt_services
from modules.debt.domain.certificates import CertificateKind
from modules.debt.models import Agreement, Certificate

from .access_services import access_agreement_by_id, access_certificate_by_id, agreements_of
from .auth import CitizenActor, Grant, session_grant
from .installments import debt_requester
from .models import AgencySettings
from .views import _property, _render, _url, citizen_required

DECLARATION_YEARS = 5


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _brl(value: Decimal) -> str:
    return format_brl(value)


# --- VA-18 / VA-19: certificate of debts ----------------------------------------------------------


def _issued(prop: Any, agency: AgencySettings) -> list[Certificate]:
    """The documents issued for the property whose service the utility offers (VA-08)."""
    issued = Certificate.objects.filter(property=prop).order_by("-created_at")
    if not agency.offers("annual_declaration"):
        issued = issued.exclude(kind=Certificate.Kind.ANNUAL_DECLARATION)
    return list(issued[:10])


@require_http_methods(["GET", "POST"])
@citizen_required
def certificates(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = _property(request, property_id)
    today = tenant_today()
    status = 200
    if request.method == "POST":
        try:
            cert = debt_services.certificate_issue(
                actor=CitizenActor(grant), property_id=prop.pk, today=today
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 409
        else:
            messages.success(request, f"{cert.get_kind_display()} emitida.")
            return redirect(_url(request, "certificate_detail", prop.pk, cert.pk))
    decision = debt_selectors.certificate_decision(prop.pk, today)
    return _render(
        request,
        "portal/services/certificates.html",
        {
            "prop": prop,
            "today": today,
            "decision": decision,
            "refused": decision.kind is CertificateKind.REFUSED,
            "negative": decision.kind is CertificateKind.NEGATIVE,
            "issued": _issued(prop, request.agency),  # type: ignore[attr-defined]
        },
        status=status,
    )


@require_GET
@citizen_required
def certificate_detail(request: HttpRequest, property_id: int, certificate_id: int) -> HttpResponse:
    prop = _property(request, property_id)
    cert = access_certificate_by_id(prop, certificate_id)
    return _render(
        request,
        "portal/services/certificate_detail.html",
        {
            "prop": prop,
            "cert": cert,
            "verify_url": f"{reverse('certificate-verify')}?codigo={cert.code}",
        },
    )


@require_GET
@citizen_required
def certificate_pdf(request: HttpRequest, property_id: int, certificate_id: int) -> HttpResponse:
    prop = _property(request, property_id)
    cert = access_certificate_by_id(prop, certificate_id)
    return _pdf(debt_pdf.certificate_pdf(cert), f"certidao-{cert.code}.pdf")


# --- VA-20: annual debt-clearance declaration ------------------------------------------------------


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="Ano de referência", coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@citizen_required
def annual_declaration(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = _property(request, property_id)
    today = tenant_today()
    years = [today.year - n for n in range(1, DECLARATION_YEARS + 1)]
    form = YearForm(request.POST or None, years=years, initial={"year": years[0]})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cert = debt_services.annual_declaration_issue(
                    actor=CitizenActor(grant),
                    property_id=prop.pk,
                    year=form.cleaned_data["year"],
                    today=today,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, f"Declaração anual de {cert.year} emitida.")
                return redirect(_url(request, "certificate_detail", prop.pk, cert.pk))
        else:
            status = 400
    return _render(
        request, "portal/services/annual_declaration.html", {"prop": prop, "form": form}, status=status
    )


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


def _can_sign(grant: Grant, agency: AgencySettings) -> bool:
    return bool(agency.online_agreements and grant.can_request and grant.verified_holder)


@require_http_methods(["GET", "POST"])
@citizen_required
def installments(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    agency: AgencySettings = request.agency  # type: ignore[attr-defined]
    prop = _property(request, property_id)
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
        "can_sign": _can_sign(grant, agency) and not reactivation,
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
            raise ValidationFailed("Informe o valor de entrada em reais, por exemplo 41,53.", field="entrada")
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
            return _render(request, "portal/services/installments.html", ctx, status=status)
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
        return _render(request, "portal/services/installments.html", ctx, status=status)
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
                return redirect(_url(request, "agreement_detail", prop.pk, agreement.pk))
        else:
            return _render(
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
    ctx |= {"sim": sim, "chosen": chosen, "entry_text": _brl(sim.down_payment)}
    return _render(request, "portal/services/installments.html", ctx, status=status)


@require_GET
@citizen_required
def agreement_detail(request: HttpRequest, property_id: int, agreement_id: int) -> HttpResponse:
    prop = _property(request, property_id)
    agreement = access_agreement_by_id(prop, agreement_id)
    return _render(
        request,
        "portal/services/agreement_detail.html",
        {
            "prop": prop,
            "a": agreement,
            "states": debt_selectors.installment_states(agreement),
            "monthly_percent": debt_pdf.percent_text(agreement.monthly_rate),
            "guia": agreement.down_payment_document,
        },
    )


@require_GET
@citizen_required
def agreement_guia_pdf(request: HttpRequest, property_id: int, agreement_id: int) -> HttpResponse:
    """Second copy of the down-payment guia (while the agreement waits for it)."""
    prop = _property(request, property_id)
    agreement = access_agreement_by_id(prop, agreement_id)
    document = agreement.down_payment_document
    if document is None or agreement.status != Agreement.Status.AWAITING_DOWN_PAYMENT:
        raise PermissionDenied("Este parcelamento não tem guia de entrada a pagar.")
    return _pdf(debt_pdf.statement_pdf(document), f"guia-entrada-{agreement.pk}.pdf")


@require_GET
@citizen_required
def agreement_term_pdf(request: HttpRequest, property_id: int, agreement_id: int) -> HttpResponse:
    prop = _property(request, property_id)
    agreement = access_agreement_by_id(prop, agreement_id)
    return _pdf(debt_pdf.agreement_term_pdf(agreement), f"termo-parcelamento-{agreement.pk}.pdf")


# --- VA-30 / VA-31: tariff table and bill simulator (public) --------------------------------------


def _public(request: HttpRequest) -> None:
    agency = AgencySettings.current()
    request.agency = agency  # type: ignore[attr-defined]
    request.grant = session_grant(request, idle_seconds=agency.web_idle_minutes * 60)  # type: ignore[attr-defined]


def _version_in_force() -> tuple[Any, Any]:
    tariff = tariff_services.tariff_in_force(tenant_today())
    return tariff, tariff_services.tariff_version(tariff)


class BillSimulationForm(forms.Form):
    category = forms.ChoiceField(label="Categoria")
    dwelling_units = forms.IntegerField(label="Economias", min_value=1, max_value=999, initial=1)
    consumption_m3 = forms.IntegerField(label="Consumo (m³)", min_value=0, max_value=99_999)
    service = forms.ChoiceField(
        label="Serviço",
        choices=[(ServiceType.WATER_SEWER.value, "Água e esgoto"), (ServiceType.WATER.value, "Só água")],
        initial=ServiceType.WATER_SEWER.value,
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]


@require_GET
def tariff_table(request: HttpRequest) -> HttpResponse:
    _public(request)
    try:
        tariff, version = _version_in_force()
    except DomainError as exc:
        return _render(request, "portal/services/tariffs.html", {"error": exc.message})
    categories = [
        {
            "code": c.code,
            "name": c.name,
            "minimum": c.minimum_m3_per_unit,
            "sewer_percent": c.sewer_percent,
            "bands": [
                {
                    "from_m3": b.from_m3,
                    "to_m3": b.to_m3,
                    "water": b.price,
                    "sewer": sewer_price_per_m3(version, c, b.price),
                }
                for b in c.bands
            ],
            "fixed": c.fixed_charges,
        }
        for c in version.categories
    ]
    return _render(
        request,
        "portal/services/tariffs.html",
        {"tariff": tariff, "version": version, "categories": categories},
    )


@require_GET
def bill_simulator(request: HttpRequest) -> HttpResponse:
    _public(request)
    try:
        tariff, version = _version_in_force()
    except DomainError as exc:
        return _render(request, "portal/services/bill_simulator.html", {"error": exc.message})
    categories = [(c.code, c.name) for c in version.categories]
    form = BillSimulationForm(request.GET or None, categories=categories)
    ctx: dict[str, Any] = {"form": form, "tariff": tariff}
    status = 200
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = bill_simulation.simulate(
                    version=version,
                    entries=[bill_simulation.SimulationEntry(data["category"], data["dwelling_units"])],
                    consumption_m3=data["consumption_m3"],
                    service=ServiceType(data["service"]),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                ctx["result"] = {k: _brl(Decimal(result[k])) for k in ("water", "sewer", "fixed", "total")}
        else:
            status = 400
    return _render(request, "portal/services/bill_simulator.html", ctx, status=status)
