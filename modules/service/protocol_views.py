"""The staff protocol desk (/atendimento/protocolos/, namespace "desk"): the list, one protocol with
its moves, its files and a request taken at the counter. The URLs stayed where users know them;
the pages moved here from the agency (ADR 0181)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.domain.documents import format_document
from modules.common.errors import DomainError
from modules.registry.domain.account_number import InvalidAccountNumber
from modules.registry.models import Property
from modules.registry.numbering import parse_account as parse_account_number

from . import selectors_desk
from .domain import protocols as domain_desk
from .forms_desk import (
    AcknowledgeForm,
    CounterRequestForm,
    DecisionForm,
    DeskFilterForm,
    RouteForm,
    StatusForm,
)
from .models_desk import ServiceRequest, ServiceRequestAttachment
from .services import protocols as services_desk
from .services.protocols import Requester


def _forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(render(request, "access/forbidden.html").content)


def _request_or_404(protocol: str) -> ServiceRequest:
    found = selectors_desk.desk_request(protocol)
    if found is None:
        raise Http404("Protocolo não encontrado.")
    return found


@require_GET
@function_required("portal.requests")
def requests_view(request: HttpRequest) -> HttpResponse:
    form = DeskFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors_desk.desk_request_list(
        selectors_desk.DeskFilter(
            status=data.get("status") or "",
            kind=data.get("kind") or "",
            type_code=data.get("type") or "",
            channel=data.get("channel") or "",
            unit=data.get("unit") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            q=data.get("q") or "",
        )
    )
    page, size = page_of(request, qs)
    query = urlencode({k: v for k, v in form.data.items() if k not in ("page", "page_size") and v})
    return render(
        request,
        "service/desk/requests.html",
        {
            "form": form,
            "page": page,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "query": query,
            "ombudsman_pending": selectors_desk.pending_receipt_count(),
            "today": selectors_desk.tenant_today(),
        },
    )


def _phone(digits: str) -> str:
    if len(digits) in (10, 11):
        return f"({digits[:2]}) {digits[2:-4]}-{digits[-4:]}"
    return digits


def _detail(request: HttpRequest, item: ServiceRequest, status: int = 200, **forms: Any) -> HttpResponse:
    can_change = request.user.can("portal.requests", "change")  # type: ignore[union-attr]
    events = list(item.events.all())
    context = {
        "item": item,
        "events": events,
        "files": list(item.attachments.all()),
        "requester_document": format_document(item.requester_document) if item.requester_document else "",
        "requester_phone": _phone(item.requester_phone),
        "new_document": format_document(item.new_document) if item.new_document else "",
        "current_document": format_document(item.customer.cpf_cnpj) if item.customer else "",
        "can_change": can_change,
        "overdue": selectors_desk.is_overdue(item),
        "is_document_update": item.type_code == domain_desk.DOCUMENT_UPDATE,
        "acknowledge_form": forms.get("acknowledge_form") or AcknowledgeForm(),
        "route_form": forms.get("route_form") or RouteForm(current=item.unit),
        "status_form": forms.get("status_form") or StatusForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
    }
    return render(request, "service/desk/request.html", context, status=status)


@require_GET
@function_required("portal.requests")
def request_view(request: HttpRequest, protocol: str) -> HttpResponse:
    return _detail(request, _request_or_404(protocol))


def _field_errors(form: Any) -> str:
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
        for f, errors in form.errors.items()
    )


@require_POST
@function_required("portal.requests", "change")
def request_action_view(request: HttpRequest, protocol: str, action: str) -> HttpResponse:
    """One POST per move; a refused move shows the page again, status 400, with the reason."""
    item = _request_or_404(protocol)
    actor: Any = request.user
    form: Any
    if action == "receber":
        form = AcknowledgeForm(request.POST)
        key, done = "acknowledge_form", "Recebimento confirmado."
    elif action == "encaminhar":
        form = RouteForm(request.POST, current=item.unit)
        key, done = "route_form", "Protocolo encaminhado."
    elif action == "situacao":
        form = StatusForm(request.POST)
        key, done = "status_form", "Situação alterada."
    elif action == "cpf-cnpj":
        if not request.user.can("registry.customers", "change"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite alterar o CPF/CNPJ de clientes do cadastro.")
            return _detail(request, item, status=403)
        form = DecisionForm(request.POST)
        key, done = "decision_form", ""
    else:
        raise Http404("Ação desconhecida.")
    if not form.is_valid():
        messages.error(request, _field_errors(form))
        return _detail(request, item, status=400, **{key: form})
    data = form.cleaned_data
    try:
        if action == "receber":
            services_desk.request_acknowledge(actor=actor, request=item, note=data["note"])
        elif action == "encaminhar":
            services_desk.request_route(actor=actor, request=item, to_unit=data["unit"], note=data["note"])
            done = f"Protocolo encaminhado ao setor {data['unit']}."
        elif action == "situacao":
            services_desk.request_status_change(
                actor=actor, request=item, status=data["status"], reason=data["reason"], note=data["note"]
            )
        else:
            approve = data["decision"] == "approve"
            services_desk.document_update_decide(
                actor=actor, request=item, approve=approve, reason=data["reason"]
            )
            done = (
                "Pedido aprovado: o CPF/CNPJ do cliente foi atualizado no cadastro."
                if approve
                else "Pedido recusado e protocolo encerrado."
            )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, _request_or_404(protocol), status=400, **{key: form})
    messages.success(request, done)
    return redirect("desk:request", item.protocol)


@require_GET
@function_required("portal.requests")
def attachment_view(request: HttpRequest, protocol: str, attachment_id: int) -> FileResponse:
    """Citizens' documents leave only through a staff permission, never by a public URL."""
    attachment = get_object_or_404(ServiceRequestAttachment, pk=attachment_id, request__protocol=protocol)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@function_required("portal.requests", "add")
def counter_request_view(request: HttpRequest) -> HttpResponse:
    """A request taken at the counter for a property (VA-24: the citizen sees it in the agency)."""
    initial: dict[str, Any] = {}
    if request.GET.get("imovel", "").isdigit():
        prop = Property.objects.filter(pk=request.GET["imovel"]).first()
        if prop:
            initial["account"] = prop.account_number
    form = CounterRequestForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            prop = _counter_property(form, data["account"])
            if prop is not None:
                try:
                    item = services_desk.counter_request_open(
                        actor=request.user,  # type: ignore[arg-type]
                        prop=prop,
                        type_code=data["type"],
                        requester=Requester(
                            name=data["name"],
                            email=data.get("email", ""),
                            phone=data["phone"],
                            document=data.get("document", ""),
                        ),
                        description=data.get("description", ""),
                        reference_point=data.get("reference_point", ""),
                        attachments=data.get("attachments", []),
                    )
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                else:
                    messages.success(request, f"Pedido registrado no balcão: protocolo {item.protocol}.")
                    return redirect("desk:request", item.protocol)
    return render(request, "service/desk/request_new.html", {"form": form}, status=status)


def _counter_property(form: CounterRequestForm, account: str) -> Property | None:
    try:
        base = parse_account_number(account)
    except InvalidAccountNumber as exc:
        form.add_error("account", str(exc))
        return None
    prop = Property.objects.filter(account_base=base).first()
    if prop is None:
        form.add_error("account", f"Nenhum imóvel com a matrícula {account}.")
    return prop
