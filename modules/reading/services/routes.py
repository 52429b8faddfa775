"""A route's reading order (roteiro, seed 001 3.2.4.1/.3/.10/.11): the connections of a route in an
order the staff give (a whole new order, or units moved into it), renumbered 10, 20 … so a unit
registered later fits between two, and the group's readable units without route or sequence (the
list that must be empty before the batch, ADR 0200). The next batch reads the new order.

(route, sequence) is unique (constraint property_route_sequence): the sequences are cleared, then set.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import ValidationFailed
from modules.registry.models import BillingGroup, Property, Route

from ..models import LocalityType, RouteLocality
from .batches import readable_statuses

STEP = 10


def route_units(route: Route) -> list[Property]:
    """The route's units in reading order (without sequence last)."""
    units = list(
        Property.objects.filter(route=route)
        .select_related("street", "neighbourhood")
        .order_by("route_sequence", "id")
    )
    return sorted(units, key=lambda p: (p.route_sequence is None, p.route_sequence or 0, p.pk))


def unsequenced(group: BillingGroup) -> list[Property]:
    """The group's readable units that no batch could take: no route, an inactive route, or no
    sequence (3.2.4.3)."""
    return list(
        Property.objects.filter(billing_group=group, status__in=readable_statuses())
        .exclude(route__active=True, route__group=group, route_sequence__isnull=False)
        .select_related("street", "neighbourhood", "route")
        .order_by("account_number")
    )


def _renumber(route: Route, ordered: list[Property]) -> dict[str, tuple[int | None, int]]:
    """Runs inside the caller's transaction, which holds the route's lock."""
    changed: dict[str, tuple[int | None, int]] = {}
    Property.objects.filter(pk__in=[p.pk for p in ordered]).update(route_sequence=None)
    for index, unit in enumerate(ordered, start=1):
        new = index * STEP
        if unit.route_sequence != new or unit.route_id != route.pk:
            changed[unit.account_number] = (unit.route_sequence, new)
        unit.route_sequence, unit.route_id = new, route.pk
    Property.objects.bulk_update(ordered, ["route", "route_sequence"], batch_size=2000)
    return changed


@transaction.atomic(durable=True)
def route_order(*, actor: Actor, route: Route, property_ids: Sequence[int], reason: str = "") -> int:
    """Give the route's units the order of `property_ids` (every unit of the route, once each),
    renumbered 10, 20 …; returns how many changed place. Refused, naming the unit: one missing, one
    of another route, one twice."""
    route = Route.objects.select_for_update().get(pk=route.pk)
    units = {p.pk: p for p in Property.objects.filter(route=route)}
    ids = [int(i) for i in property_ids]
    seen: set[int] = set()
    for i in ids:
        if i in seen:
            raise ValidationFailed(
                f"O imóvel {units[i].account_number if i in units else i} aparece duas vezes na ordem.",
                field="properties",
                code=CommonCode.INVALID,
            )
        seen.add(i)
        if i not in units:
            raise ValidationFailed(
                f"O imóvel {i} não é da rota {route.group.code}/{route.code}: mova-o para a rota antes.",
                field="properties",
                code=CommonCode.INVALID,
            )
    missing = [p.account_number for pk, p in units.items() if pk not in seen]
    if missing:
        raise ValidationFailed(
            f"A ordem deve trazer todos os imóveis da rota: faltam {', '.join(sorted(missing)[:5])}.",
            field="properties",
            code=CommonCode.INVALID,
        )
    changed = _renumber(route, [units[i] for i in ids])
    audit_record(
        actor=actor,
        action="reading.route_order",
        target=route,
        after={"units": len(ids), "changed": {k: list(v) for k, v in list(changed.items())[:200]}},
        reason=reason,
    )
    return len(changed)


