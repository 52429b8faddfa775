"""Staff pages of reading: readings waiting for review (accept or correct), the collector's return
file, the groups' reading schedule with its manual adjustments and the municipal holidays, the
groups' schedule settings and the consumption regulation's versions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.common.selectors import change_history
from modules.common.settings_pages import settings_page
from modules.registry.models import BillingGroup

from . import services
from .domain.consumption import policy_reading_window
from .domain.regulation import policy_labels, policy_payload
from .forms import RegulationVersionForm, ScheduleAdjustForm, ScheduleSettingsForm
from .hooks import billed_months
from .models import Holiday, Reading, ReadingSchedule, ReviewStatus
from .services import regulation as regulation_services
from .services import schedule as schedule_services


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
        op = request.POST.get("op")
        action = {"holiday": "add", "holiday_import": "add", "holiday_remove": "delete"}.get(op or "", "add")
        if not request.user.can("reading.schedule", action):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite alterar o cronograma.")
            return redirect("reading:schedule")
        try:
            if op == "holiday":
                day = dt.date.fromisoformat(request.POST.get("date", ""))
                services.holiday_create(actor=request.user, day=day, name=request.POST.get("name", ""))
                messages.success(request, f"Feriado de {day:%d/%m/%Y} cadastrado.{_schedules_on(day)}")
            elif op == "holiday_import":
                upload = request.FILES.get("file")
                if upload is None:
                    messages.error(request, "Escolha o arquivo de feriados.")
                    return redirect("reading:schedule")
                try:
                    text = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    messages.error(
                        request, "O arquivo de feriados deve ser texto UTF-8 (data;nome por linha)."
                    )
                    return redirect("reading:schedule")
                added, skipped = services.holidays_import(actor=request.user, text=text)
                messages.success(
                    request, f"Feriados importados: {added} novo(s), {skipped} já cadastrado(s) mantido(s)."
                )
            elif op == "holiday_remove":
                day = dt.date.fromisoformat(request.POST.get("date", ""))
                services.holiday_remove(actor=request.user, day=day, reason=request.POST.get("reason", ""))
                messages.success(request, f"Feriado de {day:%d/%m/%Y} excluído.")
            else:
                first = YearMonth.of(today)
                for group in BillingGroup.objects.all():
                    services.schedule_generate(actor=request.user, group=group, first_month=first, months=12)
                messages.success(request, "Cronograma gerado para os próximos 12 meses.")
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, "Data inválida: informe a data do feriado.")
        return redirect("reading:schedule")
    start = YearMonth.of(today).plus(-1).first_day()
    rows = list(
        ReadingSchedule.objects.filter(reference__gte=start)
        .select_related("group")
        .order_by("reference", "group__code")[:60]
    )
    billed = billed_months(start)
    for row in rows:
        row.billed = (row.group_id, row.reference) in billed  # type: ignore[attr-defined]
    holidays = Holiday.objects.filter(date__gte=today.replace(month=1, day=1))
    context = {
        "rows": rows,
        "holiday_alert": services.holiday_alert(today),
        "holidays": holidays,
        "can_add": request.user.can("reading.schedule", "add"),  # type: ignore[union-attr]
        "can_change": request.user.can("reading.schedule", "change"),  # type: ignore[union-attr]
        "can_delete": request.user.can("reading.schedule", "delete"),  # type: ignore[union-attr]
        "history": change_history(object_types=["reading.holiday", "reading.readingschedule"]),
    }
    return render(request, "reading/schedule.html", context)


def _schedules_on(day: dt.date) -> str:
    """A warning when months already generated fall on the new holiday: they keep their dates."""
    hits = (
        ReadingSchedule.objects.filter(
            Q(reading_start=day)
            | Q(reading_end=day)
            | Q(billing_date=day)
            | Q(due_date=day)
            | Q(debit_date=day)
        )
        .select_related("group")
        .order_by("reference", "group__code")
    )
    names = [f"grupo {s.group.code} {s.reference:%m/%Y}" for s in hits[:5]]
    if not names:
        return ""
    return f" Atenção: o cronograma já gerado de {', '.join(names)} tem data neste dia; ajuste-o."


@require_http_methods(["GET", "POST"])
@function_required("reading.schedule")
def schedule_adjust_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a generated month's dates by hand, with the reason; refused on a billed month."""
    schedule = get_object_or_404(ReadingSchedule.objects.select_related("group"), pk=pk)
    can_change = request.user.can("reading.schedule", "change")  # type: ignore[union-attr]
    if request.method == "POST" and not can_change:
        return HttpResponseForbidden(render(request, "access/forbidden.html").content)
    initial = {n: getattr(schedule, n) for n in schedule_services.DATE_FIELDS}
    form = ScheduleAdjustForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            schedule_services.schedule_adjust(actor=request.user, schedule=schedule, reason=reason, **data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, f"Cronograma do grupo {schedule.group.code} de {schedule.reference:%m/%Y} ajustado."
            )
            return redirect("reading:schedule")
    billed = (schedule.group_id, schedule.reference) in billed_months(schedule.reference)
    if not can_change or billed:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "s": schedule,
        "form": form,
        "billed": billed,
        "can_change": can_change and not billed,
        "history": change_history(object_types=["reading.readingschedule"], object_id=schedule.pk),
    }
    return render(
        request, "reading/schedule_adjust.html", context, status=400 if request.method == "POST" else 200
    )


