"""The certificate of debts with its public authentication link (VA-18/VA-19) and the annual
debt-clearance declaration (VA-20). Every decision comes from `modules.debt`; every document is
reached through the citizen's scope (`access_services`), so another citizen's is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from modules.common.clock import tenant_today
from modules.common.errors import DomainError
from modules.debt import pdf as debt_pdf
from modules.debt import selectors as debt_selectors
from modules.debt import services as debt_services
from modules.debt.domain.certificates import CertificateKind
from modules.debt.models import Certificate

from ..access_services import access_certificate_by_id
from ..auth import CitizenActor, Grant
from ..domain import DECLARATION_YEARS
from ..models import AgencySettings
from .base import citizen_required, granted_property, page_url, pdf_response, render_page

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
    prop = granted_property(request, property_id)
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
            return redirect(page_url(request, "certificate_detail", prop.pk, cert.pk))
    decision = debt_selectors.certificate_decision(prop.pk, today)
    return render_page(
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
    prop = granted_property(request, property_id)
    cert = access_certificate_by_id(prop, certificate_id)
    return render_page(
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
    prop = granted_property(request, property_id)
    cert = access_certificate_by_id(prop, certificate_id)
    return pdf_response(debt_pdf.certificate_pdf(cert), f"certidao-{cert.code}.pdf")


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
    prop = granted_property(request, property_id)
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
                return redirect(page_url(request, "certificate_detail", prop.pk, cert.pk))
        else:
            status = 400
    return render_page(
        request, "portal/services/annual_declaration.html", {"prop": prop, "form": form}, status=status
    )
