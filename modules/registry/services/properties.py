"""Properties: register, update, economias (categories) and status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max

from modules.access.domain.scopes import Place
from modules.access.field_rights import field_rights_require
from modules.access.scoping import scope_require
from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_today
from modules.common.errors import Conflict, ValidationFailed

from ..domain.account_number import InvalidAccountNumber
from ..domain.economies import CategoryShare, InvalidEconomies, total_economies, validate_shares
from ..domain.inscription import Inscription, InvalidInscription
from ..domain.text import fold, normalize_cep
from ..errors import ErrorCode
from ..models import (
    BillingGroup,
    Block,
    Category,
    Customer,
    Locality,
    Neighbourhood,
    Property,
    PropertyCategory,
    PropertyRelation,
    PropertyStatusChange,
    Route,
    Sector,
    Street,
    UsagePlan,
)
from ..numbering import check_digit, inscription_widths, next_base
from .checks import not_future
from .relations import relation_start
from .sequencing import derived_sequence, route_resequence_within


def _shares(categories: Iterable[CategoryShare]) -> tuple[CategoryShare, ...]:
    try:
        return validate_shares(categories, Category.objects.values_list("code", flat=True))
    except InvalidEconomies as exc:
        raise ValidationFailed(str(exc), field=exc.field, code=ErrorCode.ECONOMIES_INVALID) from exc


def inscription_from_parts(parts: dict[str, Any]) -> Inscription:
    try:
        return Inscription(
            int(parts["locality"]),
            int(parts["sector"]),
            int(parts["block"]),
            int(parts["lot"]),
            int(parts.get("sublot") or 0),
            widths=inscription_widths(),
        )
    except InvalidInscription as exc:
        raise ValidationFailed(str(exc), field=exc.field, code=ErrorCode.INSCRIPTION_INVALID) from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed(
            "Informe a inscrição completa: localidade, setor, quadra e lote.",
            field="inscription",
            code=ErrorCode.INSCRIPTION_INVALID,
        ) from exc


def _address_search(street: Street, number: str, complement: str, neighbourhood: Neighbourhood) -> str:
    return fold(f"{street.street_type} {street.name} {number} {complement} {neighbourhood.name}")


def _apply_categories(prop: Property, shares: tuple[CategoryShare, ...]) -> None:
    by_code = {c.code: c for c in Category.objects.filter(code__in=[s.category for s in shares])}
    held = set(PropertyCategory.objects.filter(property=prop).values_list("category__code", flat=True))
    for code, category in by_code.items():
        if not category.active and code not in held:
            raise ValidationFailed(
                f"A categoria {category.code} – {category.name} está desativada: não recebe novas economias.",
                field=f"categories.{code}",
                code=ErrorCode.REFERENCE_INACTIVE,
            )
    PropertyCategory.objects.filter(property=prop).exclude(category__code__in=list(by_code)).delete()
    for share in shares:
        PropertyCategory.objects.update_or_create(
            property=prop, category=by_code[share.category], defaults={"economies": share.economies}
        )
    prop.economies_total = total_economies(shares)
    Property.objects.filter(pk=prop.pk).update(economies_total=prop.economies_total)


def _categories_snapshot(prop: Property) -> dict[str, int]:
    return dict(prop.categories.values_list("category__code", "economies"))


def _plans_snapshot(prop: Property) -> dict[str, str]:
    return {
        code: plan or "" for code, plan in prop.categories.values_list("category__code", "usage_plan__code")
    }


def _apply_plans(prop: Property, plans: Mapping[str, str]) -> None:
    """Each category's usage plan (S5.3-04): a plan code of that category, or "" for none (the tariff's
    minimum). An inactive plan is kept by the properties already on it and given to no other.
    Runs inside the caller's transaction."""
    rows = {
        pc.category.code: pc
        for pc in PropertyCategory.objects.filter(property=prop).select_related("category")
    }
    for raw_code, raw_plan in plans.items():
        code, plan_code = raw_code.strip().upper(), (raw_plan or "").strip().upper()
        row = rows.get(code)
        if row is None:
            raise ValidationFailed(
                f"O imóvel não tem economias da categoria {code}: informe-as antes do plano de utilização.",
                field=f"categories.{code}.usage_plan",
                code=ErrorCode.ECONOMIES_INVALID,
            )
        plan = None
        if plan_code:
            plan = UsagePlan.objects.filter(category=row.category, code__iexact=plan_code).first()
            if plan is None:
                raise ValidationFailed(
                    f"A categoria {code} não tem o plano de utilização '{plan_code}'.",
                    field=f"categories.{code}.usage_plan",
                    code=ErrorCode.REFERENCE_NOT_FOUND,
                )
            if not plan.active and row.usage_plan_id != plan.pk:
                raise ValidationFailed(
                    f"O plano de utilização {plan} está desativado: não recebe novos imóveis.",
                    field=f"categories.{code}.usage_plan",
                    code=ErrorCode.REFERENCE_INACTIVE,
                )
        if row.usage_plan_id != (plan.pk if plan else None):
            PropertyCategory.objects.filter(pk=row.pk).update(usage_plan=plan)


