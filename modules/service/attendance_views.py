"""Staff pages of attendances (/servicos/atendimentos/): start one, the attendance screen (timer,
subjects with their document checklists, protocols opened in it, comments, documents and screen
captures, the automatic action log, closing with the protocol by e-mail), earlier contacts, the
indicators per period and attendant, the follow-up queue of protocols, the protocol types and the
desk's configuration. Functions: `service.attendances` (attendances), `portal.requests` (protocols)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from modules.access.models import User
from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.audit import ACTION_LABELS, OBJECT_LABELS
from modules.common.errors import DomainError
from modules.common.selectors import change_history

from . import hooks
from . import selectors_attendance as reads
from .domain.protocols import format_duration
from .forms_desk import (
    AttendanceFilterForm,
    AttendanceProtocolForm,
    AttendanceStartForm,
    CloseAttendanceForm,
    CommentForm,
    DeskConfigurationForm,
    DocumentForm,
    HoldForm,
    ProtocolTypeForm,
    SubjectForm,
)
from .models_desk import AttendanceComment, DeskConfiguration, Document, ProtocolType, ServiceRequest
from .services import attendance as svc
from .services import desk_config
from .services import protocols as protocol_svc
from .services.protocols import Requester

FUNCTION = "service.attendances"


def _forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(render(request, "access/forbidden.html").content)


def _filter(request: HttpRequest) -> tuple[AttendanceFilterForm, reads.AttendanceFilter]:
    attendants = list(User.objects.filter(is_active=True).order_by("username").values_list("pk", "username"))
    form = AttendanceFilterForm(request.GET or None, attendants=attendants)
    data = form.cleaned_data if form.is_valid() else {}
    attendant = data.get("attendant") or ""
    return form, reads.AttendanceFilter(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        attendant_id=int(attendant) if attendant.isdigit() else None,
        channel=data.get("channel") or "",
    )


@require_http_methods(["GET", "POST"])
@function_required(FUNCTION)
def attendances_view(request: HttpRequest) -> HttpResponse:
    """The list, and the form that starts the attendant's attendance (or the link to the open one)."""
    current = reads.open_attendance_of(request.user.pk)  # type: ignore[arg-type]
    start = AttendanceStartForm(
        request.POST or None, initial={"property_id": request.GET.get("imovel") or None}
    )
    status = 200
    if request.method == "POST":
        if not request.user.can(FUNCTION, "add"):  # type: ignore[union-attr]
            return _forbidden(request)
        status = 400
        if start.is_valid():
            d = start.cleaned_data
            try:
                item = svc.attendance_start(
                    request.user,  # type: ignore[arg-type]
                    d["channel"],
                    property_id=d.get("property_id"),
                    customer_id=d.get("customer_id"),
                    caller_number=d.get("caller_number") or None,
                    contact_name=d.get("contact_name") or "",
                    contact_email=d.get("contact_email") or "",
                )
            except DomainError as exc:
                start.add_error(exc.field if exc.field in start.fields else None, exc.message)
                status = exc.status if exc.status in (404, 409) else 400
            else:
                messages.success(request, f"Atendimento {item.protocol} iniciado.")
                return redirect("service:attendance", item.pk)
    form, flt = _filter(request)
    page, size = page_of(request, reads.attendance_list(flt))
    return render(
        request,
        "service/attendance/list.html",
        {
            "current": current,
            "start": start,
            "form": form,
            "page": page,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
        },
        status=status,
    )


def _attendance_or_404(pk: int) -> Any:
    found = reads.attendance_get(pk)
    if found is None:
        raise Http404("Atendimento não encontrado.")
    return found


