"""Writes of protocols (registro de atendimento): open one (from the agency, the counter, the API or
inside an attendance) with the type's deadline and queue, and the desk's moves — acknowledge, route,
change status (with "cliente respondido"), link the service order, decide a CPF/CNPJ update. Each is
keyword-only, one transaction, one `ServiceRequestEvent` per move and an audit row in the same
transaction. The audit actions keep the names they had in the agency ("portal.request_*"), so a
protocol's trail reads the same before and after the move (ADR 0181)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import current_tenant, tenant_today
from modules.common.domain.documents import document_kind, strip_document
from modules.common.errors import ValidationFailed
from modules.registry.models import Customer, Property
from modules.registry.services.customers import customer_document_change

from .. import hooks
from ..domain import protocols as domain_desk
from ..errors import ErrorCode
from ..models_desk import (
    Attendance,
    ProtocolCounter,
    ProtocolType,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestEvent,
)

ALLOWED_ATTACHMENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def protocol_number_next(year: int) -> str:
    """The next number of the utility's yearly protocol series (locked row: concurrent opens never
    share a number). Runs inside the caller's transaction."""
    counter, _ = ProtocolCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return domain_desk.format_protocol(year, counter.last)


@dataclass(frozen=True)
class Requester:
    name: str
    email: str = ""
    phone: str = ""
    document: str = ""


def _clean_email(value: str, field: str = "email") -> str:
    value = (value or "").strip()
    try:
        validate_email(value)
    except DjangoValidationError as exc:
        raise ValidationFailed("E-mail inválido.", field=field, code=ErrorCode.INVALID) from exc
    return value.lower()


def _clean_phone(value: str) -> str:
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    if len(digits) not in (10, 11):
        raise ValidationFailed(
            "Telefone inválido: informe DDD e número (10 ou 11 dígitos).",
            field="phone",
            code=ErrorCode.INVALID,
        )
    return digits


def attachments_check(files: Sequence[UploadedFile]) -> None:
    """PDF, JPG or PNG, within the utility's count and size limits."""
    limits = hooks.desk_settings()
    if len(files) > limits.attachment_max_files:
        raise ValidationFailed(
            f"Envie no máximo {limits.attachment_max_files} anexos.",
            field="attachments",
            code=ErrorCode.INVALID,
        )
    for f in files:
        if f.content_type not in ALLOWED_ATTACHMENT_TYPES:
            raise ValidationFailed(
                f"O anexo {f.name} não é PDF, JPG nem PNG.",
                field="attachments",
                code=ErrorCode.ATTACHMENT_TYPE,
            )
        if (f.size or 0) > limits.attachment_max_bytes:
            mb = limits.attachment_max_bytes / 1_000_000
            raise ValidationFailed(
                f"O anexo {f.name} passa de {mb:.0f} MB.", field="attachments", code=ErrorCode.ATTACHMENT_SIZE
            )


def protocol_types(kind: str, *, active_only: bool = True) -> list[ProtocolType]:
    qs = ProtocolType.objects.filter(kind=kind)
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs)


