"""Citizen sign-in (VA-06): the account number (matrícula) with its check digit, plus the CPF/CNPJ
of a customer linked to the property when the utility asks for it; rate limited per client IP and
per account, and the same answer for "wrong" and "not found" so accounts cannot be enumerated.

A successful sign-in gives a `Grant`: what the citizen may see. The web keeps it in the session,
the citizen API in a hashed short-lived token (services.citizen_token_issue).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

from modules.common.audit import SystemActor, audit_record
from modules.common.domain.documents import document_kind, mask_document, strip_document
from modules.common.errors import DomainError, ValidationFailed
from modules.common.errors import ErrorCode as CommonCode
from modules.common.ratelimit import window_hits
from modules.registry.domain.account_number import InvalidAccountNumber
from modules.registry.domain.payer import payer_relation
from modules.registry.models import Property, PropertyRelation
from modules.registry.numbering import parse_account as parse_account_number

from .domain import SignInMode, account_input_digits
from .errors import ErrorCode
from .models import AgencySettings

SESSION_KEY = "portal_grant"
SIGN_IN_FAILED = (
    "Não foi possível entrar com estes dados. Confira a matrícula e o CPF/CNPJ do titular e tente novamente."
)


class SignInFailed(DomainError):
    code = ErrorCode.SIGN_IN_FAILED
    status = 400


class SignInThrottled(DomainError):
    code = ErrorCode.THROTTLED
    status = 429


DOCUMENT_NOT_REGISTERED = (
    "O CPF/CNPJ do titular deste imóvel não está cadastrado, por isso não é possível entrar com ele. "
    "Peça o cadastro do CPF/CNPJ em um dos canais de atendimento, levando um documento que o comprove."
)


class DocumentNotRegistered(DomainError):
    """VA-07: the matrícula and its check digit are right, but no customer linked to the property in
    the sign-in roles has a CPF/CNPJ on file, so nobody can sign in with one. Told as such (ADR 0103
    weighs what this reveals); no session or token is given."""

    code = ErrorCode.DOCUMENT_NOT_REGISTERED
    status = 403

    def __init__(self, message: str, *, property_id: int) -> None:
        super().__init__(message, field="document")
        self.property_id = property_id


@dataclass(frozen=True)
class Grant:
    """What a signed-in citizen may reach: the property they signed in with and, when they proved
    a CPF/CNPJ, every property currently linked to it (resolved on each request, see access.py)."""

    signed_property_id: int
    account_number: str
    document: str = ""
    holder_name: str = ""
    can_request: bool = True
    channel: str = "web"

    is_authenticated = True  # DRF and templates ask this of request.user

    @property
    def verified_holder(self) -> bool:
        return bool(self.document)

    @property
    def masked_document(self) -> str:
        return mask_document(self.document) if self.document else ""

    def actor_name(self) -> str:
        who = self.masked_document or f"matrícula {self.account_number}"
        return f"cidadão {who} ({self.channel})"


class CitizenActor:
    """The audit actor of a citizen's own writes (no staff user acted)."""

    pk = None

    def __init__(self, grant: Grant) -> None:
        self.grant = grant

    def get_username(self) -> str:
        return self.grant.actor_name()


def _window() -> int:
    return int(getattr(settings, "PORTAL_SIGN_IN_WINDOW_SECONDS", 60))


def _limit() -> int:
    return int(getattr(settings, "PORTAL_SIGN_IN_LIMIT", 10))


def _incr(key: str) -> int:
    return window_hits(key, _window())


THROTTLED_MESSAGE = "Muitas tentativas de entrada. Aguarde um minuto e tente novamente."


def _parse_account(value: str, mode: str) -> list[int]:
    """Candidate account bases for what was typed. A wrong check digit is a typing error told as
    such: it depends on no stored data, so it reveals nothing about which accounts exist."""
    try:
        return [parse_account_number(value)]
    except InvalidAccountNumber as exc:
        digits = account_input_digits(value)
        if mode == SignInMode.ACCOUNT_ONLY and digits.isdigit() and 0 < len(digits) <= 9:
            return [int(digits)]
        raise ValidationFailed(
            "Matrícula inválida: confira o número e o dígito verificador (ex.: 12345-6).",
            field="account",
            code=CommonCode.INVALID,
        ) from exc