def _screen(request: HttpRequest, item: Any, status: int = 200, **forms: Any) -> HttpResponse:
    mine = item.attendant_id == request.user.pk and item.is_open
    checklists = []
    seen = set()
    for subject in item.subjects.all():
        t = subject.type
        if t.checklist and t.code not in seen:
            seen.add(t.code)
            checklists.append((t, set(item.checklist_done.get(t.code, []))))
    context = {
        "a": item,
        "mine": mine,
        "protocols": reads.attendance_protocols(item),
        "log": [
            (e, ACTION_LABELS.get(e.action, e.action), OBJECT_LABELS.get(e.object_type, e.object_type))
            for e in reads.attendance_action_log(item)
        ],
        "checklists": checklists,
        "links": DeskConfiguration.current().reference_links,
        "formats": ", ".join(c.upper() for c in DeskConfiguration.current().allowed_formats),
        "subject_form": forms.get("subject_form") or SubjectForm(),
        "protocol_form": forms.get("protocol_form")
        or AttendanceProtocolForm(initial={"name": item.contact_name, "email": item.contact_email}),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "hold_form": forms.get("hold_form") or HoldForm(),
        "close_form": forms.get("close_form")
        or CloseAttendanceForm(initial={"email": item.contact_email, "send_email": bool(item.contact_email)}),
        "document_form": forms.get("document_form") or DocumentForm(),
        "hold": format_duration(item.hold_seconds),
    }
    if item.ended_at:
        from .domain.protocols import attendance_times

        times = attendance_times(
            waiting_since=item.waiting_since, started_at=item.started_at, ended_at=item.ended_at
        )
        context["times"] = {k: format_duration(getattr(times, k)) for k in ("waiting", "service", "total")}
    return render(request, "service/attendance/detail.html", context, status=status)


@require_GET
@function_required(FUNCTION)
def attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _screen(request, _attendance_or_404(pk))


_ACTIONS = {
    "assunto": ("subject_form", SubjectForm),
    "protocolo": ("protocol_form", AttendanceProtocolForm),
    "comentario": ("comment_form", CommentForm),
    "espera": ("hold_form", HoldForm),
    "encerrar": ("close_form", CloseAttendanceForm),
    "documento": ("document_form", DocumentForm),
}


