"""VA-26 in the agency: the holder asks to update the CPF/CNPJ on file, with a document that proves
it; the registry keeps the old number until the utility approves the request on its desk."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from modules.common.errors import DomainError, PermissionDenied

from . import services_desk
from .auth import Grant
from .forms_desk import DocumentUpdateForm
from .models import ServiceRequest
from .services import Requester
from .views import _form_error, _is_totem, _property, _render, _request_context, _url, citizen_required


@require_http_methods(["GET", "POST"])
@citizen_required
def document_update(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = _property(request, property_id)
    if not grant.can_request:
        raise PermissionDenied("Nesta concessionária a entrada só com a matrícula permite apenas consultas.")
    initial = {"name": grant.holder_name} if grant.verified_holder else {}
    form = DocumentUpdateForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services_desk.document_update_request(
                    grant=grant,
                    prop=prop,
                    new_document=data["new_document"],
                    requester=Requester(
                        name=data["name"], email=data["email"], phone=data["phone"], document=grant.document
                    ),
                    attachments=data.get("attachments", []),
                    channel=ServiceRequest.Channel.TOTEM
                    if _is_totem(request)
                    else ServiceRequest.Channel.WEB,
                    description=data.get("description", ""),
                    context=_request_context(request),
                )
            except PermissionDenied:
                raise
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    f"Pedido registrado com o protocolo {item.protocol}. O CPF/CNPJ do cadastro muda "
                    "depois que o atendimento conferir o documento.",
                )
                return redirect(_url(request, "request_detail", prop.pk, item.protocol))
    return _render(request, "portal/document_update.html", {"form": form, "prop": prop}, status=status)
