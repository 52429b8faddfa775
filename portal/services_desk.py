"""Writes of the staff side of the agency: the protocol desk (acknowledge, route, change status,
decide a CPF/CNPJ update, register a request taken at the counter), the citizen's CPF/CNPJ update
request (VA-26) and the agency settings screen. Each is keyword-only, one transaction, one
`ServiceRequestEvent` per move and an audit row in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.domain.documents import document_kind, strip_document
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import ValidationFailed
from modules.registry.models import Customer, Property
from modules.registry.services.customers import customer_document_change

from . import domain, domain_desk
from .auth import CitizenActor, Grant
from .errors import ErrorCode
from .models import AgencySettings, ServiceRequest, ServiceRequestEvent
from .selectors import current_holder
from .services import Requester, request_record


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
    units = list(AgencySettings.current().units)
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


def _apply_status(*, actor: Actor, request: ServiceRequest, status: str, reason: str, note: str) -> None:
    before = snapshot(request, fields=_AUDITED)
    request.status = status
    if status == ServiceRequest.Status.CLOSED:
        request.closed_at = timezone.now()
        request.closing_reason = reason.strip()[:200]
    request.save(update_fields=["status", "closed_at", "closing_reason"])
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
) -> ServiceRequest:
    """A request taken at the counter (balcão): same protocol series and history as the agency's,
    so the citizen follows it there too (VA-24)."""
    return request_record(
        grant=None,
        staff=actor,
        kind=ServiceRequest.Kind.SERVICE,
        type_code=type_code,
        prop=prop,
        requester=requester,
        channel=ServiceRequest.Channel.COUNTER,
        description=description,
        reference_point=reference_point,
        attachments=attachments,
    )


@transaction.atomic(durable=True)
def document_update_request(
    *,
    grant: Grant,
    prop: Property,
    new_document: str,
    requester: Requester,
    attachments: Sequence[UploadedFile],
    channel: str,
    description: str = "",
    context: dict[str, Any] | None = None,
) -> ServiceRequest:
    """VA-26: the holder's CPF/CNPJ update, with a document that proves it. The registry keeps the
    old number until a staff user approves the request on the desk."""
    digits = strip_document(new_document)
    if document_kind(digits) is None:
        raise ValidationFailed(
            "CPF/CNPJ inválido: confira os dígitos.", field="new_document", code=CommonCode.INVALID
        )
    if not attachments:
        raise ValidationFailed(
            "Anexe a foto ou o PDF de um documento com o novo CPF/CNPJ.",
            field="attachments",
            code=CommonCode.INVALID,
        )
    holder = current_holder(prop)
    if holder is None:
        raise ValidationFailed(
            "Este imóvel não tem titular no cadastro: procure o atendimento presencial.",
            field="new_document",
            code=CommonCode.INVALID,
        )
    customer = holder.customer
    if customer.cpf_cnpj == digits:
        raise ValidationFailed(
            "Este já é o CPF/CNPJ do cadastro.", field="new_document", code=CommonCode.INVALID
        )
    request = request_record(
        grant=grant,
        kind=ServiceRequest.Kind.SERVICE,
        type_code=domain_desk.DOCUMENT_UPDATE,
        prop=prop,
        requester=requester,
        channel=channel,
        description=description,
        attachments=attachments,
        context=context,
    )
    request.customer, request.new_document = customer, digits
    request.save(update_fields=["customer", "new_document"])
    audit_record(
        actor=CitizenActor(grant),
        action="portal.document_update_request",
        target=request,
        after={"customer": customer.pk, "new_document": digits},
    )
    return request


# --- agency settings ------------------------------------------------------------------------------

SETTINGS_FIELDS = (
    "sign_in_mode",
    "sign_in_roles",
    "due_day_options",
    "due_day_min_interval_days",
    "request_types",
    "units",
    "landing_text",
    "service_hours",
    "ombudsman_email",
    "web_idle_minutes",
    "totem_idle_seconds",
    "attachment_max_bytes",
    "attachment_max_files",
    "online_agreements",
    "disabled_services",
)
# bounds a utility may choose (a session of 0 minutes or 50 attachments of 1 GB helps nobody)
LIMITS = {
    "web_idle_minutes": (5, 120, "A sessão da agência expira entre 5 e 120 minutos."),
    "totem_idle_seconds": (30, 600, "O totem sai sozinho entre 30 e 600 segundos."),
    "attachment_max_files": (1, 10, "Permita de 1 a 10 anexos por protocolo."),
    "attachment_max_bytes": (100_000, 20_000_000, "O tamanho do anexo vai de 0,1 MB a 20 MB."),
    "due_day_min_interval_days": (0, 365, "O intervalo entre trocas de vencimento vai de 0 a 365 dias."),
}


def agency_settings_check(**fields: Any) -> dict[str, Any]:
    """The fields as they would be stored (sectors trimmed, due days sorted, services in catalogue
    order), or ValidationFailed naming the first bad one. Writes nothing: the settings screen and the
    configuration document (portal.configuration) share these rules."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"Campos desconhecidos: {', '.join(sorted(unknown))}.", code=CommonCode.INVALID
        )
    for name, (low, high, message) in LIMITS.items():
        if name in fields and not low <= int(fields[name]) <= high:
            raise ValidationFailed(message, field=name, code=CommonCode.INVALID)
    if fields.get("ombudsman_email"):
        try:
            validate_email(fields["ombudsman_email"])
        except DjangoValidationError as exc:
            raise ValidationFailed(
                "E-mail da ouvidoria inválido.", field="ombudsman_email", code=CommonCode.INVALID
            ) from exc
    if "units" in fields:
        fields["units"] = [u.strip() for u in fields["units"]]
    if "due_day_options" in fields:
        fields["due_day_options"] = sorted(set(fields["due_day_options"]))
    if "disabled_services" in fields:
        problem = domain.disabled_services_problem(fields["disabled_services"])
        if problem:
            raise ValidationFailed(problem, field="disabled_services", code=CommonCode.INVALID)
        # catalog order, once each: the audit's before/after compare as lists
        off = set(fields["disabled_services"])
        fields["disabled_services"] = [c for c in domain.AGENCY_SERVICE_CODES if c in off]
    candidate = AgencySettings.objects.filter(pk=1).first() or AgencySettings(pk=1)
    for name, value in fields.items():
        setattr(candidate, name, value)
    _clean(candidate)
    if "sign_in_mode" in fields and fields["sign_in_mode"] not in domain.SignInMode.LABELS:
        raise ValidationFailed(
            "Escolha um modo de entrada da lista.", field="sign_in_mode", code=CommonCode.INVALID
        )
    return fields


@transaction.atomic(durable=True)
def agency_settings_update(*, actor: Actor, **fields: Any) -> AgencySettings:
    """Every field of the agency's settings (VA-06, VA-23, VA-27, VA-32 …), validated, audited with
    before and after."""
    return agency_settings_write(actor=actor, **fields)


def agency_settings_write(*, actor: Actor, **fields: Any) -> AgencySettings:
    """`agency_settings_update` for a caller that holds its own transaction (the configuration
    document's import). Runs inside the caller's transaction."""
    fields = agency_settings_check(**fields)
    AgencySettings.current()
    agency: AgencySettings = AgencySettings.objects.select_for_update().get(pk=1)
    before = snapshot(agency)
    for name, value in fields.items():
        setattr(agency, name, value)
    agency.save()
    audit_record(
        actor=actor,
        action="portal.settings_update",
        target=agency,
        before=before,
        after=snapshot(agency),
    )
    return agency


def _clean(agency: AgencySettings) -> None:
    try:
        agency.clean()
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=field, code=CommonCode.INVALID) from exc
