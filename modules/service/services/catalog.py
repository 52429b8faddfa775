"""Writes of the catalogue: service codes and their price table, materials (and their prices) and
kits, sectors, teams with members over date ranges, vehicles."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db import transaction

from modules.access.models import User
from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import NotFound, ValidationFailed, clean_or_fail

from ..errors import ErrorCode
from ..models import (
    MAX_PRINT_LAYOUTS,
    Kit,
    KitItem,
    Material,
    MaterialPrice,
    Sector,
    ServiceCode,
    ServicePrice,
    Team,
    TeamMember,
    Vehicle,
)

# every policy of 3.2.11.1 a caller may set (code is the natural key, set on creation only)
CODE_FIELDS = (
    "description",
    "group",
    "billing_type",
    "unit",
    "sector",
    "max_installments",
    "charges_interest",
    "taxable",
    "down_payment_required",
    "min_down_payment_percent",
    "deadline_value",
    "deadline_unit",
    "priority",
    "crew_size",
    "max_postponements",
    "print_layouts",
    "accounting_rubric",
    "opening_term",
    "needs_approval",
    "charges_materials",
    "is_cut",
    "kit",
    "is_active",
)

# Mercosul (ABC1D23) and the old Brazilian plate (ABC1234)
PLATE = re.compile(r"^[A-Z]{3}[0-9][A-Z0-9][0-9]{2}$")


def _refuse_layouts(layouts: Any) -> None:
    if not isinstance(layouts, list) or not all(isinstance(x, str) and x.strip() for x in layouts):
        raise ValidationFailed(
            "Os layouts de impressão são uma lista de nomes.", field="print_layouts", code=ErrorCode.INVALID
        )
    if len(layouts) > MAX_PRINT_LAYOUTS:
        raise ValidationFailed(
            f"Um código de serviço tem no máximo {MAX_PRINT_LAYOUTS} layouts de impressão; "
            f"foram informados {len(layouts)}.",
            field="print_layouts",
            code=ErrorCode.TOO_MANY_PRINT_LAYOUTS,
        )


def _money(value: Decimal | str, field: str) -> Decimal:
    amount = Decimal(str(value))
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(
            "Informe um valor em reais, não negativo, com no máximo 2 casas decimais.",
            field=field,
            code=ErrorCode.INVALID,
        )
    return amount


@transaction.atomic(durable=True)
def service_code_create(
    *, actor: Actor, code: str, price: Decimal | None = None, price_from: dt.date | None = None, **fields: Any
) -> ServiceCode:
    """A new service code with its policies; with `price`, the price in force from `price_from`."""
    code = code.strip().upper()
    if ServiceCode.objects.filter(code=code).exists():
        raise ValidationFailed(
            f"Já existe o código de serviço {code}.", field="code", code=ErrorCode.DUPLICATE
        )
    row = ServiceCode(code=code)
    _apply_code_fields(row, fields)
    clean_or_fail(row)
    row.save()
    audit_record(actor=actor, action="service.code_create", target=row, after=snapshot(row, exclude=("id",)))
    if price is not None:
        if price_from is None:
            raise ValidationFailed(
                "Informe o início da vigência do preço.", field="price_from", code=ErrorCode.INVALID
            )
        service_price_put(actor=actor, service_code=row, valid_from=price_from, price=price)
    return row


@transaction.atomic(durable=True)
def service_code_update(*, actor: Actor, code_id: int, **fields: Any) -> ServiceCode:
    """Change the policies of a code; takes effect on the next order (open orders keep their due
    date)."""
    row: ServiceCode | None = ServiceCode.objects.select_for_update().filter(pk=code_id).first()
    if row is None:
        raise NotFound("Código de serviço não encontrado.", field="code", code=ErrorCode.CODE_NOT_FOUND)
    before = snapshot(row, exclude=("id",))
    _apply_code_fields(row, fields)
    clean_or_fail(row)
    row.save()
    audit_record(
        actor=actor,
        action="service.code_update",
        target=row,
        before=before,
        after=snapshot(row, exclude=("id",)),
    )
    return row


def _apply_code_fields(row: ServiceCode, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(CODE_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed(f"Parâmetro desconhecido: {name}.", field=name, code=ErrorCode.INVALID)
    if "print_layouts" in fields:
        _refuse_layouts(fields["print_layouts"])
    for name, value in fields.items():
        setattr(row, name, value)


def service_price_put(
    *, actor: Actor, service_code: ServiceCode, valid_from: dt.date, price: Decimal
) -> ServicePrice:
    """Not durable: the price of `service_code` from `valid_from` (a new row of the table; the same
    start replaces that row's price), inside the caller's transaction."""
    amount = _money(price, "price")
    row: ServicePrice
    row, created = ServicePrice.objects.get_or_create(
        code=service_code,
        valid_from=valid_from,
        defaults={"price": amount, "created_by": actor.get_username()},
    )
    before = None if created else snapshot(row, ["valid_from", "price"])
    if not created:
        row.price = amount
        row.created_by = actor.get_username()
        row.save(update_fields=["price", "created_by"])
    audit_record(
        actor=actor,
        action="service.price_set",
        target=service_code,
        before=before,
        after=snapshot(row, ["valid_from", "price"]),
    )
    return row


@transaction.atomic(durable=True)
def service_price_set(*, actor: Actor, code_id: int, valid_from: dt.date, price: Decimal) -> ServicePrice:
    """A price for the code from `valid_from`; earlier prices stay as the table's history."""
    row = ServiceCode.objects.select_for_update().filter(pk=code_id).first()
    if row is None:
        raise NotFound("Código de serviço não encontrado.", field="code", code=ErrorCode.CODE_NOT_FOUND)
    return service_price_put(actor=actor, service_code=row, valid_from=valid_from, price=price)


@transaction.atomic(durable=True)
def sector_create(*, actor: Actor, name: str, email: str = "") -> Sector:
    name = name.strip()
    if Sector.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(f"Já existe o setor {name}.", field="name", code=ErrorCode.DUPLICATE)
    row = Sector(name=name, email=email)
    clean_or_fail(row)
    row.save()
    audit_record(
        actor=actor, action="service.sector_create", target=row, after=snapshot(row, exclude=("id",))
    )
    return row


@transaction.atomic(durable=True)
def material_create(
    *,
    actor: Actor,
    code: str,
    description: str,
    unit: str = "un",
    price: Decimal | None = None,
    price_from: dt.date | None = None,
) -> Material:
    code = code.strip().upper()
    if Material.objects.filter(code=code).exists():
        raise ValidationFailed(f"Já existe o material {code}.", field="code", code=ErrorCode.DUPLICATE)
    row = Material(code=code, description=description.strip(), unit=unit)
    clean_or_fail(row)
    row.save()
    audit_record(
        actor=actor, action="service.material_create", target=row, after=snapshot(row, exclude=("id",))
    )
    if price is not None and price_from is not None:
        material_price_put(actor=actor, material=row, valid_from=price_from, price=price)
    return row


def material_price_put(
    *, actor: Actor, material: Material, valid_from: dt.date, price: Decimal
) -> MaterialPrice:
    """Not durable: the material's price from `valid_from`, inside the caller's transaction."""
    amount = _money(price, "price")
    row: MaterialPrice
    row, _ = MaterialPrice.objects.update_or_create(
        material=material, valid_from=valid_from, defaults={"price": amount}
    )
    audit_record(
        actor=actor,
        action="service.material_price_set",
        target=material,
        after=snapshot(row, ["valid_from", "price"]),
    )
    return row


@transaction.atomic(durable=True)
def material_price_set(
    *, actor: Actor, material_id: int, valid_from: dt.date, price: Decimal
) -> MaterialPrice:
    row = Material.objects.select_for_update().filter(pk=material_id).first()
    if row is None:
        raise NotFound("Material não encontrado.", field="material", code=ErrorCode.MATERIAL_NOT_FOUND)
    return material_price_put(actor=actor, material=row, valid_from=valid_from, price=price)


def kit_items_put(*, actor: Actor, kit: Kit, items: list[tuple[str, Decimal]]) -> None:
    """Not durable: the kit's materials become `items` (material code, quantity), in the caller's
    transaction."""
    before = sorted((i.material.code, str(i.quantity)) for i in kit.items.select_related("material"))
    materials = {m.code: m for m in Material.objects.filter(code__in=[c for c, _ in items])}
    kit.items.all().delete()
    for index, (material_code, quantity) in enumerate(items):
        material = materials.get(material_code.strip().upper())
        if material is None:
            raise NotFound(
                f"Material {material_code} não encontrado.",
                field=f"items[{index}].material",
                code=ErrorCode.MATERIAL_NOT_FOUND,
            )
        if Decimal(str(quantity)) <= 0:
            raise ValidationFailed(
                "A quantidade deve ser maior que zero.",
                field=f"items[{index}].quantity",
                code=ErrorCode.INVALID,
            )
        KitItem.objects.create(kit=kit, material=material, quantity=Decimal(str(quantity)))
    after = sorted((i.material.code, str(i.quantity)) for i in kit.items.select_related("material"))
    audit_record(
        actor=actor,
        action="service.kit_items_set",
        target=kit,
        before={"items": before},
        after={"items": after},
    )


@transaction.atomic(durable=True)
def kit_create(*, actor: Actor, code: str, description: str, items: list[tuple[str, Decimal]]) -> Kit:
    """A kit: materials with quantities a service is expected to use."""
    code = code.strip().upper()
    if Kit.objects.filter(code=code).exists():
        raise ValidationFailed(f"Já existe o kit {code}.", field="code", code=ErrorCode.DUPLICATE)
    kit = Kit(code=code, description=description.strip())
    clean_or_fail(kit)
    kit.save()
    audit_record(actor=actor, action="service.kit_create", target=kit, after=snapshot(kit, exclude=("id",)))
    kit_items_put(actor=actor, kit=kit, items=items)
    return kit


@transaction.atomic(durable=True)
def team_create(*, actor: Actor, name: str, sector: Sector | None = None, special: bool = False) -> Team:
    name = name.strip()
    if not name:
        raise ValidationFailed("Informe o nome da equipe.", field="name", code=ErrorCode.INVALID)
    if Team.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(f"Já existe a equipe {name}.", field="name", code=ErrorCode.DUPLICATE)
    row = Team(name=name, sector=sector, special=special)
    clean_or_fail(row)
    row.save()
    audit_record(actor=actor, action="service.team_create", target=row, after=snapshot(row, exclude=("id",)))
    return row


@transaction.atomic(durable=True)
def team_member_add(
    *, actor: Actor, team_id: int, user_id: int, start: dt.date, end: dt.date | None = None
) -> TeamMember:
    """A staff user joins the team from `start` (until `end`); one person is in a team once at a time."""
    team = Team.objects.select_for_update().filter(pk=team_id).first()
    if team is None:
        raise NotFound("Equipe não encontrada.", field="team", code=ErrorCode.TEAM_NOT_FOUND)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound("Usuário não encontrado ou inativo.", field="user", code=ErrorCode.INVALID)
    if end is not None and end < start:
        raise ValidationFailed("O fim não pode ser anterior ao início.", field="end", code=ErrorCode.INVALID)
    overlapping = TeamMember.objects.filter(team=team, user=user, start__lte=end or dt.date.max).exclude(
        end__lt=start
    )
    if overlapping.exists():
        raise ValidationFailed(
            f"{user.full_name or user.username} já está na equipe nesse período.",
            field="start",
            code=ErrorCode.MEMBER_OVERLAP,
        )
    row: TeamMember = TeamMember.objects.create(team=team, user=user, start=start, end=end)
    audit_record(
        actor=actor, action="service.team_member_add", target=team, after=snapshot(row, exclude=("id",))
    )
    return row


@transaction.atomic(durable=True)
def team_member_end(*, actor: Actor, member_id: int, end: dt.date) -> TeamMember:
    row: TeamMember | None = TeamMember.objects.select_for_update().filter(pk=member_id).first()
    if row is None:
        raise NotFound("Integrante não encontrado.", field="member", code=ErrorCode.INVALID)
    if end < row.start:
        raise ValidationFailed("O fim não pode ser anterior ao início.", field="end", code=ErrorCode.INVALID)
    before = snapshot(row, exclude=("id",))
    row.end = end
    row.save(update_fields=["end"])
    audit_record(
        actor=actor,
        action="service.team_member_end",
        target=row.team,
        before=before,
        after=snapshot(row, exclude=("id",)),
    )
    return row


@transaction.atomic(durable=True)
def vehicle_create(*, actor: Actor, plate: str, description: str = "", team: Team | None = None) -> Vehicle:
    plate = re.sub(r"[\s-]", "", plate).upper()
    if not PLATE.match(plate):
        raise ValidationFailed(
            "Placa inválida: use o padrão Mercosul (ABC1D23) ou o antigo (ABC1234).",
            field="plate",
            code=ErrorCode.INVALID_PLATE,
        )
    if Vehicle.objects.filter(plate=plate).exists():
        raise ValidationFailed(
            f"Já existe o veículo de placa {plate}.", field="plate", code=ErrorCode.DUPLICATE
        )
    row: Vehicle = Vehicle.objects.create(plate=plate, description=description.strip(), team=team)
    audit_record(
        actor=actor, action="service.vehicle_create", target=row, after=snapshot(row, exclude=("id",))
    )
    return row
