"""Pages of the virtual agency (/agencia/) and of totem mode (/totem/): the same views, two URL
namespaces; the namespace picks the layout, the idle timeout and what a kiosk offers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from modules.common.errors import DomainError, NotFound, PermissionDenied
from modules.common.http import client_ip

from . import domain, selectors, services
from .access import access_property_by_id, access_request_by_protocol
from .auth import (
    DocumentNotRegistered,
    Grant,
    SignInFailed,
    SignInThrottled,
    citizen_sign_in,
    session_end,
    session_grant,
    session_start,
)
from .forms import DueDayForm, EmailForm, OmbudsmanForm, ProblemForm, ServiceRequestForm, SignInForm
from .models import AgencySettings, ServiceRequest
from .views_channels import document_alert_context

View = Callable[..., HttpResponse]


def _ns(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.namespace if match and match.namespace in ("agencia", "totem") else "agencia"


def _is_totem(request: HttpRequest) -> bool:
    return _ns(request) == "totem"


def _url(request: HttpRequest, name: str, *args: Any) -> str:
    return reverse(f"{_ns(request)}:{name}", args=args)


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    agency = getattr(request, "agency", None) or AgencySettings.current()
    totem = _is_totem(request)
    tenant = connection.tenant
    base = {
        "ns": _ns(request),
        "totem": totem,
        "agency": agency,
        "tenant": tenant,
        "brand": domain.brand_colours(tenant.primary_color, tenant.secondary_color),
        "grant": getattr(request, "grant", None),
        "idle_seconds": agency.totem_idle_seconds if totem else agency.web_idle_minutes * 60,
        # the codes of the services this utility offers (VA-08): menus and links show only these
        "services_on": agency.enabled_services,
    }
    prop = context.get("prop")
    if prop is not None:  # asked (one query) only by the pages that offer "send by e-mail"
        base["email_on_record"] = lambda: bool(
            getattr(getattr(selectors.current_holder(prop), "customer", None), "email", "")
        )
    return render(request, template, {**base, **context}, status=status)


def _not_found(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _render(request, "portal/not_found.html", {"message": exc.message}, status=404)


def not_found_page(request: HttpRequest, message: str) -> HttpResponse:
    """The agency's 404 page before any view ran (a service the utility does not offer), with the
    citizen's session header when there is one."""
    if getattr(request, "grant", None) is None:
        agency = getattr(request, "agency", None) or AgencySettings.current()
        totem = _is_totem(request)
        idle = agency.totem_idle_seconds if totem else agency.web_idle_minutes * 60
        grant = session_grant(request, idle_seconds=idle)
        if grant is not None and (grant.channel == "totem") == totem:
            request.grant = grant  # type: ignore[attr-defined]
    return _render(request, "portal/not_found.html", {"message": message}, status=404)


