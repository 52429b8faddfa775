"""Ops console pages for SLA: every utility's health, month availability and budget left, open
chamados by priority and deadline, invoices; per utility the month's figures with its outages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from modules.common.errors import DomainError
from modules.common.errors import ErrorCode as CommonCode
from saas.sla import selectors, services
from saas.sla.domain.periods import YearMonth
from saas.sla.domain.priorities import PRIORITIES
from saas.sla.models import Incident, Outage, VendorInvoice
from tenants.models import Tenant


def tenant_rows(now: dt.datetime) -> list[dict[str, Any]]:
    rows = []
    for tenant in Tenant.objects.exclude(schema_name="public").prefetch_related("domains").order_by("name"):
        report = selectors.month_report(tenant=tenant, month=selectors.current_month(tenant, now), as_of=now)
        rows.append(
            {
                "t": tenant,
                "health": selectors.health(tenant),
                "report": report,
                "budget": selectors.error_budget(tenant=tenant, as_of=now),
            }
        )
    return rows


@login_required
def sla_overview(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "ops/sla_overview.html",
        {
            "rows": tenant_rows(now),
            "incidents": selectors.open_incidents(as_of=now),
            "invoices": VendorInvoice.objects.select_related("tenant")[:20],
            "now": now,
        },
    )


def _local(value: str, tenant: Tenant) -> dt.datetime | None:
    parsed = parse_datetime(value) if value else None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=selectors.zone_of(tenant))  # the form's fields are local time
    return parsed


@login_required
def tenant_sla(request: HttpRequest, schema: str) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.exclude(schema_name="public"), schema_name=schema)
    now = timezone.now()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "outage":
                start, end = (
                    _local(request.POST.get("start", ""), tenant),
                    _local(request.POST.get("end", ""), tenant),
                )
                if start is None or end is None:
                    raise DomainError(
                        "Informe início e fim da indisponibilidade.", field="start", code=CommonCode.INVALID
                    )
                services.outage_record(
                    actor=request.user,
                    tenant=tenant,
                    start=start,
                    end=end,
                    now=now,  # type: ignore[arg-type]
                    cause=request.POST.get("cause", ""),
                    excluded=bool(request.POST.get("excluded")),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "Indisponibilidade registrada.")
            elif action == "exclude":
                outage = get_object_or_404(Outage, pk=request.POST.get("outage"), tenant=tenant)
                services.outage_exclude(
                    actor=request.user,
                    outage=outage,
                    excluded=request.POST.get("excluded") == "1",  # type: ignore[arg-type]
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "Situação contratual da indisponibilidade alterada.")
            elif action == "invoice":
                invoice = services.invoice_issue(
                    actor=request.user,
                    tenant=tenant,
                    month=YearMonth.parse(request.POST["month"]),
                    now=now,  # type: ignore[arg-type]
                )
                messages.success(request, f"Fatura {invoice.number} emitida.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?month={request.POST.get('month', '')}")
    current = selectors.current_month(tenant, now)
    try:
        month = YearMonth.parse(request.GET["month"]) if request.GET.get("month") else current
    except ValueError:
        month = current
    month = min(month, current)
    report = selectors.month_report(tenant=tenant, month=month, as_of=now)
    return render(
        request,
        "ops/tenant_sla.html",
        {
            "t": tenant,
            "r": report,
            "month": month,
            "previous": month.previous(),
            "next": month.next() if month < current else None,
            "budget": selectors.error_budget(tenant=tenant, as_of=now),
            "health": selectors.health(tenant),
            "invoices": VendorInvoice.objects.filter(tenant=tenant),
            "tz": selectors.zone_of(tenant),
        },
    )


@login_required
def incidents(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    if request.method == "POST":
        incident = get_object_or_404(Incident, protocol=request.POST.get("protocol"))
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.incident_acknowledge(actor=request.user, incident=incident, now=now)  # type: ignore[arg-type]
            elif action == "resolve":
                services.incident_resolve(
                    actor=request.user,
                    incident=incident,
                    now=now,  # type: ignore[arg-type]
                    solution=request.POST.get("solution", ""),
                    root_cause=request.POST.get("root_cause", ""),
                )
            elif action == "close":
                services.incident_close(actor=request.user, incident=incident, now=now)  # type: ignore[arg-type]
            elif action == "open":
                tenant = services.tenant_by_schema(request.POST.get("tenant", ""))
                incident = services.incident_open(
                    actor=request.user,
                    tenant=tenant,
                    now=now,
                    priority=int(request.POST.get("priority", -1)),  # type: ignore[arg-type]
                    description=request.POST.get("description", ""),
                    channel=request.POST.get("channel", "phone"),
                )
            messages.success(request, f"Chamado {incident.protocol} atualizado.")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "Dados inválidos."))
        return redirect("ops:incidents")
    rows = selectors.incident_rows(
        Incident.objects.select_related("tenant").order_by("status", "priority", "resolution_due")[:300], now
    )
    return render(
        request,
        "ops/incidents.html",
        {
            "open_rows": selectors.open_incidents(as_of=now),
            "closed_rows": [r for r in rows if r.incident.status == "closed"][:50],
            "tenants": Tenant.objects.exclude(schema_name="public").order_by("name"),
            "priorities": PRIORITIES,
        },
    )