def inscription_refs(inscription: Inscription) -> dict[str, Any]:
    """The locality, sector and block rows the inscription names, when registered; a deactivated one
    takes no new property."""
    refs: dict[str, Any] = {"locality_ref": None, "sector_ref": None, "block_ref": None}
    locality = Locality.objects.filter(code=inscription.locality).first()
    sector = block = None
    if locality is not None:
        sector = Sector.objects.filter(locality=locality, code=inscription.sector).first()
    if sector is not None:
        block = Block.objects.filter(sector=sector, code=inscription.block).first()
    for name, row in (("locality", locality), ("sector", sector), ("block", block)):
        if row is not None and not row.active:
            ending = "o" if name == "sector" else "a"
            raise ValidationFailed(
                f"{row._meta.verbose_name.capitalize()} {row} está desativad{ending}: "
                "não recebe novos imóveis.",
                field=name,
                code=ErrorCode.REFERENCE_INACTIVE,
            )
        refs[f"{name}_ref"] = row
    return refs


def _check_active(prop: Property | None, data: dict[str, Any]) -> None:
    """A deactivated street, neighbourhood, group or route is kept where it is, never newly chosen."""
    for name in ("street", "neighbourhood", "billing_group", "route"):
        row = data.get(name)
        if row is None or row.active:
            continue
        if prop is not None and getattr(prop, f"{name}_id") == row.pk:
            continue
        raise ValidationFailed(
            f"{row._meta.verbose_name.capitalize()} {row} está desativado: escolha outro.",
            field=name,
            code=ErrorCode.REFERENCE_INACTIVE,
        )


def _check_route(billing_group: BillingGroup | None, route: Route | None) -> None:
    if route is not None and billing_group is not None and route.group_id != billing_group.pk:
        raise ValidationFailed(
            "A rota escolhida não pertence ao grupo de faturamento.",
            field="route",
            code=ErrorCode.ROUTE_NOT_IN_GROUP,
        )


def _check_coordinates(lat: Decimal | None, lon: Decimal | None) -> None:
    if (lat is None) != (lon is None):
        raise ValidationFailed(
            "Informe latitude e longitude juntas.", field="latitude", code=ErrorCode.COORDINATES_INVALID
        )
    if lat is not None and not Decimal("-90") <= lat <= Decimal("90"):
        raise ValidationFailed(
            "Latitude fora do intervalo −90 a 90.", field="latitude", code=ErrorCode.COORDINATES_INVALID
        )
    if lon is not None and not Decimal("-180") <= lon <= Decimal("180"):
        raise ValidationFailed(
            "Longitude fora do intervalo −180 a 180.", field="longitude", code=ErrorCode.COORDINATES_INVALID
        )