def citizen_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        agency = getattr(request, "agency", None) or AgencySettings.current()  # the service gate's
        request.agency = agency  # type: ignore[attr-defined]
        totem = _is_totem(request)
        idle = agency.totem_idle_seconds if totem else agency.web_idle_minutes * 60
        grant = session_grant(request, idle_seconds=idle)
        if grant is None or (grant.channel == "totem") != totem:
            messages.info(request, "Entre com a matrícula para continuar.")
            return redirect(_url(request, "sign_in"))
        request.grant = grant  # type: ignore[attr-defined]
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:  # "not yours" and "missing" look exactly alike
            return _not_found(request, exc)
        except PermissionDenied as exc:
            messages.error(request, exc.message)
            return redirect(
                _url(request, "property_home", kwargs.get("property_id", grant.signed_property_id))
            )

    return wrapper


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- sign-in ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    agency = AgencySettings.current()
    request.agency = agency  # type: ignore[attr-defined]
    needs_document = agency.sign_in_mode == domain.SignInMode.ACCOUNT_CHECK_DIGIT_AND_DOCUMENT
    form = SignInForm(request.POST or None, needs_document=needs_document)
    status = 200
    document_alert = None
    if request.method == "POST" and form.is_valid():
        try:
            grant = citizen_sign_in(
                account=form.cleaned_data["account"],
                document=form.cleaned_data.get("document", ""),
                ip=client_ip(request),
                channel="totem" if _is_totem(request) else "web",
            )
        except SignInThrottled as exc:
            form.add_error(None, exc.message)
            status = 429
        except SignInFailed as exc:
            form.add_error(None, exc.message)
            status = 400
        except DocumentNotRegistered as exc:  # VA-07: no session, the way to get it registered instead
            document_alert = document_alert_context(request, agency, exc)
            status = exc.status
        except DomainError as exc:
            _form_error(form, exc)
            status = 400
        else:
            session_start(request, grant)
            return redirect(_url(request, "property_home", grant.signed_property_id))
    elif request.method == "POST":
        status = 400
    return _render(
        request,
        "portal/sign_in.html",
        {
            "form": form,
            "needs_document": needs_document,
            "service_types": domain.SERVICE_REQUEST_TYPES[:5],
            "document_alert": document_alert,
        },
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session_end(request)
    if request.POST.get("reason") == "idle":
        messages.info(request, "Sua sessão foi encerrada por inatividade.")
    else:
        messages.success(request, "Você saiu da agência virtual.")
    return redirect(_url(request, "sign_in"))


@require_GET
@citizen_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(_url(request, "property_home", request.grant.signed_property_id))  # type: ignore[attr-defined]


# --- a property's pages ----------------------------------------------------------------------------


def _property(request: HttpRequest, property_id: int) -> Any:
    return access_property_by_id(request.grant, property_id)  # type: ignore[attr-defined]


@require_GET
@citizen_required
def property_home(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = _property(request, property_id)
    return _render(
        request,
        "portal/property_home.html",
        {
            "overview": selectors.property_overview(grant, prop),
            "debts": selectors.open_debts_summary(prop),
            "others": selectors.other_properties(grant, current_id=prop.pk),
            "prop": prop,
        },
    )


@require_GET
@citizen_required
def property_registry(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = _property(request, property_id)
    return _render(
        request,
        "portal/property_registry.html",
        {"overview": selectors.property_overview(request.grant, prop), "prop": prop},  # type: ignore[attr-defined]
    )


@require_http_methods(["GET", "POST"])
@citizen_required
def email_change(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = _property(request, property_id)
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.email_change_request(
                grant=grant,
                prop=prop,
                new_email=form.cleaned_data["email"],
                confirm_url=lambda token: request.build_absolute_uri(
                    reverse("agencia:email_confirm", args=[token])
                ),
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                f"Enviamos um link para {form.cleaned_data['email']}. O e-mail só muda depois que você "
                "abrir o link (vale por 24 horas).",
            )
            return redirect(_url(request, "property_home", prop.pk))
    return _render(request, "portal/email_change.html", {"form": form, "prop": prop})


@require_GET
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.email_change_confirm(token=token)
    except NotFound as exc:
        return _render(
            request, "portal/message.html", {"title": "Link inválido", "text": exc.message}, status=404
        )
    return _render(
        request,
        "portal/message.html",
        {"title": "E-mail confirmado", "text": "Pronto: o novo e-mail já está no seu cadastro."},
    )


@require_http_methods(["GET", "POST"])
@citizen_required
def due_day(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = _property(request, property_id)
    agency: AgencySettings = request.agency  # type: ignore[attr-defined]
    current = selectors.chosen_due_day(prop)
    form = DueDayForm(request.POST or None, options=list(agency.due_day_options), initial={"day": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.due_day_change(grant=grant, prop=prop, day=form.cleaned_data["day"])
        except PermissionDenied:
            raise
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                f"Pronto: suas próximas contas vencerão no dia {form.cleaned_data['day']}. "
                "A conta que já foi emitida mantém o vencimento dela.",
            )
            return redirect(_url(request, "property_home", prop.pk))
    return _render(request, "portal/due_day.html", {"form": form, "prop": prop, "current": current})


@require_GET
@citizen_required
def requests_list(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = _property(request, property_id)
    items = selectors.requests_of(request.grant, prop)  # type: ignore[attr-defined]
    return _render(request, "portal/requests_list.html", {"prop": prop, "items": items})


@require_GET
@citizen_required
def request_detail(request: HttpRequest, property_id: int, protocol: str) -> HttpResponse:
    prop = _property(request, property_id)
    item = access_request_by_protocol(request.grant, protocol)  # type: ignore[attr-defined]
    if item.property_id not in (None, prop.pk):
        raise NotFound("Protocolo não encontrado.")
    return _render(
        request,
        "portal/request_detail.html",
        {
            "prop": prop,
            "item": item,
            "events": list(item.events.all()),
            "files": list(item.attachments.all()),
        },
    )


def _request_context(request: HttpRequest) -> dict[str, str]:
    return {"user_agent": request.headers.get("User-Agent", "")[:300], "ip": client_ip(request)}


@require_http_methods(["GET", "POST"])
@citizen_required
def request_new(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = _property(request, property_id)
    agency: AgencySettings = request.agency  # type: ignore[attr-defined]
    if not grant.can_request:
        raise PermissionDenied("Nesta concessionária a entrada só com a matrícula permite apenas consultas.")
    # the CPF/CNPJ update has its own page: it needs the new number and a document (VA-26)
    types = [
        t
        for t in domain.SERVICE_REQUEST_TYPES
        if t.code in agency.request_types and t.code != "document_update"
    ]
    totem = _is_totem(request)
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
                context=_request_context(request),
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"Pedido registrado. Anote o protocolo: {item.protocol}.")
            return redirect(_url(request, "request_detail", prop.pk, item.protocol))
    return _render(request, "portal/request_new.html", {"form": form, "prop": prop})


@require_http_methods(["GET", "POST"])
@citizen_required
def ombudsman(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = _property(request, property_id)
    if not grant.can_request:
        raise PermissionDenied("Nesta concessionária a entrada só com a matrícula permite apenas consultas.")
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
                context=_request_context(request),
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                f"Manifestação registrada com o protocolo {item.protocol}. "
                "Enviamos a confirmação por e-mail.",
            )
            if not request.agency.offers("requests"):  # type: ignore[attr-defined]
                return redirect(_url(request, "property_home", prop.pk))  # no "Meus pedidos" here (VA-08)
            return redirect(_url(request, "request_detail", prop.pk, item.protocol))
    return _render(request, "portal/ombudsman.html", {"form": form, "prop": prop})


# --- public pages ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def problem_report(request: HttpRequest) -> HttpResponse:
    """VA-29: open to anyone, signed in or not (the problem may be that signing in fails)."""
    agency = AgencySettings.current()
    idle = agency.web_idle_minutes * 60
    grant = session_grant(request, idle_seconds=idle)
    request.grant = grant  # type: ignore[attr-defined]
    form = ProblemForm(request.POST or None, initial={"page": request.headers.get("Referer", "")[:300]})
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
                context={**_request_context(request), "url": data.get("page", "")},
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return _render(
                request,
                "portal/message.html",
                {
                    "title": "Obrigado pelo aviso",
                    "text": (
                        f"Registramos o problema com o número {item.protocol}. Nossa equipe vai analisar."
                    ),
                },
            )
    return _render(request, "portal/problem.html", {"form": form})


@require_GET
def legal(request: HttpRequest, which: str) -> HttpResponse:
    tenant = connection.tenant
    title, text = (
        ("Aviso de privacidade", tenant.privacy_notice)
        if which == "privacidade"
        else ("Termos de uso", tenant.terms_of_use)
    )
    text = text or "Texto ainda não publicado pela concessionária."
    return _render(request, "portal/message.html", {"title": title, "text": text, "long": True})


@require_GET
def logo(request: HttpRequest) -> HttpResponse:
    """The utility's SVG logo as an image: loaded by <img>, an SVG never runs scripts."""
    svg = connection.tenant.logo_svg
    if not svg:
        return HttpResponse(status=404)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=300"
    return response