def citizen_sign_in(*, account: str, document: str = "", ip: str, channel: str = "web") -> Grant:
    agency = AgencySettings.current()
    mode = agency.sign_in_mode
    if _incr(f"portal:signin:ip:{ip}") > _limit():
        raise SignInThrottled(THROTTLED_MESSAGE)
    bases = _parse_account(account, mode)
    doc = ""
    if mode == SignInMode.ACCOUNT_CHECK_DIGIT_AND_DOCUMENT:
        doc = strip_document(document)
        if not doc:
            raise ValidationFailed(
                "Informe o CPF ou o CNPJ do titular.", field="document", code=CommonCode.INVALID
            )
        if document_kind(doc) is None:
            raise ValidationFailed(
                "CPF/CNPJ inválido: confira os dígitos.", field="document", code=CommonCode.INVALID
            )
    account_keys = [f"portal:signin:acct:{b}" for b in bases]
    if any(int(cache.get(k, 0)) >= _limit() for k in account_keys):
        raise SignInThrottled(THROTTLED_MESSAGE)

    prop = Property.objects.filter(account_base__in=bases).order_by("account_base").first()
    holder = None
    relations: list[PropertyRelation] = []
    if prop is not None:
        relations = list(
            PropertyRelation.objects.filter(
                property=prop, end__isnull=True, role__in=agency.sign_in_roles
            ).select_related("customer")
        )
        if doc:
            holder = next((r.customer for r in relations if r.customer.cpf_cnpj == doc), None)
        else:
            holder = _holder_from(relations)
    if prop is None or (doc and holder is None):
        _sign_in_record(prop, channel, ok=False)
        for key in account_keys:
            _incr(key)  # the alert below counts as a failure too: it is no cheaper an oracle
        if prop is not None and relations and not any(r.customer.cpf_cnpj for r in relations):
            raise DocumentNotRegistered(DOCUMENT_NOT_REGISTERED, property_id=prop.pk)
        raise SignInFailed(SIGN_IN_FAILED)
    _sign_in_record(prop, channel, ok=True)
    return Grant(
        signed_property_id=prop.pk,
        account_number=prop.account_number,
        document=doc,
        holder_name=holder.name if holder else "",
        can_request=mode != SignInMode.ACCOUNT_ONLY,
        channel=channel,
    )


@transaction.atomic(durable=True)
def _sign_in_record(prop: Property | None, channel: str, *, ok: bool) -> None:
    """Citizens' sign-ins, good and bad, are in the access log like the staff's (the client address and
    request id come from the request's context; the document typed is never written down). Its own
    transaction: a refused sign-in is recorded although `citizen_sign_in` then raises."""
    audit_record(
        actor=SystemActor(f"cidadão ({channel})"),
        action="portal.sign_in" if ok else "portal.sign_in_failed",
        object_type="registry.property" if prop is not None else "",
        object_id=prop.pk if prop is not None else "",
        after={"channel": channel},
    )


def _holder_from(relations: list[PropertyRelation]) -> Any:
    relation = payer_relation(relations)  # the bill's rule (registry.domain.payer)
    return relation.customer if relation is not None else None


# --- web session -----------------------------------------------------------------------------------


def session_start(request: HttpRequest, grant: Grant) -> None:
    request.session.cycle_key()  # no session fixation across the sign-in
    request.session[SESSION_KEY] = {**asdict(grant), "seen": time.time()}


def session_end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def session_grant(request: HttpRequest, *, idle_seconds: int) -> Grant | None:
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    now = time.time()
    if now - float(data.get("seen", 0)) > idle_seconds:
        session_end(request)
        return None
    data["seen"] = now
    request.session[SESSION_KEY] = data
    fields = {k: v for k, v in data.items() if k != "seen"}
    return Grant(**fields)
