"""Protocols (VA-24/VA-25): the citizen's requests and their history, a new service request, the
ombudsman (VA-33) and, open to anyone, the report of a problem with the agency itself (VA-29)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from modules.common.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from modules.common.forms import form_error
from modules.service.models import ServiceRequest
from modules.service.review_selectors import citizen_steps, review_of_protocol
from modules.service.services.protocols import protocol_types
from modules.service.services.reviews import phase_label

from .. import domain, selectors, services
from ..access import access_request_by_protocol
from ..auth import Grant, session_grant
from ..forms import OmbudsmanForm, ProblemForm, ServiceRequestForm
from ..models import AgencySettings
from .base import (
    citizen_required,
    granted_property,
    is_totem,
    page_url,
    render_page,
    request_context,
)


@require_GET
@citizen_required
def requests_list(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    items = selectors.requests_of(request.grant, prop)  # type: ignore[attr-defined]
    return render_page(request, "portal/requests_list.html", {"prop": prop, "items": items})


@require_GET
@citizen_required
def request_detail(request: HttpRequest, property_id: int, protocol: str) -> HttpResponse:
    prop = granted_property(request, property_id)
    item = access_request_by_protocol(request.grant, protocol)  # type: ignore[attr-defined]
    if item.property_id not in (None, prop.pk):
        raise NotFound("Protocolo não encontrado.", code=ErrorCode.NOT_FOUND)
    review = review_of_protocol(item.pk)  # a consumption review shows its phases (3.2.6.3)
    return render_page(
        request,
        "portal/request_detail.html",
        {
            "prop": prop,
            "item": item,
            "events": list(item.events.all()),
            "files": list(item.attachments.all()),
            "review": review,
            "review_steps": citizen_steps(review) if review else [],
            "review_phase": phase_label(review.phase) if review else "",
        },
    )


@require_http_methods(["GET", "POST"])
@citizen_required
def request_new(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = granted_property(request, property_id)
    agency: AgencySettings = request.agency  # type: ignore[attr-defined]
    if not grant.can_request:
        raise PermissionDenied(
            "Nesta concessionária a entrada só com a matrícula permite apenas consultas.",
            code=ErrorCode.PERMISSION_DENIED,
        )
    # the CPF/CNPJ update has its own page: it needs the new number and a document (VA-26)
    types = [
        t for t in protocol_types("service") if t.code in agency.request_types and t.code != "document_update"
    ]
    totem = is_totem(request)
    initial: dict[str, str] = {"name": grant.holder_name} if grant.verified_holder else {}
    if request.GET.get("tipo") in {t.code for t in types}:  # a link that names the type (VA-07 → VA-26)
        initial["type"] = request.GET["tipo"]
    form = ServiceRequestForm(
        request.POST or None, request.FILES or None, types=types, totem=totem, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.request_open(
                grant=grant,
                kind=ServiceRequest.Kind.SERVICE,
                type_code=data["type"],
                prop=prop,
                requester=services.Requester(
                    name=data["name"],
                    email=data.get("email", ""),
                    phone=data["phone"],
                    document=grant.document,
                ),
                channel=ServiceRequest.Channel.TOTEM if totem else ServiceRequest.Channel.WEB,
                description=data.get("description", ""),
                reference_point=data.get("reference_point", ""),
                attachments=data.get("attachments", []),
                context=request_context(request),
                specification=data.get("specification", ""),
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            opened = (
                f" A ordem de serviço {item.order.label} foi aberta e aguarda a validação da concessionária."
                if item.order_id
                else ""
            )
            messages.success(request, f"Pedido registrado. Anote o protocolo: {item.protocol}.{opened}")
            return redirect(page_url(request, "request_detail", prop.pk, item.protocol))
    return render_page(request, "portal/request_new.html", {"form": form, "prop": prop})


@require_http_methods(["GET", "POST"])
@citizen_required
def ombudsman(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = granted_property(request, property_id)
    if not grant.can_request:
        raise PermissionDenied(
            "Nesta concessionária a entrada só com a matrícula permite apenas consultas.",
            code=ErrorCode.PERMISSION_DENIED,
        )
    initial = {"name": grant.holder_name, "document": grant.masked_document} if grant.verified_holder else {}
    form = OmbudsmanForm(request.POST or None, request.FILES or None, initial=initial)
    if grant.verified_holder:  # already proved at sign-in: never shown or typed again
        del form.fields["document"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.request_open(
                grant=grant,
                kind=ServiceRequest.Kind.OMBUDSMAN,
                type_code=data["type"],
                prop=prop,
                requester=services.Requester(
                    name=data["name"],
                    email=data["email"],
                    document=grant.document or data.get("document", ""),
                ),
                channel=ServiceRequest.Channel.WEB,
                description=data["description"],
                attachments=data.get("attachments", []),
                context=request_context(request),
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                f"Manifestação registrada com o protocolo {item.protocol}. "
                "Enviamos a confirmação por e-mail.",
            )
            if not request.agency.offers("requests"):  # type: ignore[attr-defined]
                return redirect(page_url(request, "property_home", prop.pk))  # no "Meus pedidos" here (VA-08)
            return redirect(page_url(request, "request_detail", prop.pk, item.protocol))
    return render_page(request, "portal/ombudsman.html", {"form": form, "prop": prop})


# --- public pages ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def problem_report(request: HttpRequest) -> HttpResponse:
    """VA-29: open to anyone, signed in or not (the problem may be that signing in fails)."""
    agency = AgencySettings.current()
    idle = agency.web_idle_minutes * 60
    grant = session_grant(request, idle_seconds=idle)
    request.grant = grant  # type: ignore[attr-defined]
    form = ProblemForm(
        request.POST or None,
        request.FILES or None,
        initial={"page": request.headers.get("Referer", "")[:300]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.request_open(
                grant=grant,
                kind=ServiceRequest.Kind.AGENCY_PROBLEM,
                type_code=domain.AGENCY_PROBLEM.code,
                requester=services.Requester(name=data["name"], email=data.get("email", "")),
                channel=ServiceRequest.Channel.WEB,
                description=data["description"],
                attachments=[data["screenshot"]] if data.get("screenshot") else [],  # VA-29
                context={**request_context(request), "url": data.get("page", "")},
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            return render_page(
                request,
                "portal/message.html",
                {
                    "title": "Obrigado pelo aviso",
                    "text": (
                        f"Registramos o problema com o número {item.protocol}. Nossa equipe vai analisar."
                    ),
                },
            )
    return render_page(request, "portal/problem.html", {"form": form})
