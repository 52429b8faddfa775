"""Solid-waste carnês (seed 001 3.2.7.23, 3.2.7.24; ADR 0222): a property's solid-waste charge of a
year on its own payable documents, apart from the water and sewer bill: N monthly slips or one annual
slip, each with its own FEBRABAN barcode, adding up to the annual charge of the tariff in force."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from modules.billing.domain.pricing import UnitFact, dwelling_units
from modules.billing.domain.solid_waste import annual_solid_waste, carne_slips
from modules.billing.errors import ErrorCode as BillingErrorCode
from modules.billing.services.tariffs import tariff_in_force, tariff_version
from modules.collection.models import PaymentDocument
from modules.collection.selectors import PricedBill
from modules.collection.services import document_create
from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.errors import Conflict, NotFound
from modules.registry.models import Property, PropertyCategory

SOURCE = "service.solid_waste_carne"


def carne_documents(property_id: int, year: int) -> list[PaymentDocument]:
    return list(
        PaymentDocument.objects.filter(
            property_id=property_id,
            kind=PaymentDocument.Kind.SOLID_WASTE,
            source_id__startswith=f"{property_id}:{year}:",
        )
        .exclude(status=PaymentDocument.Status.CANCELLED)
        .order_by("valid_until", "pk")
    )


@transaction.atomic(durable=True)
def solid_waste_carne_issue(
    *, actor: Actor, property_id: int, year: int, installments: int, first_due: dt.date
) -> list[PaymentDocument]:
    """The property's carnê of `year`: the annual charge of the tariff in force on 1 January (its
    categories' solid-waste amount × economias × 12), in `installments` slips (1 = annual). Refuses
    (409) a second carnê of the same year, (400) a count outside 1–12 or a property the tariff
    charges no solid waste."""
    prop = Property.objects.select_for_update().filter(pk=property_id).first()
    if prop is None:
        raise NotFound("Imóvel não encontrado.", field="property", code=BillingErrorCode.PROPERTY_NOT_FOUND)
    if carne_documents(prop.pk, year):
        raise Conflict(
            f"O imóvel já tem carnê de resíduos sólidos de {year}.",
            field="year",
            code=BillingErrorCode.CARNE_EXISTS,
        )
    version = tariff_version(tariff_in_force(dt.date(year, 1, 1)))
    units = [
        UnitFact(code, sub or "", economies)
        for code, sub, economies in PropertyCategory.objects.filter(property=prop).values_list(
            "category__code", "subcategory__code", "economies"
        )
    ]
    annual = annual_solid_waste(version, dwelling_units(units, version))
    slips = carne_slips(annual, installments, first_due)
    today = tenant_today()
    docs = [
        document_create(
            actor=actor,
            property_id=prop.pk,
            kind=PaymentDocument.Kind.SOLID_WASTE,
            lines=list[PricedBill](),
            amount=slip.amount,
            as_of=min(today, slip.due_date),
            valid_until=slip.due_date,
            source=SOURCE,
            source_id=f"{prop.pk}:{year}:{slip.number}/{slip.of}",
        )
        for slip in slips
    ]
    audit_record(
        actor=actor,
        action="service.solid_waste_carne_issue",
        target=prop,
        after={"year": year, "installments": installments, "annual": str(annual)},
    )
    return docs
