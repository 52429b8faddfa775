"""Staff pages of reading in the field (ADR 0200): the batches (generate one for a group and month),
a batch with its routes' progress, the device each route went to, re-readings, the contractor's
collector file out and back and the closing; readers and devices; the live monitor (devices online,
battery, last positions and readings on a plain coordinate plot, messages to a reader)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from modules.access.models import User
from modules.access.views import function_required
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.common.selectors import change_history
from modules.registry.models import BillingGroup, Property

from . import selectors_batches as sel
from .models import CollectorExchange, Device, Reader, ReaderAppSettings, ReaderMessage, ReadingBatch
from .services import batches as svc
from .services import collector
from .services.reader_app import reader_app_settings_update
from .services.sync import device_get


def _can(request: HttpRequest, action: str) -> bool:
    return bool(request.user.can("reading.batches", action))  # type: ignore[union-attr]


@function_required("reading.batches")
def batches_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not _can(request, "add"):
            messages.error(request, "Seu perfil não permite gerar cargas de leitura.")
            return redirect("reading:batches")
        try:
            group = get_object_or_404(BillingGroup, code=int(request.POST.get("group", "")))
            month = YearMonth.parse(request.POST.get("month", ""))
            batch, created = svc.batch_create(actor=request.user, group=group, month=month)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("reading:batches")
        except ValueError:
            messages.error(request, "Informe o grupo e o mês de referência (AAAA-MM).")
            return redirect("reading:batches")
        if created:
            messages.success(
                request, f"Carga do grupo {group.code} de {month.label} gerada: {batch.items_count} imóveis."
            )
        else:
            messages.info(request, f"A carga do grupo {group.code} de {month.label} já existia: nada mudou.")
        return redirect("reading:batch", batch.pk)
    batches = ReadingBatch.objects.select_related("group").order_by("-reference", "group__code")[:60]
    return render(
        request,
        "reading/batches.html",
        {
            "batches": batches,
            "groups": BillingGroup.objects.filter(active=True).order_by("code"),
            "default_month": tenant_today().strftime("%Y-%m"),
            "can_add": _can(request, "add"),
        },
    )


@function_required("reading.batches")
def batch_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ReadingBatch.objects.select_related("group"), pk=pk)
    if request.method == "POST":
        if not _can(request, "change"):
            messages.error(request, "Seu perfil não permite alterar cargas de leitura.")
            return redirect("reading:batch", pk)
        op = request.POST.get("op", "")
        try:
            if op == "assign":
                route = svc.batch_route(batch, int(request.POST.get("route", "0")))
                device = device_get(request.POST.get("device", ""))
                svc.route_assign(
                    actor=request.user,
                    route=route,
                    device=device,
                    override=request.POST.get("override") == "on",
                    reason=request.POST.get("override_reason", ""),
                )
                messages.success(request, f"Rota {route.code} entregue ao aparelho {device}.")
            elif op == "reread":
                marked = svc.rereading_create(
                    actor=request.user, batch=batch, reason=request.POST.get("reason", "")
                )
                messages.success(request, f"{marked} imóvel(is) enviado(s) para releitura.")
            elif op == "return":
                upload = request.FILES.get("file")
                if upload is None:
                    messages.error(request, "Envie o arquivo de retorno.")
                else:
                    report = collector.collector_return(
                        actor=request.user,
                        batch=batch,
                        text=upload.read().decode("utf-8-sig", errors="replace"),
                        source="amr" if request.POST.get("source") == "amr" else "file",
                    )
                    messages.success(
                        request,
                        f"Retorno processado: {report.accepted} de {report.records} leituras aceitas.",
                    )
                    for error in report.errors[:20]:
                        messages.error(request, error["detail"])
            elif op == "close":
                svc.batch_close(actor=request.user, batch=batch)
                messages.success(request, "Carga processada: não recebe mais leituras.")
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, "Rota inválida.")
        return redirect("reading:batch", pk)
    rows = sel.progress(batch)
    totals = {
        "total": sum(r.total for r in rows),
        "read": sum(r.read for r in rows),
        "pending": sum(r.pending for r in rows),
        "occurrences": sum(r.occurrences for r in rows),
        "in_review": sum(r.in_review for r in rows),
    }
    return render(
        request,
        "reading/batch.html",
        {
            "batch": batch,
            "rows": rows,
            "totals": totals,
            "devices": Device.objects.filter(active=True, reader__isnull=False).select_related("reader"),
            "exchanges": CollectorExchange.objects.filter(batch=batch)[:20],
            "can_change": _can(request, "change") and batch.status == ReadingBatch.Status.OPEN,
        },
    )


@function_required("reading.batches")
def collector_file_view(request: HttpRequest, pk: int, route: int) -> HttpResponse:
    batch = get_object_or_404(ReadingBatch, pk=pk)
    try:
        text = collector.collector_export(actor=request.user, route=svc.batch_route(batch, route))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reading:batch", pk)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="carga-{pk}-rota-{route}.csv"'
    return response


@function_required("reading.batches")
def readers_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not _can(request, "add"):
            messages.error(request, "Seu perfil não permite cadastrar leituristas.")
            return redirect("reading:readers")
        op = request.POST.get("op", "")
        try:
            if op == "reader":
                svc.reader_save(
                    actor=request.user,
                    user_id=int(request.POST.get("user", "0")),
                    employee_number=request.POST.get("employee_number", ""),
                    reads=request.POST.get("reads") == "on",
                )
                messages.success(request, "Leiturista salvo.")
            elif op == "app_settings":
                if not _can(request, "change"):
                    messages.error(request, "Seu perfil não permite alterar o aplicativo do leiturista.")
                    return redirect("reading:readers")
                reader_app_settings_update(
                    actor=request.user,
                    on_site_billing=request.POST.get("on_site_billing") == "on",
                    paper_mm=int(request.POST.get("paper_mm", "80")),
                    roll_length_m=int(request.POST.get("roll_length_m", "30")),
                    upload_every=int(request.POST.get("upload_every", "10")),
                    track_every_s=int(request.POST.get("track_every_s", "60")),
                )
                messages.success(request, "Configuração do aplicativo do leiturista salva.")
            elif op == "device":
                number = request.POST.get("reader", "")
                reader = Reader.objects.filter(employee_number=number).first() if number else None
                svc.device_save(
                    actor=request.user,
                    code=request.POST.get("code", ""),
                    label=request.POST.get("label", ""),
                    reader=reader,
                )
                messages.success(request, "Aparelho salvo.")
            elif op == "settings":
                if not _can(request, "change"):
                    messages.error(request, "Seu perfil não permite alterar a configuração.")
                    return redirect("reading:readers")
                svc.field_settings_update(
                    actor=request.user,
                    max_consecutive_cycles=int(request.POST.get("max_consecutive_cycles", "")),
                    position_retention_days=int(request.POST.get("position_retention_days", "")),
                    readable_statuses=request.POST.getlist("readable_statuses"),
                )
                messages.success(request, "Configuração salva.")
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, "Escolha o usuário.")
        return redirect("reading:readers")
    readers = list(Reader.objects.order_by("employee_number"))
    names = dict(User.objects.filter(pk__in=[r.user_id for r in readers]).values_list("pk", "full_name"))
    for r in readers:
        r.name = names.get(r.user_id, "")  # type: ignore[attr-defined]
    return render(
        request,
        "reading/readers.html",
        {
            "readers": readers,
            "devices": Device.objects.select_related("reader").order_by("code"),
            "settings": svc.field_settings(),
            "statuses": Property.Status.choices,
            "can_change": _can(request, "change"),
            "users": User.objects.filter(is_active=True).order_by("full_name")[:500],
            "can_add": _can(request, "add"),
            "history": change_history(
                object_types=[
                    "reading.reader",
                    "reading.device",
                    "reading.fieldreadingsettings",
                    "reading.readerappsettings",
                ]
            ),
            "app_settings": ReaderAppSettings.current(),
            "paper_choices": ReaderAppSettings.Paper.choices,
        },
    )


@function_required("reading.batches")
def monitor_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not _can(request, "change"):
            messages.error(request, "Seu perfil não permite enviar mensagens.")
        else:
            try:
                device = device_get(request.POST.get("device", ""))
                svc.message_send(actor=request.user, device=device, text=request.POST.get("text", ""))
                messages.success(request, f"Mensagem enviada ao aparelho {device}: chega no próximo envio.")
            except DomainError as exc:
                messages.error(request, exc.message)
        return redirect(request.get_full_path())
    open_batches = list(
        ReadingBatch.objects.filter(status=ReadingBatch.Status.OPEN)
        .select_related("group")
        .order_by("-reference")
    )
    raw = request.GET.get("batch", "")
    batch = next((b for b in open_batches if str(b.pk) == raw), open_batches[0] if open_batches else None)
    now = timezone.now()
    devices = sel.devices_status(now)
    since = now - dt.timedelta(hours=12)
    tracks = [sel.track(s.device, since) for s in devices]
    return render(
        request,
        "reading/monitor.html",
        {
            "batch": batch,
            "open_batches": open_batches,
            "rows": sel.progress(batch) if batch else [],
            "devices": devices,
            "online": sum(s.online for s in devices),
            "scatter": sel.plot(sel.monitor_points(batch), tracks),
            "trips": sel.trips(since),
            "sent": ReaderMessage.objects.select_related("device")[:15],
            "can_change": _can(request, "change"),
        },
    )


@function_required("reading.consumption")
def occurrences_view(request: HttpRequest) -> HttpResponse:
    """The utility's reading occurrences: what each does to the consumption, review and photo."""
    from .domain.consumption import OCCURRENCE_ACTION_LABELS
    from .models import Occurrence

    if request.method == "POST":
        if not request.user.can("reading.consumption", "change"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite alterar as ocorrências.")
            return redirect("reading:occurrences")
        try:
            row = svc.occurrence_save(
                actor=request.user,
                code=request.POST.get("code", ""),
                description=request.POST.get("description", ""),
                action=request.POST.get("action", ""),
                review=request.POST.get("review") == "on",
                photo_required=request.POST.get("photo_required") == "on",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Ocorrência {row.code} salva.")
        return redirect("reading:occurrences")
    return render(
        request,
        "reading/occurrences.html",
        {
            "rows": Occurrence.objects.order_by("code"),
            "actions": [(a.value, label) for a, label in OCCURRENCE_ACTION_LABELS.items()],
            "can_change": request.user.can("reading.consumption", "change"),  # type: ignore[union-attr]
            "history": change_history(object_types=["reading.occurrence"]),
        },
    )
