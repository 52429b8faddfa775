"""Reads of the registry, with explicit joins; the 360° page has a query budget (tests/registry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from modules.common.models import AuditEntry

from .models import Customer, Property, PropertyCategory, PropertyRelation, ServiceConnection
from .search import SearchResult, property_search, search_properties, with_holder

__all__ = [
    "SearchResult",
    "customer_list",
    "property_360",
    "property_search",
    "search_properties",
    "with_holder",
]


def customer_list(*, text: str = "") -> QuerySet[Customer]:
    from modules.common.domain.documents import document_kind, strip_document

    from .domain.text import tokens

    qs = Customer.objects.all()
    chars = strip_document(text)
    if text and len(chars) in (11, 14) and document_kind(chars):
        return qs.filter(cpf_cnpj=chars)
    for token in tokens(text):
        qs = qs.filter(name_search__contains=token)
    return qs


@dataclass
class Property360:
    prop: Property
    relations: list[PropertyRelation]
    connections: list[ServiceConnection]
    history: list[AuditEntry]
    extra: dict[str, Any]


def property_detail(pk: int) -> Property:
    prop: Property = (
        Property.objects.select_related(
            "street", "neighbourhood__city", "billing_group", "route", "locality_ref", "sector_ref"
        )
        .prefetch_related(
            Prefetch(
                "categories", queryset=PropertyCategory.objects.select_related("category", "usage_plan")
            ),
            "status_history",
        )
        .get(pk=pk)
    )
    return prop


def property_360(pk: int) -> Property360:
    prop = property_detail(pk)
    relations = list(
        PropertyRelation.objects.filter(property=prop)
        .select_related("customer")
        .order_by("end", "-start", "-id")
    )
    connections = list(ServiceConnection.objects.filter(property=prop).prefetch_related("events"))
    targets = [("registry.property", str(prop.pk))] + [
        ("registry.serviceconnection", str(c.pk)) for c in connections
    ]
    from django.db.models import Q

    cond = Q()
    for object_type, object_id in targets:
        cond |= Q(object_type=object_type, object_id=object_id)
    history = list(AuditEntry.objects.filter(cond).order_by("-at", "-id")[:50])
    return Property360(prop, relations, connections, history, {})


def reference_rows(table_key: str, *, text: str = "", inactive: bool = True) -> QuerySet[Any]:
    """The rows of a reference table for its list page and API, parents joined."""
    from .domain.text import fold
    from .tables import TABLES

    table = TABLES[table_key]
    qs = table.model._default_manager.select_related(*table.select)
    if not inactive:
        qs = qs.filter(active=True)
    if text:
        key = fold(text)
        if any(f.name == "name_search" for f in table.model._meta.fields):
            qs = qs.filter(name_search__contains=key)
        else:
            qs = qs.filter(name__icontains=text)
    return qs


def units_on_same_lot(prop: Property) -> list[str]:
    """The matrículas of the other units on the unit's localidade/setor/quadra/lote (another sublote):
    3.2.19.26's duplicated-location warning, shown after a location change."""
    return list(
        Property.objects.filter(locality=prop.locality, sector=prop.sector, block=prop.block, lot=prop.lot)
        .exclude(pk=prop.pk)
        .order_by("account_base")
        .values_list("account_number", flat=True)[:20]
    )