def protocol_record(
    *,
    actor: Actor,
    kind: str,
    type_code: str,
    requester: Requester,
    channel: str,
    prop: Property | None = None,
    description: str = "",
    reference_point: str = "",
    attachments: Sequence[UploadedFile] = (),
    context: dict[str, Any] | None = None,
    today: dt.date | None = None,
    attendance: Attendance | None = None,
    offered: set[str] | None = None,
    phone_optional: bool = False,
    specification: str = "",
) -> ServiceRequest:
    """Open a protocol: a service request, an ombudsman request or a report of a problem with the
    agency. Its number is the next of the yearly series; its deadline and queue are its type's
    (`ProtocolType`); `offered` narrows the types a channel may open (the agency's choice). The
    requester gets the number by e-mail, and the ombudsman's inbox a notice, after the commit.

    Runs inside the caller's transaction (the agency's `request_open`, `counter_request_open`,
    `attendance_protocol_open`, or a write that adds to the protocol)."""
    today = today or tenant_today()
    type_ = ProtocolType.objects.filter(code=type_code, kind=kind, is_active=True).first()
    if type_ is None or (offered is not None and type_code not in offered):
        raise ValidationFailed(
            "Escolha um tipo de solicitação da lista.", field="type", code=ErrorCode.INVALID
        )
    name = (requester.name or "").strip()
    if len(name) < 3:
        raise ValidationFailed("Informe o nome do solicitante.", field="name", code=ErrorCode.INVALID)
    staff_channel = channel in (
        ServiceRequest.Channel.COUNTER,
        ServiceRequest.Channel.PHONE,
        ServiceRequest.Channel.CHAT,
    )
    # the totem prints the protocol on its receipt and asks no e-mail (a kiosk has no keyboard for it)
    totem = channel == ServiceRequest.Channel.TOTEM
    email_optional = kind == ServiceRequest.Kind.AGENCY_PROBLEM or staff_channel or totem
    email = _clean_email(requester.email) if requester.email or not email_optional else ""
    # a case the utility opens itself (a consumption review from the reading queue) may not know a phone
    phone_needed = kind == ServiceRequest.Kind.SERVICE and not phone_optional
    phone = _clean_phone(requester.phone) if requester.phone or phone_needed else ""
    document = strip_document(requester.document)
    if document and document_kind(document) is None:
        raise ValidationFailed(
            "CPF/CNPJ inválido: confira os dígitos.", field="document", code=ErrorCode.INVALID
        )
    if kind == ServiceRequest.Kind.OMBUDSMAN and not document:
        raise ValidationFailed(
            "A ouvidoria precisa do CPF ou CNPJ do solicitante.", field="document", code=ErrorCode.INVALID
        )
    description = (description or "").strip()
    if kind != ServiceRequest.Kind.SERVICE and len(description) < 10:
        raise ValidationFailed(
            "Descreva o assunto (ao menos 10 letras).", field="description", code=ErrorCode.INVALID
        )
    attachments_check(attachments)
    # VA-23: a type with specifications asks for one on the citizen's channels; its deadline rules
    specs = domain_desk.specifications_from(type_.specifications)
    spec = next((s for s in specs if s.code == specification), None)
    if (specification and spec is None) or (specs and spec is None and channel in AGENCY_CHANNELS):
        raise ValidationFailed(
            "Escolha a especificação do pedido na lista do tipo escolhido.",
            field="specification",
            code=ErrorCode.INVALID,
        )
    deadline_days = spec.deadline_days if spec else type_.deadline_days
    unit = type_.queue or domain_desk.default_queue(kind)
    request: ServiceRequest = ServiceRequest.objects.create(
        protocol=protocol_number_next(today.year),
        kind=kind,
        type_code=type_code,
        property=prop,
        requester_name=name[:200],
        requester_document=document,
        requester_email=email,
        requester_phone=phone,
        description=description[:4000],
        reference_point=(reference_point or "").strip()[:200],
        specification=spec.label[:120] if spec else "",
        channel=channel,
        expected_on=today + dt.timedelta(days=deadline_days),
        unit=unit,
        context=context or {},
        attendance=attendance,
    )
    for f in attachments:
        ServiceRequestAttachment.objects.create(
            request=request, file=f, original_name=f.name[:200], content_type=f.content_type, size=f.size or 0
        )
    ServiceRequestEvent.objects.create(
        request=request,
        status=ServiceRequest.Status.RECEIVED,
        unit=unit,
        note=f"Aberto pelo canal {request.get_channel_display().lower()}",
        actor=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="portal.request_create",
        target=request,
        after=snapshot(request, exclude=("requester_document", "context")),
    )
    if kind == ServiceRequest.Kind.SERVICE and channel in AGENCY_CHANNELS and type_.service_code and prop:
        agency_order_open(request, type_, actor=actor)
    pk, schema = request.pk, connection.schema_name
    transaction.on_commit(lambda: _request_emails(pk, schema))
    return request


# the citizen's own channels: a request there opens its type's order in the validation queue
AGENCY_CHANNELS = frozenset(
    {ServiceRequest.Channel.WEB, ServiceRequest.Channel.TOTEM, ServiceRequest.Channel.API}
)


