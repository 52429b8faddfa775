"""The agency's "send by e-mail" buttons (VA-14 statement, VA-18 certificate, VA-20 declaration): the
PDF goes to the e-mail registered for the property (portal/mail.py), and the page says where, masked."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from modules.common.clock import tenant_today
from modules.common.errors import DomainError
from modules.debt.selectors import statement_valid_until
from modules.debt.services import statement_create

from .. import bills as reads
from ..access_services import access_certificate_by_id
from ..auth import CitizenActor, Grant
from ..mail import certificate_outgoing, email_on_record, send_document, statement_outgoing
from .base import citizen_required, granted_property, page_url


@require_POST
@citizen_required
def statement_email(request: HttpRequest, property_id: int) -> HttpResponse:
    """The statement form's "Enviar por e-mail": the same document as "Imprimir para pagar", mailed."""
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = granted_property(request, property_id)
    today = tenant_today()
    valid_until = statement_valid_until(today)
    selectable = {r.bill_id for r in reads.statement_rows(prop, valid_until) if r.selectable}
    selected = {int(b) for b in request.POST.getlist("bills") if b.isdigit()} & selectable
    back = redirect(page_url(request, "statement", property_id))
    if not selected:
        messages.error(request, "Marque ao menos uma conta para enviar o extrato.")
        return back
    try:
        email_on_record(prop)  # before a document is made for nothing
        doc = statement_create(
            actor=CitizenActor(grant),
            property_id=prop.pk,
            as_of=today,
            valid_until=valid_until,
            bill_ids=sorted(selected),
        )
        sent_to = send_document(prop, statement_outgoing(doc, prop))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Enviamos o extrato nº {doc.pk} para {sent_to}.")
    return back


@require_POST
@citizen_required
def certificate_email(request: HttpRequest, property_id: int, certificate_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    cert = access_certificate_by_id(prop, certificate_id)
    try:
        sent_to = send_document(prop, certificate_outgoing(cert, prop))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Enviamos o documento para {sent_to}.")
    return redirect(page_url(request, "certificate_detail", prop.pk, cert.pk))
