"""Accessor of the card checkout's way back (VA-13): the operator returns the browser with the
document id in the URL; the charge is looked up through the citizen's scope first and "not yours"
answers exactly as "missing" does (404)."""

from __future__ import annotations

from modules.collection.models import GatewayCharge
from modules.common.errors import ErrorCode, NotFound

from .access import access_property_by_id
from .access_bills import CHARGE_NOT_FOUND
from .auth import Grant


def access_card_charge_by_document(grant: Grant, property_id: int, document_id: int) -> GatewayCharge:
    prop = access_property_by_id(grant, property_id)
    charge: GatewayCharge | None = (
        GatewayCharge.objects.select_related("document")
        .filter(document__property=prop, document_id=document_id, method=GatewayCharge.Method.CHECKOUT)
        .first()
    )
    if charge is None:
        raise NotFound(CHARGE_NOT_FOUND, code=ErrorCode.NOT_FOUND)
    return charge
