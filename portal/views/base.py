"""What every page of the virtual agency (/agencia/) and of totem mode (/totem/) shares: the same
views serve two URL namespaces, and the namespace picks the layout, the idle timeout and what a
kiosk offers. The page modules of this package import these names; nothing here imports them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from modules.common.clock import current_tenant
from modules.common.errors import DomainError, NotFound, PermissionDenied
from modules.common.http import client_ip
from modules.registry.models import Property

from .. import domain, selectors
from ..access import access_property_by_id
from ..auth import Grant, session_grant
from ..models import AgencySettings

View = Callable[..., HttpResponse]


def namespace(request: HttpRequest) -> str:
    """ "agencia" or "totem": the URL namespace the request came in by."""
    match = request.resolver_match
    return match.namespace if match and match.namespace in ("agencia", "totem") else "agencia"


def is_totem(request: HttpRequest) -> bool:
    return namespace(request) == "totem"


def page_url(request: HttpRequest, name: str, *args: Any) -> str:
    """The URL of the page `name` in the request's own namespace (the totem stays in the totem)."""
    return reverse(f"{namespace(request)}:{name}", args=args)


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A template in the agency's layout, with what base.html reads: brand, session, idle timeout
    and the services the utility offers."""
    agency = getattr(request, "agency", None) or AgencySettings.current()
    totem = is_totem(request)
    tenant = current_tenant()
    base = {
        "ns": namespace(request),
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


def render_not_found(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render_page(request, "portal/not_found.html", {"message": exc.message}, status=404)


def not_found_page(request: HttpRequest, message: str) -> HttpResponse:
    """The agency's 404 page before any view ran (a service the utility does not offer), with the
    citizen's session header when there is one."""
    if getattr(request, "grant", None) is None:
        agency = getattr(request, "agency", None) or AgencySettings.current()
        totem = is_totem(request)
        idle = agency.totem_idle_seconds if totem else agency.web_idle_minutes * 60
        grant = session_grant(request, idle_seconds=idle)
        if grant is not None and (grant.channel == "totem") == totem:
            request.grant = grant  # type: ignore[attr-defined]
    return render_page(request, "portal/not_found.html", {"message": message}, status=404)


def citizen_required(view: View) -> View:
    """A page for a signed-in citizen of this namespace (a totem session opens no web page and the
    reverse); "not yours" and "missing" answer the same 404 page, a refusal goes back home."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        agency = getattr(request, "agency", None) or AgencySettings.current()  # the service gate's
        request.agency = agency  # type: ignore[attr-defined]
        totem = is_totem(request)
        idle = agency.totem_idle_seconds if totem else agency.web_idle_minutes * 60
        grant = session_grant(request, idle_seconds=idle)
        if grant is None or (grant.channel == "totem") != totem:
            messages.info(request, "Entre com a matrícula para continuar.")
            return redirect(page_url(request, "sign_in"))
        request.grant = grant  # type: ignore[attr-defined]
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:  # "not yours" and "missing" look exactly alike
            return render_not_found(request, exc)
        except PermissionDenied as exc:
            messages.error(request, exc.message)
            return redirect(
                page_url(request, "property_home", kwargs.get("property_id", grant.signed_property_id))
            )

    return wrapper


def request_grant(request: HttpRequest) -> Grant:
    """The signed-in citizen's grant (set by `citizen_required`)."""
    return request.grant  # type: ignore[attr-defined,no-any-return]


def granted_property(request: HttpRequest, property_id: int) -> Property:
    """The property, through the signed-in citizen's scope (404 for "not yours")."""
    return access_property_by_id(request_grant(request), property_id)


def request_context(request: HttpRequest) -> dict[str, str]:
    """What a protocol records of the request that opened it."""
    return {"user_agent": request.headers.get("User-Agent", "")[:300], "ip": client_ip(request)}


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