def agency_order_open(request: ServiceRequest, type_: ProtocolType, *, actor: Actor) -> None:
    """3.2.14.11 / 3.2.15.9 (ADR 0223): the request of a type that names a service code opens a real
    service order for the property, suspended for approval whatever the code says (the validation
    queue: nothing schedules it until the utility releases it), linked to the protocol the citizen
    follows. An inactive or deleted code leaves the request a protocol only, with a note saying so.

    Runs inside the caller's transaction (`protocol_record`)."""
    from .orders import order_open_one

    code = agency_code_ensure(type_.service_code)
    if code is None or not code.is_active:
        ServiceRequestEvent.objects.create(
            request=request,
            status=request.status,
            unit=request.unit,
            note=f"Sem ordem de serviço: o código {type_.service_code} não está ativo",
            actor=actor.get_username()[:150],
        )
        return
    what = f"{type_.label} — {request.specification}" if request.specification else type_.label
    lines = [f"Protocolo {request.protocol} ({request.get_channel_display().lower()}): {what}."]
    if request.reference_point:
        lines.append(f"Ponto de referência: {request.reference_point}")
    if request.description:
        lines.append(request.description)
    lines.append(f"Solicitante: {request.requester_name}, telefone {request.requester_phone or '—'}")
    order = order_open_one(
        actor=actor,
        code=code.code,
        property_id=request.property_id,
        opened_at=None,
        description="\n".join(lines),
        hold=True,
    )
    request.order = order
    request.save(update_fields=["order"])
    ServiceRequestEvent.objects.create(
        request=request,
        status=request.status,
        unit=request.unit,
        note=f"Ordem de serviço {order.label} aberta; aguarda a validação da concessionária",
        actor=actor.get_username()[:150],
    )


def _request_emails(request_id: int, schema: str) -> None:
    request = ServiceRequest.objects.get(pk=request_id)
    tenant = current_tenant()
    tenant_name = tenant.name if tenant else ""
    if request.requester_email:
        send_mail(
            subject=f"{tenant_name}: protocolo {request.protocol}",
            message=(
                f"Olá, {request.requester_name}.\n\n"
                f"Recebemos o seu pedido ({request.type_label}) pelo canal "
                f"{request.get_channel_display().lower()}.\n"
                f"Número do protocolo: {request.protocol}\n"
                f"Data prevista para resposta: {request.expected_on:%d/%m/%Y}\n\n"
                f"Acompanhe pela agência virtual, em Meus pedidos.\n\n{tenant_name}"
            ),
            from_email=None,
            recipient_list=[request.requester_email],
        )
    inbox = hooks.desk_settings().ombudsman_email
    if request.kind == ServiceRequest.Kind.OMBUDSMAN and inbox:
        send_mail(
            subject=f"Ouvidoria: protocolo {request.protocol} pendente de recebimento",
            message=(
                f"Novo protocolo de ouvidoria ({request.type_label}) aberto pelo canal "
                f"{request.get_channel_display().lower()}: "
                f"{request.protocol}. Situação: pendente de recebimento."
            ),
            from_email=None,
            recipient_list=[inbox],
        )


def _locked(request: ServiceRequest) -> ServiceRequest:
    locked: ServiceRequest = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    return locked


def _refuse(problem: str | None, field: str | None = None) -> None:
    if problem:
        raise ValidationFailed(problem, field=field, code=ErrorCode.ILLEGAL_MOVE)


def _event(request: ServiceRequest, *, actor: Actor, status: str, note: str, from_unit: str = "") -> None:
    ServiceRequestEvent.objects.create(
        request=request,
        status=status,
        from_unit=from_unit,
        unit=request.unit,
        note=note.strip()[:300],
        actor=actor.get_username(),
    )


_AUDITED = ["status", "unit", "received_at", "received_by", "closed_at", "closing_reason"]


@transaction.atomic(durable=True)
def request_acknowledge(*, actor: Actor, request: ServiceRequest, note: str = "") -> ServiceRequest:
    """The sector holding the protocol confirms it got it (VA-33: "pendente de recebimento" ends)."""
    request = _locked(request)
    _refuse(
        domain_desk.acknowledge_problem(protocol=request.protocol, status=request.status, unit=request.unit)
    )
    before = snapshot(request, fields=_AUDITED)
    request.status = ServiceRequest.Status.PENDING
    request.received_at = timezone.now()
    request.received_by = actor.get_username()[:150]
    request.save(update_fields=["status", "received_at", "received_by"])
    _event(request, actor=actor, status=request.status, note=note or f"Recebido no setor {request.unit}")
    audit_record(
        actor=actor,
        action="portal.request_acknowledge",
        target=request,
        before=before,
        after=snapshot(request, fields=_AUDITED),
    )
    return request


