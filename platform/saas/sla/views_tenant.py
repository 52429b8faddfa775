"""What a utility's host serves from the SLA app: the probe endpoint, the public status page, and the
staff pages for chamados (incidents) to the vendor."""

from __future__ import annotations

from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tenants.utils import get_public_schema_name

from modules.access.views import function_required
from modules.common.errors import DomainError

from . import selectors, services
from .domain.priorities import PRIORITIES
from .models import Incident


def _tenant(request: HttpRequest) -> object:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        raise Http404
    return tenant


@never_cache
def probe(request: HttpRequest) -> JsonResponse:
    """A query inside this tenant's own schema: if the schema is gone or unreachable, it fails (the
    search path would silently fall back to public, so the schema is named explicitly)."""
    schema = _tenant(request).schema_name  # type: ignore[attr-defined]
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(schema)}.django_migrations")  # noqa: S608
            cursor.fetchone()
    except Exception as exc:
        return JsonResponse({"status": "unavailable", "error": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok"})


def status_page(request: HttpRequest) -> HttpResponse:
    """Public, no sign-in: this utility's current state and its last 90 days."""
    tenant = _tenant(request)
    now = timezone.now()
    health = selectors.health(tenant)  # type: ignore[arg-type]
    days = selectors.status_history(tenant=tenant, as_of=now)  # type: ignore[arg-type]
    measured = selectors.measured_availability(tenant=tenant, as_of=now)  # type: ignore[arg-type]
    return render(
        request,
        "sla/status.html",
        {
            "health": health,
            "days": days,
            "measured": measured,
            "incidents_open": Incident.objects.filter(tenant=tenant, priority__lte=1)
            .exclude(status="closed")
            .count(),
            "now": now,
            "tz": selectors.zone_of(tenant),  # type: ignore[arg-type]
        },
    )


@function_required("ops.incidents")
def incidents_view(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    now = timezone.now()
    if request.method == "POST":
        if not request.user.can("ops.incidents", "add"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite abrir chamados.")
            return redirect("sla:incidents")
        try:
            incident = services.incident_open(
                actor=services.UtilityStaffActor(request.user, tenant.schema_name),  # type: ignore[attr-defined]
                tenant=tenant,  # type: ignore[arg-type]
                priority=int(request.POST.get("priority", "-1") or -1),
                description=request.POST.get("description", ""),
                channel="portal",
                now=now,
                by_utility=True,
            )
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "Prioridade inválida."))
        else:
            messages.success(request, f"Chamado aberto: protocolo {incident.protocol}.")
            return redirect("sla:incidents")
    rows = selectors.incident_rows(
        Incident.objects.filter(tenant=tenant).select_related("tenant").order_by("-opened_at")[:200], now
    )
    return render(
        request,
        "sla/incidents.html",
        {"rows": rows, "priorities": PRIORITIES, "tz": selectors.zone_of(tenant)},
    )  # type: ignore[arg-type]


@function_required("ops.incidents", "change")
def incident_accept_view(request: HttpRequest, protocol: str) -> HttpResponse:
    tenant = _tenant(request)
    incident = Incident.objects.filter(tenant=tenant, protocol=protocol).first()
    if incident is None or request.method != "POST":
        raise Http404
    actor = services.UtilityStaffActor(request.user, tenant.schema_name)  # type: ignore[attr-defined]
    try:
        if request.POST.get("decision") == "reject":
            services.incident_reject(actor=actor, incident=incident, reason=request.POST.get("reason", ""))
            messages.info(request, f"Solução do chamado {protocol} recusada; o fornecedor foi avisado.")
        else:
            services.incident_accept(actor=actor, incident=incident, now=timezone.now())
            messages.success(request, f"Solução do chamado {protocol} aceita.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("sla:incidents")
