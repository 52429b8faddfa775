"""Every write of the agency: keyword-only, one transaction, an audit row, e-mails on commit."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from modules.billing.models import DueDayChoice
from modules.billing.services.due_days import due_day_choose
from modules.common.audit import Actor, audit_record
from modules.common.clock import current_tenant
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import NotFound, PermissionDenied, ValidationFailed
from modules.registry.models import Customer, Property
from modules.registry.services.customers import customer_update
from modules.service.models import ServiceRequest
from modules.service.services.protocols import Requester as Requester  # the agency's callers name it here
from modules.service.services.protocols import protocol_record

from .auth import CitizenActor, Grant
from .errors import ErrorCode
from .models import (
    AgencySettings,
    CitizenToken,
    EmailChange,
    token_hash,
)
from .selectors import current_holder

ALLOWED_ATTACHMENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
EMAIL_CHANGE_HOURS = 24


def _clean_email(value: str, field: str = "email") -> str:
    value = (value or "").strip()
    try:
        validate_email(value)
    except DjangoValidationError as exc:
        raise ValidationFailed("E-mail inválido.", field=field, code=CommonCode.INVALID) from exc
    return value.lower()


def _clean_phone(value: str) -> str:
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    if len(digits) not in (10, 11):
        raise ValidationFailed(
            "Telefone inválido: informe DDD e número (10 ou 11 dígitos).",
            field="phone",
            code=CommonCode.INVALID,
        )
    return digits


@transaction.atomic(durable=True)
def request_open(
    *,
    grant: Grant | None,
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
    staff: Actor | None = None,
    specification: str = "",
) -> ServiceRequest:
    """Open a protocol (VA-23, VA-33, VA-29) in one transaction: see `request_record`."""
    return request_record(
        specification=specification,
        grant=grant,
        kind=kind,
        type_code=type_code,
        requester=requester,
        channel=channel,
        prop=prop,
        description=description,
        reference_point=reference_point,
        attachments=attachments,
        context=context,
        today=today,
        staff=staff,
    )


def request_record(
    *,
    grant: Grant | None,
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
    staff: Actor | None = None,
    specification: str = "",
) -> ServiceRequest:
    """Open a protocol: a service request (VA-23), an ombudsman request (VA-33) or a report of a
    problem with the agency itself (VA-29). The protocol is the next of the utility's yearly series.
    `staff` is the employee who registers it at the counter (channel "balcão", VA-24): the person
    there may have no e-mail.

    Runs inside the caller's transaction (`request_open`, or a write that adds to the protocol)."""
    agency = AgencySettings.current()
    offered: set[str] | None = None
    if channel != ServiceRequest.Channel.COUNTER and kind == ServiceRequest.Kind.SERVICE:
        offered = set(agency.request_types)  # the counter serves every type
    if grant is not None and not grant.can_request:
        raise PermissionDenied(
            "Nesta concessionária a entrada só com a matrícula permite apenas consultas.",
            code=ErrorCode.CONSULTATION_ONLY,
        )
    actor: Actor = staff or (CitizenActor(grant) if grant else _anonymous(channel))
    return protocol_record(
        actor=actor,
        kind=kind,
        type_code=type_code,
        requester=requester,
        channel=channel,
        prop=prop,
        description=description,
        reference_point=reference_point,
        attachments=attachments,
        context=context,
        today=today,
        offered=offered,
        specification=specification,
    )


class _Anonymous:
    pk = None

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def get_username(self) -> str:
        return f"visitante da agência ({self.channel})"


def _anonymous(channel: str) -> _Anonymous:
    return _Anonymous(channel)


def _holder_customer(grant: Grant, prop: Property) -> Customer:
    if not grant.verified_holder:
        raise PermissionDenied(
            "Para alterar dados do cadastro, entre com a matrícula e o CPF/CNPJ do titular.",
            code=ErrorCode.HOLDER_REQUIRED,
        )
    customer: Customer | None = Customer.objects.filter(cpf_cnpj=grant.document).first()
    if customer is None:
        raise NotFound("Cliente não encontrado.", code=CommonCode.NOT_FOUND)
    return customer