@require_POST
@function_required(FUNCTION, "change")
def attendance_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = _attendance_or_404(pk)
    actor: Any = request.user
    if action == "identificar":
        prop, cust = request.POST.get("property_id", ""), request.POST.get("customer_id", "")
        try:
            svc.attendance_link(
                actor=actor,
                attendance=item,
                property_id=int(prop) if prop.isdigit() else None,
                customer_id=int(cust) if cust.isdigit() else None,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return _screen(request, _attendance_or_404(pk), status=400)
        messages.success(request, "Cliente identificado no atendimento.")
        return redirect("service:attendance", pk)
    if action == "conferencia":
        try:
            svc.attendance_checklist_set(
                actor=actor,
                attendance=item,
                type_code=request.POST.get("type", ""),
                checked=request.POST.getlist("item"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return _screen(request, _attendance_or_404(pk), status=400)
        messages.success(request, "Documentos conferidos registrados.")
        return redirect("service:attendance", pk)
    if action not in _ACTIONS:
        raise Http404
    key, form_class = _ACTIONS[action]
    form = form_class(request.POST, request.FILES or None)
    if not form.is_valid():
        return _screen(request, item, status=400, **{key: form})
    d = form.cleaned_data
    try:
        done = _apply(actor, item, action, d)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _screen(
            request,
            _attendance_or_404(pk),
            status=exc.status if exc.status in (403, 409) else 400,
            **{key: form},
        )
    messages.success(request, done)
    return redirect("service:attendance", pk)


def _apply(actor: Any, item: Any, action: str, d: dict[str, Any]) -> str:
    if action == "assunto":
        s = svc.attendance_subject_add(
            actor=actor, attendance=item, type_code=d["type"], note=d.get("note", "")
        )
        return f"Assunto registrado: {s.type.label}."
    if action == "protocolo":
        p = svc.attendance_protocol_open(
            actor=actor,
            attendance=item,
            type_code=d["type"],
            requester=Requester(name=d["name"], phone=d["phone"], email=d.get("email") or ""),
            description=d.get("description", ""),
        )
        return f"Protocolo {p.protocol} aberto: resposta prevista até {p.expected_on:%d/%m/%Y}."
    if action == "comentario":
        svc.attendance_comment_add(actor=actor, attendance=item, text=d["text"])
        return "Comentário registrado."
    if action == "espera":
        svc.attendance_hold(actor=actor, attendance=item, seconds=d["minutes"] * 60)
        return "Tempo em espera registrado."
    if action == "documento":
        doc = desk_config.document_upload(
            actor=actor,
            file=d["file"],
            attendance=item,
            kind=Document.Kind.SCREENSHOT
            if d["file"].name.startswith("captura-")
            else Document.Kind.DOCUMENT,
            description=d.get("description", ""),
        )
        return f"Documento {doc.original_name} anexado."
    closed = svc.attendance_close(
        actor=actor,
        attendance=item,
        closing=d["closing"],
        notes=d.get("notes", ""),
        send_email=d.get("send_email", False),
        email=d.get("email") or "",
        send_sms=d.get("send_sms", False),
        phone=d.get("phone") or "",
    )
    sent = f" Protocolo enviado para {closed.emailed_to}." if closed.emailed_to else ""
    sent += " Protocolo enviado por SMS." if d.get("send_sms") else ""
    return f"Atendimento {closed.protocol} encerrado.{sent}"


@require_POST
@function_required(FUNCTION, "change")
def comment_edit_view(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(AttendanceComment, pk=comment_id, attendance_id=pk)
    try:
        svc.attendance_comment_edit(actor=request.user, comment=comment, text=request.POST.get("text", ""))  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return _screen(request, _attendance_or_404(pk), status=exc.status if exc.status == 403 else 400)
    messages.success(request, "Comentário alterado.")
    return redirect("service:attendance", pk)


@require_GET
@function_required(FUNCTION)
def document_view(request: HttpRequest, token: str) -> FileResponse:
    """A document leaves only through a staff permission, never by a public URL; each viewing is
    audited."""
    document = get_object_or_404(Document, token=token)
    desk_config.document_view_record(actor=request.user, document=document)  # type: ignore[arg-type]
    inline = document.content_type.startswith("image/") or document.content_type == "application/pdf"
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@require_http_methods(["GET", "POST"])
@function_required(FUNCTION)
def documents_view(request: HttpRequest) -> HttpResponse:
    """The repository of a property or customer (?imovel= / ?cliente=): list and upload."""
    prop = request.GET.get("imovel", "")
    cust = request.GET.get("cliente", "")
    if not (prop.isdigit() or cust.isdigit()):
        raise Http404
    form = DocumentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not request.user.can(FUNCTION, "add"):  # type: ignore[union-attr]
            return _forbidden(request)
        status = 400
        if form.is_valid():
            try:
                desk_config.document_upload(
                    actor=request.user,  # type: ignore[arg-type]
                    file=form.cleaned_data["file"],
                    property_id=int(prop) if prop.isdigit() else None,
                    customer_id=int(cust) if cust.isdigit() else None,
                    description=form.cleaned_data.get("description", ""),
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(request, "Documento anexado.")
                return redirect(request.get_full_path())
    qs = (
        Document.objects.filter(property_id=int(prop))
        if prop.isdigit()
        else Document.objects.filter(customer_id=int(cust))
    )
    return render(
        request,
        "service/attendance/documents.html",
        {
            "documents": list(qs[:200]),
            "form": form,
            "formats": ", ".join(c.upper() for c in DeskConfiguration.current().allowed_formats),
        },
        status=status,
    )


@require_GET
@function_required(FUNCTION)
def contacts_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    current = reads.open_attendance_of(request.user.pk)  # type: ignore[arg-type]
    return render(
        request,
        "service/attendance/contacts.html",
        {"q": q, "found": reads.prior_contacts(q), "current": current},
    )


@require_GET
@function_required(FUNCTION)
def indicators_view(request: HttpRequest) -> HttpResponse:
    form, flt = _filter(request)
    rows, total = reads.attendance_indicators(flt)
    fmt = [
        (r, format_duration(r.waiting), format_duration(r.service), format_duration(r.total))
        for r in [*rows, total]
    ]
    return render(
        request, "service/attendance/indicators.html", {"form": form, "rows": fmt[:-1], "total": fmt[-1]}
    )


@require_http_methods(["GET", "POST"])
@function_required("portal.requests")
def follow_up_view(request: HttpRequest) -> HttpResponse:
    """3.2.13.4: protocols owed to the customer, least remaining deadline first; link the service
    order and record that the customer was answered."""
    if request.method == "POST":
        if not request.user.can("portal.requests", "change"):  # type: ignore[union-attr]
            return _forbidden(request)
        item = get_object_or_404(ServiceRequest, protocol=request.POST.get("protocol", ""))
        try:
            if request.POST.get("action") == "answered":
                protocol_svc.request_status_change(
                    actor=request.user,  # type: ignore[arg-type]
                    request=item,
                    status=ServiceRequest.Status.ANSWERED,
                    note=request.POST.get("note", "") or "Cliente respondido",
                )
                messages.success(request, f"Protocolo {item.protocol}: cliente respondido.")
            else:
                order = request.POST.get("order", "")
                protocol_svc.request_order_link(
                    actor=request.user,  # type: ignore[arg-type]
                    request=item,
                    order_id=int(order) if order.isdigit() else None,
                )
                messages.success(request, f"Protocolo {item.protocol}: ordem de serviço vinculada.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(request.get_full_path())
    from modules.common.clock import tenant_today

    from .domain.protocols import remaining_days

    unit = request.GET.get("setor", "")
    today = tenant_today()
    rows = [(r, remaining_days(r.expected_on, today)) for r in reads.follow_up_queue(unit)]
    return render(
        request,
        "service/attendance/follow_up.html",
        {"rows": rows, "units": hooks.desk_settings().units, "unit": unit},
    )


@require_http_methods(["GET", "POST"])
@function_required("portal.requests")
def protocol_types_view(request: HttpRequest) -> HttpResponse:
    can_change = request.user.can("portal.requests", "change")  # type: ignore[union-attr]
    edit = ProtocolType.objects.filter(code=request.GET.get("tipo", "")).first()
    initial = (
        {
            "code": edit.code,
            "kind": edit.kind,
            "label": edit.label,
            "deadline_days": edit.deadline_days,
            "queue": edit.queue,
            "checklist": "\n".join(edit.checklist),
            "is_active": edit.is_active,
            "service_code": edit.service_code,
            "specifications": "\n".join(
                f"{x['code']} | {x['label']} | {x['deadline_days']}" for x in edit.specifications
            ),
        }
        if edit
        else None
    )
    form = ProtocolTypeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not can_change:
            return _forbidden(request)
        status = 400
        if form.is_valid():
            try:
                row = desk_config.protocol_type_set(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Tipo {row.label} salvo.")
                return redirect("service:protocol_types")
    return render(
        request,
        "service/attendance/protocol_types.html",
        {
            "types": list(ProtocolType.objects.all()),
            "form": form,
            "edit": edit,
            "can_change": can_change,
            "history": change_history(object_types=["service.protocoltype"]),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@function_required("portal.requests")
def desk_configuration_view(request: HttpRequest) -> HttpResponse:
    config = DeskConfiguration.current()
    can_change = request.user.can("portal.requests", "change")  # type: ignore[union-attr]
    initial = {
        "allowed_formats": config.allowed_formats,
        "max_document_mb": config.max_document_bytes // 1_000_000,
        "reference_links": "\n".join(f"{x['title']} | {x['url']}" for x in config.reference_links),
    }
    form = DeskConfigurationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not can_change:
            return _forbidden(request)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                desk_config.desk_configuration_update(
                    actor=request.user,  # type: ignore[arg-type]
                    allowed_formats=d["allowed_formats"],
                    max_document_bytes=d["max_document_mb"] * 1_000_000,
                    reference_links=d["reference_links"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Configuração do atendimento salva.")
                return redirect("service:desk_configuration")
    return render(
        request,
        "service/attendance/configuration.html",
        {
            "form": form,
            "can_change": can_change,
            "history": change_history(object_types=["service.deskconfiguration"]),
        },
        status=status,
    )