PROPERTY_FIELDS = (
    "number",
    "complement",
    "cep",
    "latitude",
    "longitude",
    "billing_group",
    "route",
    "route_sequence",
    "special",
    "municipal_registration",
    "residents",
    "water_outlets",
    "built_area",
    "has_water_tank",
    "has_cistern",
    "has_own_source",
    "street",
    "neighbourhood",
    "cut_notice_allowed",
    "cut_order_allowed",
    "building_status",
    "street_paving",
    "sidewalk_paving",
)

CHOICE_FIELDS = {
    "building_status": Property.BuildingStatus,
    "street_paving": Property.StreetPaving,
    "sidewalk_paving": Property.SidewalkPaving,
    "special": Property.Special,
}


def _clean_property_fields(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k in PROPERTY_FIELDS}
    if "number" in out:
        out["number"] = str(out["number"] or "").strip() or "S/N"
    if out.get("cep"):
        try:
            out["cep"] = normalize_cep(out["cep"])
        except ValueError as exc:
            raise ValidationFailed(str(exc), field="cep", code=ErrorCode.CEP_INVALID) from exc
    for name, choices in CHOICE_FIELDS.items():
        if name in out and out[name] not in choices.values:
            label = Property._meta.get_field(name).verbose_name
            raise ValidationFailed(
                f"Valor desconhecido para {label}: '{out[name]}'.", field=name, code=ErrorCode.CHOICE_INVALID
            )
    if out.get("built_area") is not None and out["built_area"] < 0:
        raise ValidationFailed(
            "A área construída não pode ser negativa.", field="built_area", code=ErrorCode.BUILT_AREA_NEGATIVE
        )
    return out


def property_create_within(
    *,
    actor: Actor,
    locality: int,
    sector: int,
    block: int,
    lot: int,
    sublot: int = 0,
    street: Street,
    neighbourhood: Neighbourhood,
    number: str,
    categories: Iterable[CategoryShare],
    account_base: int | None = None,
    holder: Customer | None = None,
    holder_since: dt.date | None = None,
    today: dt.date | None = None,
    **fields: Any,
) -> Property:
    """A new property with its categories; the account number is the next issuable one unless given.

    `holder`, when given, becomes owner and responsible for the bill from `holder_since` (default today).
    Runs inside the caller's transaction; `property_create` is the unit of work.
    """
    today = today or tenant_today()
    inscription = inscription_from_parts(
        {"locality": locality, "sector": sector, "block": block, "lot": lot, "sublot": sublot}
    )
    shares = _shares(categories)
    data = _clean_property_fields(
        {"number": number, "street": street, "neighbourhood": neighbourhood, **fields}
    )
    _check_route(data.get("billing_group"), data.get("route"))
    _check_coordinates(data.get("latitude"), data.get("longitude"))
    _check_active(None, data)
    refs = inscription_refs(inscription)
    not_future(holder_since, today, "holder_since", "A data de início da titularidade")
    if account_base is not None:
        try:
            valid = check_digit(account_base) is not None
        except InvalidAccountNumber as exc:
            raise ValidationFailed(
                str(exc), field="account_number", code=ErrorCode.ACCOUNT_NUMBER_INVALID
            ) from exc
        if not valid:
            raise ValidationFailed(
                "Matrícula sem dígito verificador válido.",
                field="account_number",
                code=ErrorCode.ACCOUNT_NUMBER_INVALID,
            )
    if Property.objects.filter(inscription=inscription.formatted()).exists():
        raise Conflict(
            f"Já existe um imóvel com a inscrição {inscription.formatted()}.",
            field="inscription",
            code=ErrorCode.DUPLICATE,
        )
    if account_base is None:
        # Serialise issuing numbers within the tenant so two clerks never get the same one.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':account_number'))")
        last = Property.objects.aggregate(m=Max("account_base"))["m"] or 1000
        account_base = next_base(last)
    elif Property.objects.filter(account_base=account_base).exists():
        raise Conflict("Matrícula já utilizada.", field="account_number", code=ErrorCode.DUPLICATE)
    prop = Property(
        account_base=account_base,
        locality=inscription.locality,
        sector=inscription.sector,
        block=inscription.block,
        lot=inscription.lot,
        sublot=inscription.sublot,
        inscription=inscription.formatted(),
        **refs,
        **data,
    )
    prop.address_search = _address_search(prop.street, prop.number, prop.complement, prop.neighbourhood)
    resequence = False
    if prop.route is not None and prop.route_sequence is None:
        # seed 002 S8.3-02: no typed sequence, so the place (street, quadra, lote …) gives it
        Route.objects.select_for_update().get(pk=prop.route.pk)  # one sequencing of the route at a time
        prop.route_sequence = derived_sequence(prop.route, prop)
        resequence = prop.route_sequence is None
    try:
        with transaction.atomic():
            prop.save()
    except IntegrityError as exc:
        raise Conflict(
            "Sequência já ocupada nesta rota.", field="route_sequence", code=ErrorCode.DUPLICATE
        ) from exc
    if resequence and prop.route is not None:
        route_resequence_within(prop.route)
        prop.refresh_from_db(fields=["route_sequence"])
    _apply_categories(prop, shares)
    PropertyStatusChange.objects.create(
        property=prop, status=prop.status, since=today, reason="cadastro", actor=actor.get_username()
    )
    after = snapshot(prop) | {"categories": _categories_snapshot(prop)}
    audit_record(actor=actor, action="registry.property_create", target=prop, after=after)
    if holder is not None:
        for role in (PropertyRelation.Role.OWNER, PropertyRelation.Role.BILL_PAYER):
            # a TextChoices member is a str at run time (no Django stubs)
            relation_start(actor, prop, holder, role, holder_since or today, "cadastro")
    return prop


