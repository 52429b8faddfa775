"""Staff pages of reading: readings waiting for review (accept or correct), the collector's return
file, the groups' reading schedule and the municipal holidays."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.registry.models import BillingGroup

from . import services
from .domain.consumption import policy_reading_window
from .models import Holiday, Reading, ReadingSchedule, ReviewStatus


@function_required("reading.readings")
def review_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.can("reading.readings", "change"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite analisar leituras.")
            return redirect("reading:review")
        reading = get_object_or_404(Reading, pk=request.POST.get("reading"))
        raw = request.POST.get("value", "").strip()
        try:
            services.reading_review(
                actor=request.user,
                reading=reading,
                value=int(raw) if raw else None,
                reason=request.POST.get("reason", ""),
            )
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        else:
            messages.success(request, f"Leitura de {reading.property.account_number} analisada.")
        return redirect("reading:review")
    qs = Reading.objects.filter(review=ReviewStatus.PENDING).select_related(
        "property", "occurrence", "installation__meter"
    )
    page, size = page_of(request, qs.order_by("-reference", "property_id"))
    policy = services.consumption_policy(tenant_today())
    for reading in page:
        reading.window = (  # type: ignore[attr-defined]
            policy_reading_window(
                reading.previous_value, reading.average_m3, policy, reading.installation.meter.dials
            )
            if reading.previous_value is not None and reading.average_m3 and reading.installation
            else None
        )
    return render(
        request,
        "reading/review.html",
        {"page": page, "page_size": size, "page_sizes": PAGE_SIZES, "query": "", "policy": policy},
    )


@function_required("reading.readings", "add")
def import_view(request: HttpRequest) -> HttpResponse:
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Envie o arquivo de retorno do coletor.")
        else:
            report = services.readings_import(actor=request.user, text=upload.read().decode("utf-8-sig"))
    return render(request, "reading/import.html", {"report": report})


@function_required("reading.schedule")
def schedule_view(request: HttpRequest) -> HttpResponse:
    today = tenant_today()
    if request.method == "POST":
        if not request.user.can("reading.schedule", "add"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite alterar o cronograma.")
            return redirect("reading:schedule")
        try:
            if request.POST.get("op") == "holiday":
                day = dt.date.fromisoformat(request.POST.get("date", ""))
                services.holiday_create(actor=request.user, day=day, name=request.POST.get("name", ""))
                messages.success(request, f"Feriado de {day:%d/%m/%Y} cadastrado.")
            else:
                first = YearMonth.of(today)
                for group in BillingGroup.objects.all():
                    services.schedule_generate(actor=request.user, group=group, first_month=first, months=12)
                messages.success(request, "Cronograma gerado para os próximos 12 meses.")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("reading:schedule")
    start = YearMonth.of(today).plus(-1).first_day()
    rows = (
        ReadingSchedule.objects.filter(reference__gte=start)
        .select_related("group")
        .order_by("reference", "group__code")
    )
    holidays = Holiday.objects.filter(date__gte=today.replace(month=1, day=1))
    return render(request, "reading/schedule.html", {"rows": rows[:60], "holidays": holidays})
