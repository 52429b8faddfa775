"""The one place where a utility's choice of agency services (VA-08, `AgencySettings.disabled_services`)
is enforced: `gate_pages` and `gate_api` wrap every view of portal/urls.py and portal/api_urls.py by
its URL name, through the catalog in `domain.AGENCY_SERVICES`. A page of a disabled service answers
the agency's own 404 page, an API endpoint the JSON 404 `service_disabled`, before the view runs,
whatever the method. URLs that no service claims and that are not in `domain.ALWAYS_ON_*` pass
untouched; tests/portal/test_agency_services.py fails on them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern

from modules.common.clock import current_tenant

from . import domain
from .errors import ErrorCode
from .models import AgencySettings
from .views.base import not_found_page

View = Callable[..., HttpResponse]


def disabled_message(codes: tuple[str, ...]) -> str:
    labels = " / ".join(domain.SERVICE_LABELS[c] for c in codes)
    tenant = current_tenant()
    return f"O serviço “{labels}” não está disponível na agência virtual da {tenant.name if tenant else ''}."


def _closed(agency: AgencySettings, codes: tuple[str, ...]) -> bool:
    return bool(codes) and not set(codes) & agency.enabled_services


def _page(view: View, codes: tuple[str, ...]) -> View:
    @wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        agency = AgencySettings.current()
        request.agency = agency  # type: ignore[attr-defined]
        if _closed(agency, codes):
            return not_found_page(request, disabled_message(codes))
        return view(request, *args, **kwargs)

    gated.agency_services = codes  # type: ignore[attr-defined]
    return gated


def _api(view: View, codes: tuple[str, ...]) -> View:
    @wraps(view)  # keeps the DRF view's `cls` and `csrf_exempt` (the OpenAPI schema reads `cls`)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _closed(AgencySettings.current(), codes):
            return JsonResponse(
                {"code": ErrorCode.SERVICE_DISABLED, "detail": disabled_message(codes)}, status=404
            )
        return view(request, *args, **kwargs)

    gated.agency_services = codes  # type: ignore[attr-defined]
    return gated


def _gate(patterns: list[Any], *, api: bool) -> list[Any]:
    out: list[Any] = []
    for p in patterns:
        codes = domain.url_services(p.name, api=api) if isinstance(p, URLPattern) and p.name else None
        if codes and not hasattr(p.callback, "agency_services"):  # the totem's patterns are the agency's too
            p = URLPattern(p.pattern, (_api if api else _page)(p.callback, codes), p.default_args, p.name)
        out.append(p)
    return out


def gate_pages(patterns: list[Any]) -> list[Any]:
    return _gate(patterns, api=False)


def gate_api(patterns: list[Any]) -> list[Any]:
    return _gate(patterns, api=True)