@transaction.atomic(durable=True)
def request_route(*, actor: Actor, request: ServiceRequest, to_unit: str, note: str) -> ServiceRequest:
    """Tramitação: the protocol goes to another sector, which must confirm receiving it."""
    units = list(hooks.desk_settings().units)
    request = _locked(request)
    _refuse(
        domain_desk.route_problem(
            protocol=request.protocol,
            status=request.status,
            unit=request.unit,
            to_unit=to_unit,
            units=units,
            note=note,
        ),
        field="unit",
    )
    before = snapshot(request, fields=_AUDITED)
    from_unit = request.unit
    request.unit = to_unit
    request.status = ServiceRequest.Status.RECEIVED
    request.received_at, request.received_by = None, ""
    request.save(update_fields=["unit", "status", "received_at", "received_by"])
    _event(request, actor=actor, status=request.status, note=note, from_unit=from_unit)
    audit_record(
        actor=actor,
        action="portal.request_route",
        target=request,
        before=before,
        after=snapshot(request, fields=_AUDITED),
        reason=note.strip()[:300],
    )
    return request


@transaction.atomic(durable=True)
def request_status_change(
    *, actor: Actor, request: ServiceRequest, status: str, reason: str = "", note: str = ""
) -> ServiceRequest:
    """Pendente / Em andamento / Encerrado (with the closing reason the citizen sees, VA-24)."""
    request = _locked(request)
    _refuse(
        domain_desk.status_change_problem(
            protocol=request.protocol,
            status=request.status,
            target=status,
            reason=reason,
            type_code=request.type_code,
        ),
        field="status" if status not in domain_desk.SETTABLE else "reason",
    )
    _apply_status(actor=actor, request=request, status=status, reason=reason, note=note)
    return request


def protocol_close_in(*, actor: Actor, request: ServiceRequest, reason: str) -> ServiceRequest:
    """Close the protocol with the reason the citizen sees, under `request_status_change`'s rules.
    Runs inside the caller's transaction (a consumption review closes its protocol with the case). A
    protocol its sector never confirmed receiving is received first: the case was worked there."""
    request = _locked(request)
    if request.status == ServiceRequest.Status.RECEIVED:
        request.status = ServiceRequest.Status.PENDING
        request.received_at = timezone.now()
        request.received_by = actor.get_username()[:150]
        request.save(update_fields=["status", "received_at", "received_by"])
        _event(request, actor=actor, status=request.status, note=f"Recebido no setor {request.unit}")
    _refuse(
        domain_desk.status_change_problem(
            protocol=request.protocol,
            status=request.status,
            target=ServiceRequest.Status.CLOSED,
            reason=reason,
            type_code=request.type_code,
        ),
        field="reason",
    )
    _apply_status(actor=actor, request=request, status=ServiceRequest.Status.CLOSED, reason=reason, note="")
    return request


def _apply_status(*, actor: Actor, request: ServiceRequest, status: str, reason: str, note: str) -> None:
    before = snapshot(request, fields=_AUDITED)
    request.status = status
    if status == ServiceRequest.Status.CLOSED:
        request.closed_at = timezone.now()
        request.closing_reason = reason.strip()[:200]
    if status == ServiceRequest.Status.ANSWERED:
        request.answered_at = timezone.now()
    request.save(update_fields=["status", "closed_at", "closing_reason", "answered_at"])
    _event(request, actor=actor, status=status, note=note or request.closing_reason)
    audit_record(
        actor=actor,
        action="portal.request_status_change",
        target=request,
        before=before,
        after=snapshot(request, fields=_AUDITED),
        reason=reason.strip()[:300],
    )


APPROVED_REASON = "CPF/CNPJ atualizado no cadastro"


