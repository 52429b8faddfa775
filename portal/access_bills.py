"""Accessors of the agency's money pages: a bill, a payment document and a gateway charge are looked
up through the citizen's scope (the granted property in the URL) first; "not yours" answers exactly
as "missing" does (404)."""

from __future__ import annotations

from django.db.models import QuerySet

from modules.billing.models import Bill, BillStatus
from modules.collection.models import GatewayCharge, PaymentDocument
from modules.common.errors import ErrorCode, NotFound
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
