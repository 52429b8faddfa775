"""Scoped accessors of the debt documents a citizen reaches through a property already granted
(`access.access_property_by_id`): another property's certificate or agreement answers exactly as a
missing one does (404); a certificate whose service the utility does not offer too (VA-08)."""

from __future__ import annotations

from django.db.models import QuerySet

from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import NotFound
from modules.debt.models import Agreement, Certificate
from modules.registry.models import Property

from . import domain
from .errors import ErrorCode
from .models import AgencySettings
from .service_gate import disabled_message

CERTIFICATE_NOT_FOUND = "Documento não encontrado."
AGREEMENT_NOT_FOUND = "Parcelamento não encontrado."


def access_certificate_by_id(prop: Property, certificate_id: int) -> Certificate:
    found: Certificate | None = Certificate.objects.filter(property=prop, pk=certificate_id).first()
    if found is None:
        raise NotFound(CERTIFICATE_NOT_FOUND, code=CommonCode.NOT_FOUND)
    # its pages are open while the certificate or the declaration service is on (VA-08): the
    # document's own kind decides
    service = domain.certificate_kind_service(found.kind)
    if not AgencySettings.current().offers(service):
        raise NotFound(disabled_message((service,)), code=ErrorCode.SERVICE_DISABLED)
    return found


def agreements_of(prop: Property) -> QuerySet[Agreement]:
    return Agreement.objects.filter(property=prop).order_by("-created_at")


def access_agreement_by_id(prop: Property, agreement_id: int) -> Agreement:
    found: Agreement | None = (
        agreements_of(prop).select_related("policy", "down_payment_document").filter(pk=agreement_id).first()
    )
    if found is None:
        raise NotFound(AGREEMENT_NOT_FOUND, code=CommonCode.NOT_FOUND)
    return found