@transaction.atomic(durable=True)
def document_update_decide(
    *, actor: Actor, request: ServiceRequest, approve: bool, reason: str = ""
) -> ServiceRequest:
    """VA-26: approving applies the new CPF/CNPJ through the registry's own write (which refuses a
    number that belongs to another customer) and closes the protocol; refusing closes it with the
    reason. Either way in one transaction: a refused registry change leaves the protocol open."""
    request = _locked(request)
    _refuse(
        domain_desk.document_decision_problem(
            protocol=request.protocol,
            status=request.status,
            type_code=request.type_code,
            approve=approve,
            reason=reason,
        ),
        field="reason",
    )
    if approve:
        if request.customer_id is None:
            raise ValidationFailed(
                f"O protocolo {request.protocol} não indica de qual cliente é o CPF/CNPJ.",
                code=ErrorCode.NO_CUSTOMER,
            )
        customer = Customer.objects.get(pk=request.customer_id)
        customer_document_change(
            actor=actor,
            customer=customer,
            cpf_cnpj=request.new_document,
            reason=f"Protocolo {request.protocol} (agência virtual)",
        )
        closing = APPROVED_REASON
    else:
        closing = f"Pedido recusado: {reason.strip()}"
    _apply_status(actor=actor, request=request, status=ServiceRequest.Status.CLOSED, reason=closing, note="")
    audit_record(
        actor=actor,
        action="portal.document_update_approve" if approve else "portal.document_update_reject",
        target=request,
        reason=closing[:300],
    )
    return request


@transaction.atomic(durable=True)
def counter_request_open(
    *,
    actor: Actor,
    prop: Property,
    type_code: str,
    requester: Requester,
    description: str = "",
    reference_point: str = "",
    attachments: Sequence[UploadedFile] = (),
    attendance: Attendance | None = None,
    channel: str = ServiceRequest.Channel.COUNTER,
) -> ServiceRequest:
    """A request taken by an attendant (balcão, telefone, chat), maybe inside an attendance: same
    protocol series and history as the agency's, so the citizen follows it there too (VA-24). Every
    active service type is open to the desk."""
    return protocol_record(
        actor=actor,
        kind=ServiceRequest.Kind.SERVICE,
        type_code=type_code,
        prop=prop,
        requester=requester,
        channel=channel,
        description=description,
        reference_point=reference_point,
        attachments=attachments,
        attendance=attendance,
    )


@transaction.atomic(durable=True)
def request_order_link(*, actor: Actor, request: ServiceRequest, order_id: int | None) -> ServiceRequest:
    """The service order that carries the protocol out (3.2.13.4): the follow-up queue shows it until
    the order closes and the customer is answered."""
    from ..models import ServiceOrder

    request = _locked(request)
    order = None
    if order_id is not None:
        order = ServiceOrder.objects.filter(pk=order_id).first()
        if order is None:
            raise ValidationFailed(
                "Ordem de serviço não encontrada.", field="order", code=ErrorCode.ORDER_NOT_FOUND
            )
    before = {"order": request.order_id}
    request.order = order
    request.save(update_fields=["order"])
    _event(
        request,
        actor=actor,
        status=request.status,
        note=f"Ordem de serviço {order.year}/{order.number:06d} vinculada"
        if order
        else "Ordem de serviço desvinculada",
    )
    audit_record(
        actor=actor,
        action="service.protocol_order_link",
        target=request,
        before=before,
        after={"order": order_id},
    )
    return request


def agency_code_ensure(code: str) -> Any:
    """The service code named `code`; one of ADR 0223's defaults (`AGENCY_ORDER_CODES`) is made the
    first time a request needs it, so a utility that never takes such a request has no such code.
    None for an unknown code. Runs inside the caller's transaction."""
    from modules.common.audit import SystemActor

    from ..models import ServiceCode

    found = ServiceCode.objects.filter(code=code).first()
    if found is not None:
        return found
    default = next((c for c in domain_desk.AGENCY_ORDER_CODES if c.code == code), None)
    if default is None:
        return None
    row, created = ServiceCode.objects.get_or_create(
        code=default.code,
        defaults={
            "description": default.description,
            "group": "Agência virtual",
            "billing_type": "not_billable",
            "deadline_value": default.deadline_value,
            "deadline_unit": default.deadline_unit,
        },
    )
    if created:
        audit_record(
            actor=SystemActor("agencia-virtual"),
            action="service.code_create",
            target=row,
            after={"code": row.code, "description": row.description},
        )
    return row
