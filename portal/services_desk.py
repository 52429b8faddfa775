"""Writes of the agency around the protocol desk: the citizen's CPF/CNPJ update request (VA-26) and
the agency settings screen. The desk's own moves live in modules/service/services/protocols.py
(ADR 0181); the agency calls them like any other module's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.domain.documents import document_kind, strip_document
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import ValidationFailed
from modules.registry.models import Property
from modules.service.domain import protocols as domain_desk
from modules.service.models import ServiceRequest
from modules.service.services.protocols import Requester

from . import domain
from .auth import CitizenActor, Grant
from .models import AgencySettings
from .selectors import current_holder
from .services import request_record


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
