"""Writes of attendances (atendimento, 3.2.13.1-3, §10): start one from a channel (maybe from a queue
ticket or a call), note subjects, hold time and the documents checked, comment, and close it with a
type, final notes and the protocol sent by e-mail. One open attendance per attendant: the database
refuses a second (constraint `service_one_open_attendance`) and the service says so first."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import current_tenant, tenant_today
from modules.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from modules.common.sms import normalize_phone
from modules.registry.models import Customer, Property

from .. import hooks
from ..errors import ErrorCode
from ..models_desk import Attendance, AttendanceComment, AttendanceSubject, ProtocolType, ServiceRequest
from .protocols import Requester, protocol_number_next, protocol_record

log = logging.getLogger(__name__)

CHANNELS = {value for value, _ in Attendance.Channel.choices}


def _open_of(actor: Actor) -> Attendance | None:
    found: Attendance | None = Attendance.objects.filter(attendant_id=actor.pk, ended_at__isnull=True).first()
    return found


@transaction.atomic(durable=True)
def attendance_start(
    actor: Actor,
    channel: str,
    property_id: int | None = None,
    customer_id: int | None = None,
    ticket_id: int | None = None,
    caller_number: str | None = None,
    *,
    contact_name: str = "",
    contact_email: str = "",
    waiting_since: dt.datetime | None = None,
) -> Attendance:
    """Open the attendant's attendance on a channel, with the next protocol of the utility's series.
    From a queue ticket the waiting time starts when the ticket was taken (the queue app's hook
    answers it; `waiting_since` overrides). Raises Conflict(attendance_open) when the attendant has
    one open, ValidationFailed for an unknown channel, NotFound for a missing property or customer."""
    if channel not in CHANNELS:
        raise ValidationFailed("Escolha o canal do atendimento.", field="channel", code=ErrorCode.INVALID)
    if not isinstance(actor.pk, int):
        raise PermissionDenied("Só um atendente (usuário) abre atendimentos.", code=ErrorCode.INVALID)
    current = _open_of(actor)
    if current is not None:
        raise Conflict(
            f"Encerre o atendimento {current.protocol} antes de iniciar outro.",
            code=ErrorCode.ATTENDANCE_OPEN,
        )
    prop = _property(property_id)
    customer = _customer(customer_id)
    if ticket_id is not None and waiting_since is None:
        waiting_since = hooks.ticket_waiting_since(ticket_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            attendance: Attendance = Attendance.objects.create(
                protocol=protocol_number_next(tenant_today().year),
                channel=channel,
                attendant_id=actor.pk,
                property=prop,
                customer=customer,
                ticket_id=ticket_id,
                caller_number="".join(ch for ch in caller_number or "" if ch.isdigit() or ch == "+")[:20],
                contact_name=(contact_name or (customer.name if customer else "")).strip()[:200],
                contact_email=_email(
                    contact_email or (customer.email if customer else "") or "", strict=False
                ),
                waiting_since=min(waiting_since, now) if waiting_since else None,
                started_at=now,
            )
    except IntegrityError as exc:  # a concurrent start by the same attendant
        raise Conflict(
            "Encerre o atendimento aberto antes de iniciar outro.", code=ErrorCode.ATTENDANCE_OPEN
        ) from exc
    audit_record(actor=actor, action="service.attendance_start", target=attendance, after=_snap(attendance))
    return attendance


def _property(property_id: int | None) -> Property | None:
    if property_id is None:
        return None
    found: Property | None = Property.objects.filter(pk=property_id).first()
    if found is None:
        raise NotFound("Imóvel não encontrado.", code=ErrorCode.PROPERTY_NOT_FOUND)
    return found


def _customer(customer_id: int | None) -> Customer | None:
    if customer_id is None:
        return None
    found: Customer | None = Customer.objects.filter(pk=customer_id).first()
    if found is None:
        raise NotFound("Cliente não encontrado.", code=ErrorCode.INVALID)
    return found


def _email(value: str, *, strict: bool = True) -> str:
    value = (value or "").strip().lower()
    if not value:
        return ""
    try:
        validate_email(value)
    except DjangoValidationError as exc:
        if not strict:
            return ""
        raise ValidationFailed("E-mail inválido.", field="email", code=ErrorCode.INVALID) from exc
    return value


def _snap(attendance: Attendance) -> dict[str, Any]:
    return snapshot(
        attendance,
        [
            "protocol",
            "channel",
            "property",
            "customer",
            "ticket_id",
            "started_at",
            "ended_at",
            "closing",
            "notes",
        ],
    )


def _locked_open(actor: Actor, attendance: Attendance) -> Attendance:
    """The attendance locked for a change by its attendant while it is open."""
    locked: Attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    if locked.attendant_id != actor.pk:
        raise PermissionDenied("Este atendimento é de outro atendente.", code=ErrorCode.ATTENDANCE_NOT_FOUND)
    if locked.ended_at is not None:
        raise Conflict(f"O atendimento {locked.protocol} já foi encerrado.", code=ErrorCode.ATTENDANCE_CLOSED)
    return locked


@transaction.atomic(durable=True)
def attendance_link(
    *, actor: Actor, attendance: Attendance, property_id: int | None = None, customer_id: int | None = None
) -> Attendance:
    """Identify who is being attended: the property and/or customer found by the search (S10.2-03)."""
    attendance = _locked_open(actor, attendance)
    before = _snap(attendance)
    if property_id is not None:
        attendance.property = _property(property_id)
    if customer_id is not None:
        attendance.customer = customer = _customer(customer_id)
        if customer and not attendance.contact_name:
            attendance.contact_name = customer.name[:200]
        if customer and not attendance.contact_email:
            attendance.contact_email = _email(customer.email or "", strict=False)
    attendance.save()
    audit_record(
        actor=actor,
        action="service.attendance_link",
        target=attendance,
        before=before,
        after=_snap(attendance),
    )
    return attendance


@transaction.atomic(durable=True)
def attendance_subject_add(
    *, actor: Actor, attendance: Attendance, type_code: str, note: str = ""
) -> AttendanceSubject:
    """One more subject of the contact (S10.1-08: several in one attendance), from the catalogue."""
    attendance = _locked_open(actor, attendance)
    type_ = ProtocolType.objects.filter(code=type_code, is_active=True).first()
    if type_ is None:
        raise ValidationFailed(
            "Escolha um assunto da lista.", field="type", code=ErrorCode.PROTOCOL_TYPE_NOT_FOUND
        )
    subject: AttendanceSubject = AttendanceSubject.objects.create(
        attendance=attendance, type=type_, note=(note or "").strip()[:300], at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="service.attendance_subject_add",
        target=attendance,
        after={"subject": type_.label, "note": subject.note},
    )
    return subject


@transaction.atomic(durable=True)
def attendance_checklist_set(
    *, actor: Actor, attendance: Attendance, type_code: str, checked: list[str]
) -> Attendance:
    """The documents of a procedure's checklist the attendant saw (S10.3-02); only items of the type's
    list count."""
    attendance = _locked_open(actor, attendance)
    type_ = ProtocolType.objects.filter(code=type_code).first()
    if type_ is None:
        raise ValidationFailed("Assunto desconhecido.", field="type", code=ErrorCode.PROTOCOL_TYPE_NOT_FOUND)
    before = dict(attendance.checklist_done)
    attendance.checklist_done = {
        **attendance.checklist_done,
        type_code: [i for i in type_.checklist if i in checked],
    }
    attendance.save(update_fields=["checklist_done"])
    audit_record(
        actor=actor,
        action="service.attendance_checklist",
        target=attendance,
        before={"checklist": before},
        after={"checklist": attendance.checklist_done},
    )
    return attendance


@transaction.atomic(durable=True)
def attendance_hold(*, actor: Actor, attendance: Attendance, seconds: int) -> Attendance:
    """Add the time a phone caller was kept on hold (tempo de retorno, S10.2-02)."""
    if not 0 < int(seconds) <= 4 * 3600:
        raise ValidationFailed(
            "Informe o tempo em espera (até 4 horas).", field="seconds", code=ErrorCode.INVALID
        )
    attendance = _locked_open(actor, attendance)
    before = attendance.hold_seconds
    attendance.hold_seconds += int(seconds)
    attendance.save(update_fields=["hold_seconds"])
    audit_record(
        actor=actor,
        action="service.attendance_hold",
        target=attendance,
        before={"hold_seconds": before},
        after={"hold_seconds": attendance.hold_seconds},
    )
    return attendance


@transaction.atomic(durable=True)
def attendance_close(
    *,
    actor: Actor,
    attendance: Attendance,
    closing: str,
    notes: str = "",
    send_email: bool = False,
    email: str = "",
    send_sms: bool = False,
    phone: str = "",
) -> Attendance:
    """Close the attendance with its type and final notes (3.2.13.3). With `send_email` the person
    gets the attendance's protocol and the protocols opened in it by e-mail, with `send_sms` by SMS
    to `phone` (or the number that called), after the commit; a gateway that fails then is logged,
    the closing stands."""
    if closing not in {value for value, _ in Attendance.Closing.choices}:
        raise ValidationFailed("Escolha o tipo de encerramento.", field="closing", code=ErrorCode.INVALID)
    attendance = _locked_open(actor, attendance)
    address = _email(email or attendance.contact_email) if send_email else ""
    if send_email and not address:
        raise ValidationFailed(
            "Informe o e-mail para enviar o protocolo.", field="email", code=ErrorCode.INVALID
        )
    mobile = normalize_phone(phone or attendance.caller_number) if send_sms else ""
    before = _snap(attendance)
    attendance.ended_at = timezone.now()
    attendance.closing = closing
    attendance.notes = (notes or "").strip()[:4000]
    attendance.emailed_to = address
    attendance.save(update_fields=["ended_at", "closing", "notes", "emailed_to"])
    audit_record(
        actor=actor,
        action="service.attendance_close",
        target=attendance,
        before=before,
        after=_snap(attendance),
    )
    if address:
        pk, schema = attendance.pk, connection.schema_name
        transaction.on_commit(lambda: _protocol_email(pk, schema))
    if mobile:
        pk = attendance.pk
        transaction.on_commit(lambda: _protocol_sms(pk, mobile))
    return attendance


def _protocol_sms(attendance_id: int, phone: str) -> None:
    from modules.common.errors import DomainError

    from .cti import sms_record

    attendance = Attendance.objects.prefetch_related("protocols").get(pk=attendance_id)
    tenant = current_tenant()
    others = [p.protocol for p in attendance.protocols.all()]
    text = f"{tenant.name if tenant else ''}: atendimento encerrado. Protocolo {attendance.protocol}." + (
        f" Solicitações: {', '.join(others)}." if others else ""
    )
    try:
        sms_record(
            to=phone,
            text=text,
            purpose="attendance_protocol",
            property_id=attendance.property_id,
            now=timezone.now(),
        )
    except DomainError:
        log.warning("protocol SMS of attendance %s not sent", attendance.protocol, exc_info=True)


def _protocol_email(attendance_id: int, schema: str) -> None:
    attendance = Attendance.objects.prefetch_related("protocols", "subjects__type").get(pk=attendance_id)
    tenant = current_tenant()
    name = tenant.name if tenant else ""
    lines = [f"Protocolo do atendimento: {attendance.protocol}"]
    lines += [
        f"Assunto: {s.type.label}" + (f" ({s.note})" if s.note else "") for s in attendance.subjects.all()
    ]
    for p in attendance.protocols.all():
        lines.append(
            f"Protocolo {p.protocol}: {p.type_label}, resposta prevista até {p.expected_on:%d/%m/%Y}"
        )
    send_mail(
        subject=f"{name}: protocolo de atendimento {attendance.protocol}",
        message=(
            f"Olá{', ' + attendance.contact_name if attendance.contact_name else ''}.\n\n"
            f"Obrigado pelo contato ({attendance.get_channel_display().lower()}).\n\n"
            + "\n".join(lines)
            + (f"\n\n{attendance.notes}" if attendance.notes else "")
            + f"\n\n{name}"
        ),
        from_email=None,
        recipient_list=[attendance.emailed_to],
    )


@transaction.atomic(durable=True)
def attendance_comment_add(*, actor: Actor, attendance: Attendance, text: str) -> AttendanceComment:
    """A free comment (3.2.13.2, S10.6-01), timestamped; the attendance may be closed already."""
    text = (text or "").strip()
    if len(text) < 2:
        raise ValidationFailed("Escreva o comentário.", field="text", code=ErrorCode.INVALID)
    if not isinstance(actor.pk, int):
        raise PermissionDenied("Só um usuário comenta.", code=ErrorCode.INVALID)
    comment: AttendanceComment = AttendanceComment.objects.create(
        attendance=attendance, author_id=actor.pk, text=text[:4000], created_at=timezone.now()
    )
    audit_record(
        actor=actor, action="service.attendance_comment_add", target=attendance, after={"text": comment.text}
    )
    return comment


@transaction.atomic(durable=True)
def attendance_comment_edit(*, actor: Actor, comment: AttendanceComment, text: str) -> AttendanceComment:
    """Only the author edits a comment (S10.6-01); the previous text stays in its history."""
    comment = AttendanceComment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != actor.pk:
        raise PermissionDenied("Só quem escreveu o comentário pode alterá-lo.", code=ErrorCode.NOT_AUTHOR)
    text = (text or "").strip()
    if len(text) < 2:
        raise ValidationFailed("Escreva o comentário.", field="text", code=ErrorCode.INVALID)
    if text == comment.text:
        return comment
    before = comment.text
    now = timezone.now()
    comment.history = [*comment.history, {"text": before, "until": now.isoformat()}]
    comment.text, comment.edited_at = text[:4000], now
    comment.save(update_fields=["text", "edited_at", "history"])
    audit_record(
        actor=actor,
        action="service.attendance_comment_edit",
        target=comment.attendance,
        before={"text": before},
        after={"text": comment.text},
    )
    return comment


_PROTOCOL_CHANNEL = {
    "counter": "counter",
    "phone": "phone",
    "chat": "chat",
    "agency": "web",
    "email": "email",
}


@transaction.atomic(durable=True)
def attendance_protocol_open(
    *, actor: Actor, attendance: Attendance, type_code: str, requester: Requester, description: str = ""
) -> ServiceRequest:
    """A protocol opened inside the attendance, for its property, on its channel: it gets its type's
    deadline and queue and is sent with the attendance's protocol at closing."""
    attendance = _locked_open(actor, attendance)
    return protocol_record(
        actor=actor,
        kind=ServiceRequest.Kind.SERVICE,
        type_code=type_code,
        requester=requester,
        channel=_PROTOCOL_CHANNEL[attendance.channel],
        prop=attendance.property,
        description=description,
        attendance=attendance,
    )