@transaction.atomic(durable=True)
def route_move(*, actor: Actor, route: Route, account_numbers: Sequence[str], reason: str = "") -> int:
    """Move units of the route's group into it, at its end in the order given (3.2.4.10); the units
    already there keep their order, renumbered 10, 20 … Returns how many moved. Refused, naming the
    unit: an unknown matrícula, a unit of another billing group (the group is the billing calendar:
    change it in the registry first), an inactive route."""
    route = Route.objects.select_for_update().select_related("group").get(pk=route.pk)
    if not route.active:
        raise ValidationFailed(
            f"A rota {route.group.code}/{route.code} está inativa.", field="route", code=CommonCode.INVALID
        )
    wanted = [a.strip() for a in account_numbers if a.strip()]
    if not wanted:
        raise ValidationFailed("Informe as matrículas a mover.", field="properties", code=CommonCode.INVALID)
    found = {p.account_number: p for p in Property.objects.filter(account_number__in=wanted)}
    moving: list[Property] = []
    for number in dict.fromkeys(wanted):
        prop = found.get(number)
        if prop is None:
            raise ValidationFailed(
                f"Matrícula {number} não encontrada.", field="properties", code=CommonCode.NOT_FOUND
            )
        if prop.billing_group_id != route.group_id:
            raise ValidationFailed(
                f"O imóvel {number} é de outro grupo de faturamento: mude o grupo no cadastro antes de "
                f"movê-lo para a rota {route.group.code}/{route.code}.",
                field="properties",
                code=CommonCode.INVALID,
            )
        moving.append(prop)
    before = {p.account_number: (p.route_id, p.route_sequence) for p in moving}
    staying = [p for p in route_units(route) if p.account_number not in before]
    moved_ids = {p.pk for p in moving}
    Property.objects.filter(pk__in=moved_ids).update(route_sequence=None)
    _renumber(route, [*staying, *moving])
    for prop in moving:
        old_route, old_sequence = before[prop.account_number]
        audit_record(
            actor=actor,
            action="reading.route_move",
            target=prop,
            before={"route": old_route, "route_sequence": old_sequence},
            after={"route": route.pk, "route_sequence": prop.route_sequence},
            reason=reason,
        )
    return len(moving)


@transaction.atomic(durable=True)
def locality_type_save(
    *, actor: Actor, code: str, name: str, high_percent: Decimal | None, low_percent: Decimal | None
) -> LocalityType:
    """Create or change a locality type (3.2.4.2) and the expected window its routes are read with
    (blank: the consumption regulation's). Refused, naming the field: no code or name, a percentage
    outside 0–1000 (low: 0–100)."""
    code, name = code.strip().upper(), name.strip()
    if not code or len(code) > 10:
        raise ValidationFailed("O código tem de 1 a 10 caracteres.", field="code", code=CommonCode.INVALID)
    if not name:
        raise ValidationFailed("Informe o nome do tipo de localidade.", field="name", code=CommonCode.INVALID)
    for field, value, top in (("high_percent", high_percent, 1000), ("low_percent", low_percent, 100)):
        if value is not None and not Decimal(0) <= value <= top:
            raise ValidationFailed(f"O percentual vai de 0 a {top}.", field=field, code=CommonCode.INVALID)
    row: LocalityType
    row, _created = LocalityType.objects.update_or_create(
        code=code, defaults={"name": name[:60], "high_percent": high_percent, "low_percent": low_percent}
    )
    audit_record(
        actor=actor,
        action="reading.locality_type_save",
        target=row,
        after={"code": code, "name": row.name, "high_percent": high_percent, "low_percent": low_percent},
    )
    return row


@transaction.atomic(durable=True)
def route_locality_set(*, actor: Actor, route: Route, code: str | None) -> LocalityType | None:
    """Give the route a locality type (None: none); the next batch applies it, batches already
    generated keep what they froze."""
    kind: LocalityType | None = None
    if code:
        kind = LocalityType.objects.filter(code=code.strip().upper()).first()
        if kind is None:
            raise ValidationFailed(
                f"Tipo de localidade {code} não cadastrado.", field="locality_type", code=CommonCode.NOT_FOUND
            )
    current = (
        RouteLocality.objects.select_for_update().filter(route=route).select_related("locality_type").first()
    )
    before = {"locality_type": current.locality_type.code if current else None}
    if kind is None:
        RouteLocality.objects.filter(route=route).delete()
    else:
        RouteLocality.objects.update_or_create(route=route, defaults={"locality_type": kind})
    audit_record(
        actor=actor,
        action="reading.route_locality",
        target=route,
        before=before,
        after={"locality_type": kind.code if kind else None},
    )
    return kind


def route_locality(route: Route) -> LocalityType | None:
    row = RouteLocality.objects.filter(route=route).select_related("locality_type").first()
    return row.locality_type if row else None
