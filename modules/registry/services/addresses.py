"""Reference data of addresses: streets and neighbourhoods."""

from __future__ import annotations

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import ValidationFailed

from ..domain.text import fold
from ..errors import ErrorCode
from ..models import Neighbourhood, Street
from .reference import reference_snapshot


@transaction.atomic(durable=True)
def street_create(*, actor: Actor, city_id: int, street_type: str, name: str) -> Street:
    name = (name or "").strip()
    if len(name) < 2:
        raise ValidationFailed("Informe o nome do logradouro.", field="name", code=ErrorCode.NAME_REQUIRED)
    street: Street
    street, created = Street.objects.get_or_create(
        city_id=city_id,
        street_type=street_type.strip() or "Rua",
        name=name,
        defaults={"name_search": fold(f"{street_type} {name}")},
    )
    if created:
        audit_record(
            actor=actor, action="registry.street_create", target=street, after=reference_snapshot(street)
        )
    return street


@transaction.atomic(durable=True)
def neighbourhood_create(*, actor: Actor, city_id: int, name: str) -> Neighbourhood:
    name = (name or "").strip()
    if len(name) < 2:
        raise ValidationFailed("Informe o nome do bairro.", field="name", code=ErrorCode.NAME_REQUIRED)
    hood: Neighbourhood
    hood, created = Neighbourhood.objects.get_or_create(
        city_id=city_id, name=name, defaults={"name_search": fold(name)}
    )
    if created:
        audit_record(
            actor=actor, action="registry.neighbourhood_create", target=hood, after=reference_snapshot(hood)
        )
    return hood
