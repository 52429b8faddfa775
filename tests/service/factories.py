"""Service codes, teams and materials for the service tests, made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from modules.common.audit import SystemActor
from modules.service.models import Material, ServiceCode, Team
from modules.service.services import catalog

ACTOR = SystemActor("testes")


def code(
    code: str = "LIG01", price: str | None = "35.00", price_from: dt.date | None = None, **fields: Any
) -> ServiceCode:
    fields.setdefault("description", "Ligação de água")
    fields.setdefault("billing_type", "mandatory")
    fields.setdefault("deadline_value", 2)
    fields.setdefault("deadline_unit", "business_days")
    return catalog.service_code_create(
        actor=ACTOR,
        code=code,
        price=Decimal(price) if price is not None else None,
        price_from=price_from or dt.date(2026, 1, 1),
        **fields,
    )


def team(name: str = "Equipe Norte", **fields: Any) -> Team:
    return catalog.team_create(actor=ACTOR, name=name, **fields)


def material(code: str = "TUBO20", price: str = "12.50", unit: str = "m") -> Material:
    return catalog.material_create(
        actor=ACTOR,
        code=code,
        description="Tubo PEAD 20 mm",
        unit=unit,
        price=Decimal(price),
        price_from=dt.date(2026, 1, 1),
    )


def committed_orders_remove(property_ids: list[int]) -> None:
    """Remove the committed orders of these properties (a browser test's request from the agency
    opens one, ADR 0223), put the year's order counter back to the highest number left, and drop the
    agency's default codes that no order uses any more."""
    from django.db.models import Max

    from modules.service.models import OrderSequence, ServiceOrder

    orders = ServiceOrder.objects.filter(property_id__in=property_ids)
    years = set(orders.values_list("year", flat=True))
    orders.delete()
    for year in years:
        top = ServiceOrder.objects.filter(year=year).aggregate(top=Max("number"))["top"]
        if top is None:
            OrderSequence.objects.filter(year=year).delete()
        else:
            OrderSequence.objects.filter(year=year).update(last=top)
    # the agency's default codes the first request made, when no order uses them any more
    from modules.service.domain.protocols import AGENCY_ORDER_CODES

    ServiceCode.objects.filter(code__in=[c.code for c in AGENCY_ORDER_CODES], orders__isnull=True).delete()
