"""Accessors of the agency's money pages: a bill, a payment document and a gateway charge are looked
up through the citizen's scope (the granted property in the URL) first; "not yours" answers exactly
as "missing" does (404)."""

from __future__ import annotations

from django.db.models import QuerySet

from modules.billing.legal import refuse_locked
from modules.billing.models import Bill, BillStatus
from modules.collection.models import GatewayCharge, PaymentDocument
from modules.common.clock import tenant_today
from modules.common.errors import ErrorCode, NotFound, PermissionDenied
from modules.registry.models import Property

from .access import access_property_by_id
from .auth import Grant

BILL_NOT_FOUND = "Conta não encontrada."
DOCUMENT_NOT_FOUND = "Documento não encontrado."
CHARGE_NOT_FOUND = "Pagamento não encontrado."
CITIZEN_BILL_STATUSES = (BillStatus.RELEASED, BillStatus.PAID)


def property_bills(prop: Property) -> QuerySet[Bill]:
    """The bills a citizen sees: released or paid (never drafts in review nor cancelled ones)."""
    return Bill.objects.filter(property=prop, status__in=CITIZEN_BILL_STATUSES)


def access_bill_by_id(grant: Grant, property_id: int, bill_id: int) -> Bill:
    prop = access_property_by_id(grant, property_id)
    bill: Bill | None = property_bills(prop).select_related("property").filter(pk=bill_id).first()
    if bill is None:
        raise NotFound(BILL_NOT_FOUND, code=ErrorCode.NOT_FOUND)
    return bill


def access_bill_copy(grant: Grant, property_id: int, bill_id: int) -> Bill:
    """The bill whose 2ª via (PDF, typeable line, e-mail) the citizen asks for: refused (403) when the
    property is under execução fiscal or the bill is inscribed in dívida ativa (TR S10.13-03, ADR
    0188); a citizen never holds the special privilege. The bill's page still lists it."""
    bill = access_bill_by_id(grant, property_id, bill_id)
    try:
        refuse_locked(
            property_id=bill.property_id,
            bill_ids=[bill.pk],
            on=tenant_today(),
            allowed=False,
            what="a 2ª via",
        )
    except PermissionDenied as exc:
        reason = "em execução fiscal" if exc.field == "property" else "inscrita em dívida ativa"
        raise PermissionDenied(
            f"A 2ª via desta conta não pode ser emitida pela agência: ela está {reason}. "
            "Procure um posto de atendimento.",
            field=exc.field,
            code=exc.code,
        ) from exc
    return bill


def access_document_by_id(grant: Grant, property_id: int, document_id: int) -> PaymentDocument:
    prop = access_property_by_id(grant, property_id)
    doc: PaymentDocument | None = (
        PaymentDocument.objects.select_related("property")
        .filter(property=prop, pk=document_id, kind=PaymentDocument.Kind.STATEMENT)
        .first()
    )
    if doc is None:
        raise NotFound(DOCUMENT_NOT_FOUND, code=ErrorCode.NOT_FOUND)
    return doc


def access_charge_by_id(grant: Grant, property_id: int, charge_id: int) -> GatewayCharge:
    prop = access_property_by_id(grant, property_id)
    charge: GatewayCharge | None = (
        GatewayCharge.objects.select_related("document").filter(document__property=prop, pk=charge_id).first()
    )
    if charge is None:
        raise NotFound(CHARGE_NOT_FOUND, code=ErrorCode.NOT_FOUND)
    return charge
