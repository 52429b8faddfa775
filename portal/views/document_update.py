"""VA-26 in the agency: the holder asks to update the CPF/CNPJ on file, with a document that proves
it; the registry keeps the old number until the utility approves the request on its desk."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from modules.common.errors import DomainError, ErrorCode, PermissionDenied
from modules.common.forms import form_error
from modules.registry.models import Property
from modules.service.models import ServiceRequest

from .. import services_desk
from ..auth import Grant
from ..forms_desk import DocumentUpdateForm
from ..services import Requester
from .base import (
    citizen_required,
    granted_property,
    is_totem,
    page_url,
    render_page,
    request_context,
)

PASS_SALT = "portal.document-update-pass"  # noqa: S105 - a signing namespace, not a secret
PASS_SECONDS = 30 * 60


def document_update_pass(property_id: int) -> str:
    """A signed, 30-minute pass to ask for the CPF/CNPJ update of one property, handed out by the VA-07
    alert (the matrícula and its check digit were right, nobody linked has a document on file, so
    nobody can sign in). It opens this one form and nothing else; it is not a session."""
    return signing.dumps({"p": property_id}, salt=PASS_SALT, compress=True)


@require_http_methods(["GET", "POST"])
@citizen_required
def document_update(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = granted_property(request, property_id)
    if not grant.can_request:
        raise PermissionDenied(
            "Nesta concessionária a entrada só com a matrícula permite apenas consultas.",
            code=ErrorCode.PERMISSION_DENIED,
        )
    return _document_update_form(request, grant, prop, passed=False)


@require_http_methods(["GET", "POST"])
def document_update_with_pass(request: HttpRequest, token: str) -> HttpResponse:
    """VA-07 → VA-26 without a session: the pass names the property; the page shows only its matrícula."""
    try:
        property_id = int(signing.loads(token, salt=PASS_SALT, max_age=PASS_SECONDS)["p"])
        prop = Property.objects.get(pk=property_id)
    except (signing.BadSignature, KeyError, TypeError, ValueError, Property.DoesNotExist):
        return render_page(
            request,
            "portal/not_found.html",
            {"message": "Este link expirou ou não é válido. Tente entrar de novo com a matrícula."},
            status=404,
        )
    grant = Grant(signed_property_id=prop.pk, account_number=prop.account_number, channel="web")
    return _document_update_form(request, grant, prop, passed=True)


def _document_update_form(
    request: HttpRequest, grant: Grant, prop: Property, *, passed: bool
) -> HttpResponse:
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
                    channel=ServiceRequest.Channel.TOTEM if is_totem(request) else ServiceRequest.Channel.WEB,
                    description=data.get("description", ""),
                    context=request_context(request),
                )
            except PermissionDenied:
                raise
            except DomainError as exc:
                form_error(form, exc)
            else:
                message = (
                    f"Pedido registrado com o protocolo {item.protocol}. O CPF/CNPJ do cadastro muda "
                    "depois que o atendimento conferir o documento."
                )
                if passed:  # no session to show "Meus pedidos": the protocol is the citizen's receipt
                    return render_page(
                        request, "portal/document_update_done.html", {"item": item, "message": message}
                    )
                messages.success(request, message)
                return redirect(page_url(request, "request_detail", prop.pk, item.protocol))
    return render_page(
        request, "portal/document_update.html", {"form": form, "prop": prop, "passed": passed}, status=status
    )
