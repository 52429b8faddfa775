"""Bills sent to the customer by staff (seed 001 3.2.13.9.17, .18): one or more selected bills of a
property by e-mail (each PDF attached: the stored original, the 2ª via identical to it) or by SMS
(amount, due date and typeable line, one message per bill). The address or number is the one on
record for whom the bills are issued to, unless the attendant types the one the customer gives at
the counter. Each sending writes a BillNote on every bill and an audit row in the transaction; an
SMS provider that refuses rolls everything back, so nothing is recorded as sent that was not.
"""

from __future__ import annotations

from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.clock import current_tenant
from modules.common.domain.money import format_brl
from modules.common.errors import Conflict, ValidationFailed
from modules.common.sms import normalize_phone, sms_client
from modules.registry.domain.payer import payer_relation
from modules.registry.models import Customer, PropertyRelation

from ..errors import ErrorCode
from ..models import Bill, BillNote, BillStatus

SENDABLE = (BillStatus.RELEASED, BillStatus.PAID)


def holder(property_id: int) -> Customer | None:
    """Whom the property's bills go to now (registry.domain.payer), or None."""
    relations = list(
        PropertyRelation.objects.filter(property_id=property_id, end__isnull=True).select_related("customer")
    )
    chosen = payer_relation(relations)
    return chosen.customer if chosen is not None else None


def _bills(property_id: int, bill_ids: list[int]) -> list[Bill]:
    ids = sorted(set(bill_ids))
    bills = list(
        Bill.objects.select_related("property")
        .filter(property_id=property_id, pk__in=ids, status__in=SENDABLE)
        .order_by("reference")
    )
    if not ids or len(bills) != len(ids):
        raise ValidationFailed(
            "Selecione faturas emitidas deste imóvel.", field="bills", code=ErrorCode.NOT_FOUND
        )
    return bills


def _note(actor: Actor, bills: list[Bill], kind: str, to: str, reason: str) -> dict[int, int]:
    """A note on each bill (bill id → note id) and one audit row."""
    notes = {}
    for bill in bills:
        notes[bill.pk] = BillNote.objects.create(
            bill=bill,
            kind=kind,
            reason=reason or f"Enviada para {to}",
            before={},
            after={"to": to},
            created_by=actor.get_username(),
        ).pk
    audit_record(
        actor=actor,
        action=f"billing.bill_send_{kind}",
        target=bills[0].property,
        reason=reason,
        after={"bills": [b.pk for b in bills], "to": to},
    )
    return notes


@transaction.atomic(durable=True)
def bills_send_email(
    *, actor: Actor, property_id: int, bill_ids: list[int], to: str = "", reason: str = ""
) -> str:
    """E-mail the selected bills' PDFs in one message; the address it went to."""
    from ..pdf import bill_pdf  # the PDF layer sits above the services

    bills = _bills(property_id, bill_ids)
    address = to.strip()
    if not address:
        customer = holder(property_id)
        address = customer.email if customer else ""
    if not address:
        raise Conflict(
            "Não há e-mail cadastrado para quem recebe as faturas: informe um endereço.",
            field="to",
            code=ErrorCode.NOT_FOUND,
        )
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationFailed("E-mail inválido.", field="to", code=ErrorCode.NOT_FOUND) from None
    _note(actor, bills, "email", address, reason)
    tenant = current_tenant()
    name = getattr(tenant, "name", "") or "Concessionária"
    lines = [
        f"- {b.reference:%m/%Y}: R$ {format_brl(b.total)}, vencimento {b.due_date:%d/%m/%Y}, "
        f"linha digitável {b.typeable_line}"
        for b in bills
    ]
    message = EmailMessage(
        subject=f"{name}: faturas do imóvel {bills[0].property.account_number}",
        body="Seguem as faturas solicitadas:\n" + "\n".join(lines) + f"\n\n{name}",
        from_email=formataddr((name, settings.DEFAULT_FROM_EMAIL)),
        to=[address],
        reply_to=[tenant.email] if tenant and tenant.email else None,
    )
    for b in bills:
        message.attach(f"fatura-{b.reference:%Y-%m}-{b.pk}.pdf", bill_pdf(b), "application/pdf")
    message.send()
    return address


def sms_text(bill: Bill, utility: str) -> str:
    """Amount, due date and typeable line (3.2.13.9.18), within three SMS segments."""
    return (
        f"{utility}: fatura {bill.reference:%m/%Y} da matricula {bill.property.account_number}, "
        f"R$ {format_brl(bill.total)}, vence {bill.due_date:%d/%m/%Y}. "
        f"Linha digitavel: {bill.typeable_line}"
    )


@transaction.atomic(durable=True)
def bills_send_sms(
    *, actor: Actor, property_id: int, bill_ids: list[int], phone: str = "", reason: str = ""
) -> list[str]:
    """One SMS per selected bill; the provider's message ids."""
    bills = _bills(property_id, bill_ids)
    raw = phone.strip()
    if not raw:
        customer = holder(property_id)
        raw = customer.phone if customer else ""
    if not raw:
        raise Conflict(
            "Não há celular cadastrado para quem recebe as faturas: informe um número.",
            field="phone",
            code=ErrorCode.NOT_FOUND,
        )
    to = normalize_phone(raw)
    notes = _note(actor, bills, "sms", to, reason)
    client = sms_client()
    tenant = current_tenant()
    utility = getattr(tenant, "name", "") or "Concessionaria"
    schema = getattr(tenant, "schema_name", "")
    return [
        client.send(to=to, text=sms_text(b, utility), idempotency_key=f"{schema}:bill-sms:{notes[b.pk]}")
        for b in bills
    ]
