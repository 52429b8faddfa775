"""Customers: register, update, and put on or change their CPF/CNPJ."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from modules.access.field_rights import field_rights_require
from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_today
from modules.common.domain.documents import document_kind, strip_document
from modules.common.errors import Conflict, ValidationFailed

from ..domain.text import fold, normalize_cep
from ..errors import ErrorCode
from ..models import Customer
from .checks import not_future

CUSTOMER_FIELDS = (
    "name",
    "rg",
    "birth_date",
    "mother_name",
    "father_name",
    "email",
    "phone",
    "phone_home",
    "phone_work",
    "mail_street",
    "mail_number",
    "mail_complement",
    "mail_neighbourhood",
    "mail_city",
    "mail_state",
    "mail_cep",
)


def clean_document(value: str) -> tuple[str, str]:
    """(digits, kind) of a CPF or CNPJ (numeric or alphanumeric), or ValidationFailed on cpf_cnpj."""
    chars = strip_document(value)
    if not chars:
        raise ValidationFailed("Informe o CPF ou o CNPJ.", field="cpf_cnpj", code=ErrorCode.DOCUMENT_REQUIRED)
    kind = document_kind(chars)
    if kind is None:
        if len(chars) == 11:
            message = "CPF inválido: dígito verificador não confere."
        elif len(chars) == 14:
            message = "CNPJ inválido: dígito verificador não confere."
        else:
            message = "CPF/CNPJ inválido: informe 11 dígitos (CPF) ou 14 caracteres (CNPJ)."
        raise ValidationFailed(message, field="cpf_cnpj", code=ErrorCode.DOCUMENT_INVALID)
    return chars, ("person" if kind == "cpf" else "company")


def _clean_customer_fields(fields: dict[str, Any], today: dt.date) -> dict[str, Any]:
    out = {k: v for k, v in fields.items() if k in CUSTOMER_FIELDS}
    for key, value in list(out.items()):
        if isinstance(value, str):
            out[key] = value.strip()
    if "name" in out and len(out["name"]) < 3:
        raise ValidationFailed(
            "Informe o nome do cliente (ao menos 3 letras).", field="name", code=ErrorCode.NAME_REQUIRED
        )
    if out.get("email"):
        try:
            validate_email(out["email"])
        except DjangoValidationError as exc:
            raise ValidationFailed("E-mail inválido.", field="email", code=ErrorCode.EMAIL_INVALID) from exc
    not_future(out.get("birth_date"), today, "birth_date", "A data de nascimento")
    if out.get("mail_cep"):
        try:
            out["mail_cep"] = normalize_cep(out["mail_cep"])
        except ValueError as exc:
            raise ValidationFailed(str(exc), field="mail_cep", code=ErrorCode.CEP_INVALID) from exc
    if out.get("mail_state"):
        out["mail_state"] = out["mail_state"].upper()[:2]
    return out


def _clean_kind(kind: str | None) -> str:
    if kind in (None, ""):
        return Customer.Kind.PERSON
    if kind not in Customer.Kind.values:
        raise ValidationFailed(
            "Tipo de cliente inválido: use pessoa física ou jurídica.",
            field="kind",
            code=ErrorCode.CUSTOMER_KIND_UNKNOWN,
        )
    return kind


def customer_create_within(
    *,
    actor: Actor,
    name: str,
    cpf_cnpj: str | None = None,
    kind: str | None = None,
    today: dt.date | None = None,
    **fields: Any,
) -> Customer:
    """A customer with a CPF/CNPJ (its kind follows the document) or, as legacy registries hold, without
    one (stored as NULL; the kind is then given, pessoa física by default; ADR 0103). Runs inside the
    caller's transaction (a new connection request); `customer_create` is the unit of work."""
    today = today or tenant_today()
    digits: str | None = None
    if strip_document(cpf_cnpj or ""):
        digits, kind = clean_document(cpf_cnpj or "")
    else:
        kind = _clean_kind(kind)
    data = _clean_customer_fields({"name": name, **fields}, today)
    if digits and Customer.objects.filter(cpf_cnpj=digits).exists():
        raise Conflict("Já existe um cliente com este CPF/CNPJ.", field="cpf_cnpj", code=ErrorCode.DUPLICATE)
    customer: Customer = Customer.objects.create(
        cpf_cnpj=digits, kind=kind, name_search=fold(data["name"]), **data
    )
    audit_record(actor=actor, action="registry.customer_create", target=customer, after=snapshot(customer))
    return customer