# the unit of work; `property_create_within` runs inside a caller's transaction (a new connection request)
property_create = transaction.atomic(durable=True)(property_create_within)


@transaction.atomic(durable=True)
def property_update(*, actor: Actor, prop: Property, **fields: Any) -> Property:
    data = _clean_property_fields(fields)
    prop = Property.objects.select_for_update().get(pk=prop.pk)
    before = snapshot(prop)
    _check_active(prop, data)
    # S3.4-02: "alteração de cadastro" may be granted on some localities or sectors only
    scope_require(actor, "registry.properties", "change", Place(locality=prop.locality, sector=prop.sector))
    field_rights_require(actor, "registry.property", [k for k, v in data.items() if getattr(prop, k) != v])
    for key, value in data.items():
        setattr(prop, key, value)
    _check_route(prop.billing_group, prop.route)
    _check_coordinates(prop.latitude, prop.longitude)
    prop.address_search = _address_search(prop.street, prop.number, prop.complement, prop.neighbourhood)
    try:
        with transaction.atomic():
            prop.save()
    except IntegrityError as exc:
        raise Conflict(
            "Sequência já ocupada nesta rota.", field="route_sequence", code=ErrorCode.DUPLICATE
        ) from exc
    audit_record(
        actor=actor, action="registry.property_update", target=prop, before=before, after=snapshot(prop)
    )
    return prop


