"""Small builders for registry and metering tests: valid documents and a ready property."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from modules.common.audit import SystemActor
from modules.common.domain.documents import cnpj_check_digits, cpf_check_digits
from modules.registry.domain.economies import CategoryShare
from modules.registry.models import City, Customer, Property
from modules.registry.services.addresses import neighbourhood_create, street_create
from modules.registry.services.customers import customer_create
from modules.registry.services.properties import property_create

ACTOR = SystemActor("tests")
TODAY = dt.date(2025, 6, 15)
_seq = itertools.count(100_000_001)


def cpf(seed: int | None = None) -> str:
    base = str(seed if seed is not None else next(_seq)).zfill(9)[-9:]
    return base + cpf_check_digits(base)


def cnpj(base12: str) -> str:
    return base12 + cnpj_check_digits(base12)


def customer(name: str = "Maria da Conceição Souza", document: str | None = None, **fields: Any) -> Customer:
    return customer_create(actor=ACTOR, name=name, cpf_cnpj=document or cpf(), today=TODAY, **fields)


def street(name: str = "das Flores", street_type: str = "Rua") -> Any:
    city = City.objects.order_by("id").first()
    assert city is not None
    return street_create(actor=ACTOR, city_id=city.pk, street_type=street_type, name=name)


def neighbourhood(name: str = "Centro") -> Any:
    city = City.objects.order_by("id").first()
    assert city is not None
    return neighbourhood_create(actor=ACTOR, city_id=city.pk, name=name)


_lots = itertools.count(1)


def prop(
    holder: Customer | None = None,
    categories: tuple[tuple[str, int], ...] = (("RES", 1),),
    number: str = "123",
    **fields: Any,
) -> Property:
    fields.setdefault("locality", 1)
    fields.setdefault("sector", 2)
    fields.setdefault("block", 30)
    fields.setdefault("lot", next(_lots))
    return property_create(
        actor=ACTOR,
        street=fields.pop("street", None) or street(),
        neighbourhood=fields.pop("neighbourhood", None) or neighbourhood(),
        number=number,
        categories=[CategoryShare(c, n) for c, n in categories],
        holder=holder,
        holder_since=fields.pop("holder_since", TODAY - dt.timedelta(days=30)),
        today=TODAY,
        **fields,
    )


_codes = itertools.count(500)


def reference_row(table: str, tag: str = "teste") -> Any:
    """One row of a reference table (tables.TABLES key), with the parents it needs; its names carry
    `tag` so a test can tell it apart."""
    from modules.registry.services.reference import reference_create

    city = City.objects.order_by("id").first()
    assert city is not None
    code = next(_codes)
    parents: dict[str, Any] = {
        "localities": lambda: {"city": city.pk},
        "sectors": lambda: {"locality": reference_row("localities", tag).pk},
        "blocks": lambda: {"sector": reference_row("sectors", tag).pk},
        "neighbourhoods": lambda: {"city": city.pk},
        "streets": lambda: {"city": city.pk, "street_type": "Rua"},
        "subcategories": lambda: {"category": reference_row("categories", tag).pk},
        "usage-plans": lambda: {"category": reference_row("categories", tag).pk},
        "routes": lambda: {"group": reference_row("groups", tag).pk},
    }
    data: dict[str, Any] = parents.get(table, dict)()
    if table == "cities":
        data |= {"name": f"Cidade {tag} {code}", "state": "SP"}
    elif table in ("categories", "subcategories", "usage-plans"):
        data |= {"code": f"C{code}", "name": f"Categoria {tag} {code}"}
    else:
        data |= {"code": code, "name": f"{table} {tag} {code}"}
    return reference_create(actor=ACTOR, table=table, data=data)