# the unit of work; `customer_create_within` runs inside a caller's transaction (a new connection request)
customer_create = transaction.atomic(durable=True)(customer_create_within)


def customer_document_register(
    *, actor: Actor, customer: Customer, cpf_cnpj: str, reason: str = ""
) -> Customer:
    """Put a CPF/CNPJ on a customer registered without one (VA-07). A document, once on file,
    identifies the customer and is not replaced here; the kind follows the document.

    Not durable: the staff form and API run it with customer_update in one transaction of theirs.
    """
    digits, kind = clean_document(cpf_cnpj)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.cpf_cnpj == digits:
            return customer
        if customer.cpf_cnpj:
            raise Conflict(
                f"O cliente {customer.name} já tem o {customer.document_display} cadastrado; "
                "o CPF/CNPJ de um cliente não é trocado por aqui.",
                field="cpf_cnpj",
                code=ErrorCode.DOCUMENT_ON_FILE,
            )
        other = Customer.objects.filter(cpf_cnpj=digits).first()
        if other is not None:
            raise Conflict(
                f"Este CPF/CNPJ já pertence a outro cliente ({other.name}).",
                field="cpf_cnpj",
                code=ErrorCode.DUPLICATE,
            )
        before = snapshot(customer)
        customer.cpf_cnpj, customer.kind = digits, kind
        customer.save(update_fields=["cpf_cnpj", "kind", "updated_at"])
        audit_record(
            actor=actor,
            action="registry.customer_document_register",
            target=customer,
            before=before,
            after=snapshot(customer),
            reason=reason,
        )
    return customer


def customer_update(
    *, actor: Actor, customer: Customer, today: dt.date | None = None, **fields: Any
) -> Customer:
    """Change a customer's details (never the CPF/CNPJ, nor the kind).

    Not durable: the agency's e-mail confirmation runs it inside its own transaction, and the staff
    form and API together with customer_document_register.
    """
    today = today or tenant_today()
    data = _clean_customer_fields(fields, today)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        before = snapshot(customer)
        field_rights_require(
            actor, "registry.customer", [k for k, v in data.items() if getattr(customer, k) != v]
        )
        for key, value in data.items():
            setattr(customer, key, value)
        customer.name_search = fold(customer.name)
        customer.save()
        audit_record(
            actor=actor,
            action="registry.customer_update",
            target=customer,
            before=before,
            after=snapshot(customer),
        )
    return customer


def customer_document_change(
    *, actor: Actor, customer: Customer, cpf_cnpj: str, reason: str = ""
) -> Customer:
    """Change a customer's CPF/CNPJ (a correction or a CPF/CNPJ update request, VA-26): the kind
    follows the new number; refused when the number is the customer's already or another customer's.

    Not durable: the agency's desk runs it inside the approval of the citizen's request.
    """
    digits, kind = clean_document(cpf_cnpj)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.cpf_cnpj == digits:
            raise ValidationFailed(
                "Este já é o CPF/CNPJ do cliente.", field="cpf_cnpj", code=ErrorCode.UNCHANGED
            )
        other = Customer.objects.filter(cpf_cnpj=digits).exclude(pk=customer.pk).first()
        if other is not None:
            raise Conflict(
                f"O CPF/CNPJ informado já pertence a outro cliente do cadastro ({other.name}).",
                field="cpf_cnpj",
                code=ErrorCode.DUPLICATE,
            )
        before = snapshot(customer, fields=["cpf_cnpj", "kind"])
        customer.cpf_cnpj, customer.kind = digits, kind
        customer.save(update_fields=["cpf_cnpj", "kind", "updated_at"])
        audit_record(
            actor=actor,
            action="registry.customer_document_change",
            target=customer,
            before=before,
            after=snapshot(customer, fields=["cpf_cnpj", "kind"]),
            reason=reason,
        )
    return customer
