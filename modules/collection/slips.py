"""Guia avulsa (stand-alone slip, ADR 0228): a payable document for services and debts outside the
bill — for a property, or for a customer with none (seed 001 3.2.7.11) — with its lines, a FEBRABAN
barcode that parses back to its amount, and its validity. Paid through the same matcher as every
document (its 44 digits); cancelled while open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.domain.calendar import is_business_day
from modules.common.errors import NotFound, ValidationFailed
from modules.common.typed import transaction
from modules.reading.services import holidays_between
from modules.registry.models import Customer, Property

from .errors import ErrorCode
from .models import DocumentItem, PaymentDocument
from .services import document_create

MAX_VALIDITY_DAYS = 90
CENT = Decimal("0.01")


@dataclass(frozen=True)
class SlipLine:
    description: str
    amount: Decimal
    source: str = ""
    source_id: str = ""


def _checked_lines(lines: Sequence[SlipLine]) -> list[SlipLine]:
    if not lines:
        raise ValidationFailed("Inclua ao menos um item na guia.", field="lines", code=ErrorCode.INVALID)
    for n, line in enumerate(lines, start=1):
        if not line.description.strip():
            raise ValidationFailed(
                f"Item {n}: informe a descrição.", field=f"lines[{n - 1}].description", code=ErrorCode.INVALID
            )
        if line.amount <= 0 or line.amount != line.amount.quantize(CENT):
            raise ValidationFailed(
                f"Item {n}: o valor deve ser positivo, em reais e centavos.",
                field=f"lines[{n - 1}].amount",
                code=ErrorCode.INVALID,
            )
    return list(lines)


def _checked_validity(valid_until: dt.date, today: dt.date) -> None:
    if valid_until < today:
        raise ValidationFailed(
            "A validade não pode ser anterior a hoje.", field="valid_until", code=ErrorCode.INVALID
        )
    if (valid_until - today).days > MAX_VALIDITY_DAYS:
        raise ValidationFailed(
            f"A validade da guia é de no máximo {MAX_VALIDITY_DAYS} dias.",
            field="valid_until",
            code=ErrorCode.INVALID,
        )
    if not is_business_day(valid_until, holidays_between(valid_until, valid_until)):
        raise ValidationFailed(
            "A validade deve ser um dia útil.", field="valid_until", code=ErrorCode.INVALID
        )


def slip_create_within(
    *,
    actor: Actor,
    lines: Sequence[SlipLine],
    valid_until: dt.date,
    property_id: int | None = None,
    customer_id: int | None = None,
    source: str = "",
    source_id: str = "",
) -> PaymentDocument:
    """The guia with its lines and barcode. Runs inside the caller's transaction (a loss charge
    issues its slip in its own). Raises ValidationFailed naming the field, NotFound."""
    today = tenant_today()
    checked = _checked_lines(lines)
    _checked_validity(valid_until, today)
    if (property_id is None) == (customer_id is None):
        raise ValidationFailed(
            "Informe o imóvel ou o cliente da guia (um dos dois).", field="property", code=ErrorCode.INVALID
        )
    if property_id is not None and not Property.objects.filter(pk=property_id).exists():
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    if customer_id is not None and not Customer.objects.filter(pk=customer_id).exists():
        raise NotFound("Cliente não encontrado.", field="customer", code=ErrorCode.INVALID)
    total = sum((line.amount for line in checked), Decimal("0.00"))
    doc = document_create(
        actor=actor,
        property_id=property_id,
        customer_id=customer_id,
        kind=PaymentDocument.Kind.SERVICE_CHARGE,
        lines=[],
        amount=total,
        as_of=today,
        valid_until=valid_until,
        source=source,
        source_id=source_id,
    )
    DocumentItem.objects.bulk_create(
        DocumentItem(
            document=doc,
            description=line.description.strip()[:200],
            amount=line.amount,
            source=line.source,
            source_id=line.source_id,
            position=n,
        )
        for n, line in enumerate(checked, start=1)
    )
    audit_record(
        actor=actor,
        action="collection.slip_create",
        target=doc,
        after={"amount": total, "lines": [[ln.description, ln.amount] for ln in checked]},
    )
    return doc


@transaction.atomic(durable=True)
def slip_create(
    *,
    actor: Actor,
    lines: Sequence[SlipLine],
    valid_until: dt.date,
    property_id: int | None = None,
    customer_id: int | None = None,
) -> PaymentDocument:
    return slip_create_within(
        actor=actor, lines=lines, valid_until=valid_until, property_id=property_id, customer_id=customer_id
    )


def document_get(document_id: int) -> PaymentDocument:
    doc: PaymentDocument | None = (
        PaymentDocument.objects.select_related("property", "customer").filter(pk=document_id).first()
    )
    if doc is None:
        raise NotFound("Documento não encontrado.", field="document", code=ErrorCode.DOCUMENT_NOT_FOUND)
    return doc
