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