@transaction.atomic(durable=True)
def property_set_categories(
    *,
    actor: Actor,
    prop: Property,
    categories: Iterable[CategoryShare],
    reason: str = "",
    plans: Mapping[str, str] | None = None,
) -> Property:
    """Changing economias is a fraud risk (§8.9): its own function grant, and old → new in the audit.
    `plans` (category code → usage plan code, "" for none) sets the categories' usage plans, which
    billing reads (the plan's minimum per economia, S5.3-04); None keeps them."""
    shares = _shares(categories)
    prop = Property.objects.select_for_update().get(pk=prop.pk)
    before = {
        "categories": _categories_snapshot(prop),
        "economies_total": prop.economies_total,
        "usage_plans": _plans_snapshot(prop),
    }
    _apply_categories(prop, shares)
    if plans is not None:
        _apply_plans(prop, plans)
    after = {
        "categories": _categories_snapshot(prop),
        "economies_total": prop.economies_total,
        "usage_plans": _plans_snapshot(prop),
    }
    # S4.1-02: the category and the number of economias may be a group's own fields; refused, the
    # transaction rolls back what _apply_categories wrote
    field_rights_require(
        actor,
        "registry.property",
        [
            name
            for name, changed in (
                ("categories", set(before["categories"]) != set(after["categories"])),
                ("economies", before["economies_total"] != after["economies_total"]),
            )
            if changed
        ],
    )
    audit_record(
        actor=actor,
        action="registry.property_economies",
        target=prop,
        before=before,
        after=after,
        reason=reason,
    )
    return prop


@transaction.atomic(durable=True)
def property_set_status(
    *,
    actor: Actor,
    prop: Property,
    status: str,
    since: dt.date,
    reason: str = "",
    today: dt.date | None = None,
) -> Property:
    today = today or tenant_today()
    if status not in Property.Status.values:
        raise ValidationFailed(
            f"Situação desconhecida: '{status}'.", field="status", code=ErrorCode.PROPERTY_STATUS_UNKNOWN
        )
    not_future(since, today, "since", "A data da situação")
    prop = Property.objects.select_for_update().get(pk=prop.pk)
    if prop.status == status:
        raise ValidationFailed("O imóvel já está nesta situação.", field="status", code=ErrorCode.UNCHANGED)
    before = {"status": prop.status}
    if status != prop.status:
        field_rights_require(actor, "registry.property", ["status"])
    prop.status = status
    prop.save(update_fields=["status", "updated_at"])
    PropertyStatusChange.objects.create(
        property=prop, status=status, since=since, reason=reason, actor=actor.get_username()
    )
    audit_record(
        actor=actor,
        action="registry.property_status",
        target=prop,
        before=before,
        after={"status": status},
        reason=reason,
    )
    return prop


ROUTE_SHIFT = 1_000_000  # above any real sequence: moves a block of units past the unique index


@transaction.atomic(durable=True)
def property_move_in_route(
    *, actor: Actor, prop: Property, route: Route, sequence: int, reason: str = ""
) -> Property:
    """Put the unit at `sequence` of `route` (seed 001 3.2.13.10.12), re-sequencing the route: the
    units from that place on move one step down, so no two share a place (the unique index holds
    at every statement, hence the two-step shift). The route must belong to the unit's group."""
    if sequence < 1:
        raise ValidationFailed(
            "A sequência começa em 1.", field="route_sequence", code=ErrorCode.ROUTE_SEQUENCE_INVALID
        )
    prop = Property.objects.select_for_update().get(pk=prop.pk)
    _check_route(prop.billing_group, route)
    Route.objects.select_for_update().get(pk=route.pk)  # one re-sequencing of the route at a time
    before = {"route": prop.route_id, "route_sequence": prop.route_sequence}
    Property.objects.filter(pk=prop.pk).update(route_sequence=None)
    taken = Property.objects.filter(route=route, route_sequence__gte=sequence).exclude(pk=prop.pk)
    if taken.filter(route_sequence=sequence).exists():
        taken.update(route_sequence=F("route_sequence") + ROUTE_SHIFT)
        Property.objects.filter(route=route, route_sequence__gte=ROUTE_SHIFT).update(
            route_sequence=F("route_sequence") - ROUTE_SHIFT + 1
        )
    prop.route, prop.route_sequence = route, sequence
    prop.save(update_fields=["route", "route_sequence", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.property_route",
        target=prop,
        reason=reason,
        before=before,
        after={"route": route.pk, "route_sequence": sequence},
    )
    return prop