@function_required("reading.schedule")
def schedule_settings_list_view(request: HttpRequest) -> HttpResponse:
    groups = list(BillingGroup.objects.order_by("code"))
    rows = [(g, schedule_services.schedule_settings(g)) for g in groups]
    return render(
        request,
        "reading/schedule_settings_list.html",
        {"rows": rows, "history": change_history(object_types=["reading.schedulesettings"])},
    )


@require_http_methods(["GET", "POST"])
@function_required("reading.schedule")
def schedule_settings_view(request: HttpRequest, code: int) -> HttpResponse:
    """One group's schedule settings (settings_page), with that group's change history."""
    group = get_object_or_404(BillingGroup, code=code)
    row = schedule_services.schedule_settings(group)

    def save(*, actor: object, **fields: object) -> object:
        return schedule_services.schedule_settings_update(actor=actor, group=group, **fields)  # type: ignore[arg-type]

    return settings_page(
        request,
        function="reading.schedule",
        form_class=ScheduleSettingsForm,
        initial={name: getattr(row, name) for name in schedule_services.SETTINGS_FIELDS},
        save=save,
        title=f"Configuração do cronograma: {group}",
        saved_message=f"Configuração do cronograma do grupo {group.code} salva.",
        redirect_to=request.path,
        history_types=["reading.schedulesettings"],
        help_text=(
            "Vale para os meses gerados depois da alteração; os meses já gerados mantêm as datas "
            "(ajuste-os no cronograma)."
        ),
        extra={"history": change_history(object_types=["reading.schedulesettings"], object_id=row.pk)
               if row.pk else []},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@function_required("reading.consumption")
def regulation_view(request: HttpRequest) -> HttpResponse:
    """The consumption regulation's versions, a form for a new one from a month on, the history."""
    user = request.user
    today = tenant_today()
    in_force = regulation_services.consumption_policy(YearMonth.of(today).first_day())
    form = RegulationVersionForm(
        request.POST if request.POST.get("op") == "add" else None,
        initial={"valid_from": str(YearMonth.of(today).next()), **policy_payload(in_force)},
    )
    if request.method == "POST":
        op = request.POST.get("op")
        if not user.can("reading.consumption", "delete" if op == "remove" else "add"):  # type: ignore[union-attr]
            return HttpResponseForbidden(render(request, "access/forbidden.html").content)
        if op == "remove":
            try:
                day = dt.date.fromisoformat(request.POST.get("valid_from", ""))
                regulation_services.consumption_regulation_remove(
                    actor=user, valid_from=day, reason=request.POST.get("reason", "")
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            except ValueError:
                messages.error(request, "Versão inválida.")
            else:
                messages.success(request, f"Versão de {day:%m/%Y} excluída.")
            return redirect("reading:regulation")
        if form.is_valid():
            try:
                regulation_services.consumption_regulation_create(actor=user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    f"Nova versão do regulamento de consumo desde {form.cleaned_data['valid_from']:%m/%Y}.",
                )
                return redirect("reading:regulation")
    versions = regulation_services.regulation_versions()
    current = next((v for v in versions if v.valid_from <= today), None)
    context = {
        "versions": [(v, policy_labels(v.policy)) for v in versions],
        "defaults": policy_labels(in_force) if not versions else None,
        "current": current,
        "form": form,
        "can_add": user.can("reading.consumption", "add"),  # type: ignore[union-attr]
        "can_delete": user.can("reading.consumption", "delete"),  # type: ignore[union-attr]
        "history": change_history(object_types=[regulation_services.AUDIT_TYPE]),
    }
    return render(
        request, "reading/regulation.html", context, status=400 if request.method == "POST" else 200
    )
