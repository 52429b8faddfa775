"""Reads of service beyond the property: street search, a street's and a commercial customer's
orders, the commercial customer's and the paying body's one screen, a property's cuts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from modules.collection.models import Payment, PaymentDocument
from modules.common.errors import NotFound
from modules.registry.domain.text import fold
from modules.registry.models import Customer, Street

from .errors import ErrorCode
from .models import CentralizedInvoice, CutRecord, PayingBody, PayingBodyMember, ServiceOrder
from .services.units_bodies import customer_documents, offsetting, paying_body_get


def street_search(q: Mapping[str, Any]) -> QuerySet[Street]:
    """By code (the street's id), or any of state, city, neighbourhood (a street with a property in
    it), type, title and name (accent-insensitive, every word)."""
    qs = Street.objects.select_related("city").order_by("name", "id")
    code = str(q.get("code") or "").strip()
    if code:
        return qs.filter(pk=int(code)) if code.isdigit() else qs.none()
    if state := str(q.get("state") or "").strip():
        qs = qs.filter(city__state__iexact=state)
    if city := str(q.get("city") or "").strip():
        qs = qs.filter(city__name__icontains=city)
    if hood := str(q.get("neighbourhood") or "").strip():
        qs = qs.filter(properties__neighbourhood__name_search__contains=fold(hood)).distinct()
    if kind := str(q.get("street_type") or "").strip():
        qs = qs.filter(street_type__iexact=kind)
    if title := str(q.get("title") or "").strip():
        qs = qs.filter(title__iexact=title)
    for word in fold(str(q.get("name") or "")).split():
        qs = qs.filter(name_search__contains=word)
    return qs


def target_orders(*, street_id: int | None = None, customer_id: int | None = None) -> QuerySet[ServiceOrder]:
    qs = ServiceOrder.objects.select_related("code", "team", "sector")
    if street_id is not None:
        qs = qs.filter(street_id=street_id)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs.order_by("-opened_at", "-id")


def street_get(pk: int) -> Street:
    row: Street | None = Street.objects.select_related("city").filter(pk=pk).first()
    if row is None:
        raise NotFound("Logradouro não encontrado.", field="street", code=ErrorCode.STREET_NOT_FOUND)
    return row


def osm_links(street: Street) -> dict[str, str] | None:
    """The street's point on OpenStreetMap (no key needed): the embeddable map and the page."""
    if street.latitude is None or street.longitude is None:
        return None
    lat, lon = street.latitude, street.longitude
    d = Decimal("0.003")
    bbox = f"{lon - d},{lat - d},{lon + d},{lat + d}"
    return {
        "embed": f"https://www.openstreetmap.org/export/embed.html?bbox={bbox}&layer=mapnik&marker={lat},{lon}",
        "page": f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}",
    }


@dataclass(frozen=True)
class CustomerOverview:
    customer: Customer
    orders: list[ServiceOrder]
    documents: list[PaymentDocument]
    offset: dict[str, Any]


def customer_overview(pk: int) -> CustomerOverview:
    customer = Customer.objects.filter(pk=pk, commercial_base__isnull=False).first()
    if customer is None:
        raise NotFound(
            "Cliente comercial não encontrado.", field="customer", code=ErrorCode.CUSTOMER_NOT_FOUND
        )
    documents = customer_documents(pk)
    return CustomerOverview(
        customer=customer,
        orders=list(target_orders(customer_id=pk)[:100]),
        documents=documents,
        offset=offsetting(documents),
    )


@dataclass(frozen=True)
class BodyOverview:
    body: PayingBody
    members: list[PayingBodyMember]
    invoices: list[CentralizedInvoice]
    open_total: Decimal
    credit_total: Decimal


def body_overview(pk: int) -> BodyOverview:
    body = paying_body_get(pk)
    invoices = list(
        CentralizedInvoice.objects.filter(body=body).select_related("document").order_by("-reference")[:60]
    )
    open_total = sum(
        (i.document.amount for i in invoices if i.document.status == PaymentDocument.Status.OPEN),
        Decimal("0.00"),
    )
    credits = Payment.objects.filter(
        document__source="service.centralized_invoice",
        document__source_id__startswith=f"{body.pk}:",
        status__in=[Payment.Status.REVIEW, Payment.Status.REFUND],
    )
    return BodyOverview(
        body=body,
        members=list(
            PayingBodyMember.objects.filter(body=body, end__isnull=True)
            .select_related("property")
            .order_by("property__account_number")
        ),
        invoices=invoices,
        open_total=open_total,
        credit_total=sum((p.amount for p in credits), Decimal("0.00")),
    )


def property_cuts(property_id: int) -> list[CutRecord]:
    return list(
        CutRecord.objects.filter(property_id=property_id)
        .select_related("cut_order", "reconnection_order", "connection")
        .order_by("-cut_on", "-id")[:20]
    )