@transaction.atomic(durable=True)
def email_change_request(
    *, grant: Grant, prop: Property, new_email: str, confirm_url: Callable[[str], str]
) -> EmailChange:
    """VA-28: the new address replaces the old one only after its owner follows the link we send."""
    customer = _holder_customer(grant, prop)
    email = _clean_email(new_email)
    if email == (customer.email or "").lower():
        raise ValidationFailed("Este já é o e-mail do cadastro.", field="email", code=CommonCode.INVALID)
    token = secrets.token_urlsafe(32)
    change: EmailChange = EmailChange.objects.create(
        customer=customer,
        new_email=email,
        token_hash=token_hash(token),
        expires_at=timezone.now() + dt.timedelta(hours=EMAIL_CHANGE_HOURS),
    )
    audit_record(
        actor=CitizenActor(grant),
        action="portal.email_change_request",
        target=customer,
        object_type="registry.customer",
        after={"new_email": email},
    )
    link = confirm_url(token)
    tenant = current_tenant()
    tenant_name = tenant.name if tenant else ""
    transaction.on_commit(
        lambda: send_mail(
            subject=f"{tenant_name}: confirme o seu novo e-mail",
            message=(
                f"Olá, {customer.name}.\n\nPara usar este endereço no cadastro da {tenant_name}, "
                f"abra o link abaixo em até {EMAIL_CHANGE_HOURS} horas:\n\n{link}\n\n"
                "Se você não pediu esta troca, ignore esta mensagem."
            ),
            from_email=None,
            recipient_list=[email],
        )
    )
    return change


@transaction.atomic(durable=True)
def email_change_confirm(*, token: str) -> Customer:
    change = (
        EmailChange.objects.select_for_update()
        .filter(token_hash=token_hash(token), confirmed_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("customer")
        .first()
    )
    if change is None:
        raise NotFound(
            "Link de confirmação inválido ou vencido. Peça a troca de novo.", code=CommonCode.NOT_FOUND
        )
    actor = _EmailOwner(change.new_email)
    customer = customer_update(actor=actor, customer=change.customer, email=change.new_email)
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    audit_record(
        actor=actor,
        action="portal.email_change_confirm",
        target=customer,
        object_type="registry.customer",
    )
    return customer


class _EmailOwner:
    pk = None

    def __init__(self, email: str) -> None:
        self.email = email

    def get_username(self) -> str:
        return "cidadão (link de confirmação de e-mail)"


def due_day_change(*, grant: Grant, prop: Property, day: int) -> DueDayChoice:
    """VA-27: the customer picks one of the utility's due days (Lei 9.791/1999); billing owns the
    choice (`DueDayChoice`, read by the billing run) and records it. No transaction of its own: the
    one write is billing's `due_day_choose`, which is a unit of work."""
    _holder_customer(grant, prop)
    agency = AgencySettings.current()
    if day not in agency.due_day_options:
        raise ValidationFailed(
            "Escolha um dos dias de vencimento oferecidos.", field="day", code=CommonCode.INVALID
        )
    return due_day_choose(
        actor=CitizenActor(grant),
        property_id=prop.pk,
        day=day,
        min_interval_days=agency.due_day_min_interval_days,
    )


# --- citizen API tokens -------------------------------------------------------------------------


@transaction.atomic(durable=True)
def citizen_token_issue(*, grant: Grant) -> tuple[str, dt.datetime]:
    key = secrets.token_urlsafe(32)
    minutes = int(getattr(settings, "PORTAL_API_TOKEN_MINUTES", 30))
    expires = timezone.now() + dt.timedelta(minutes=minutes)
    CitizenToken.objects.create(
        key_hash=token_hash(key),
        prefix=key[:8],
        document=grant.document,
        property_ids=[grant.signed_property_id],
        signed_property_id=grant.signed_property_id,
        verified_holder=grant.verified_holder,
        can_request=grant.can_request,
        expires_at=expires,
    )
    return key, expires


def citizen_token_resolve(key: str) -> Grant | None:
    token = (
        CitizenToken.objects.filter(
            key_hash=token_hash(key), revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .only("document", "signed_property_id", "can_request")
        .first()
    )
    if token is None:
        return None
    prop = Property.objects.filter(pk=token.signed_property_id).only("account_base", "account_number").first()
    if prop is None:
        return None
    if token.document:
        holder_name = Customer.objects.filter(cpf_cnpj=token.document).values_list("name", flat=True).first()
    else:
        relation = current_holder(prop)
        holder_name = relation.customer.name if relation else ""
    return Grant(
        signed_property_id=prop.pk,
        account_number=prop.account_number,
        document=token.document,
        holder_name=holder_name or "",
        can_request=token.can_request,
        channel="api",
    )


@transaction.atomic(durable=True)
def citizen_token_revoke(key: str) -> None:
    CitizenToken.objects.filter(key_hash=token_hash(key), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
