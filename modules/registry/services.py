"""Every write of the registry: named, keyword-only, one transaction, one audit row per change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Max

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_today
from modules.common.domain.documents import document_kind, strip_document
from modules.common.errors import Conflict, ValidationFailed

from .domain import connections as conn_rules
from .domain.account_number import InvalidAccountNumber, account_check_digit, next_account_base
from .domain.economies import CategoryShare, InvalidEconomies, total_economies, validate_shares
from .domain.inscription import Inscription, InvalidInscription
from .domain.text import fold, normalize_cep
from .models import (
    BillingGroup,
    Category,
    ConnectionEvent,
    Customer,
    Neighbourhood,
    Property,
    PropertyCategory,
    PropertyRelation,
    PropertyStatusChange,
    Route,
    ServiceConnection,
    Street,
)


def _actor_name(actor: Actor) -> str:
    return actor.get_username()


def _not_future(value: dt.date | None, today: dt.date, field: str, label: str) -> None:
    if value is not None and value > today:
        raise ValidationFailed(f"{label} não pode estar no futuro ({value:%d/%m/%Y}).", field=field)


# --- customers ------------------------------------------------------------------------------------

CUSTOMER_FIELDS = (
    "name",
    "rg",
    "birth_date",
    "mother_name",
    "father_name",
    "email",
    "phone",
    "phone_home",
    "phone_work",
    "mail_street",
    "mail_number",
    "mail_complement",
    "mail_neighbourhood",
    "mail_city",
    "mail_state",
    "mail_cep",
)


def clean_document(value: str) -> tuple[str, str]:
    """(digits, kind) of a CPF or CNPJ (numeric or alphanumeric), or ValidationFailed on cpf_cnpj."""
    chars = strip_document(value)
    if not chars:
        raise ValidationFailed("Informe o CPF ou o CNPJ.", field="cpf_cnpj")
    kind = document_kind(chars)
    if kind is None:
        if len(chars) == 11:
            message = "CPF inválido: dígito verificador não confere."
        elif len(chars) == 14:
            message = "CNPJ inválido: dígito verificador não confere."
        else:
            message = "CPF/CNPJ inválido: informe 11 dígitos (CPF) ou 14 caracteres (CNPJ)."
        raise ValidationFailed(message, field="cpf_cnpj")
    return chars, ("person" if kind == "cpf" else "company")


def _clean_customer_fields(fields: dict[str, Any], today: dt.date) -> dict[str, Any]:
    out = {k: v for k, v in fields.items() if k in CUSTOMER_FIELDS}
    for key, value in list(out.items()):
        if isinstance(value, str):
            out[key] = value.strip()
    if "name" in out and len(out["name"]) < 3:
        raise ValidationFailed("Informe o nome do cliente (ao menos 3 letras).", field="name")
    if out.get("email"):
        try:
            validate_email(out["email"])
        except DjangoValidationError as exc:
            raise ValidationFailed("E-mail inválido.", field="email") from exc
    _not_future(out.get("birth_date"), today, "birth_date", "A data de nascimento")
    if out.get("mail_cep"):
        try:
            out["mail_cep"] = normalize_cep(out["mail_cep"])
        except ValueError as exc:
            raise ValidationFailed(str(exc), field="mail_cep") from exc
    if out.get("mail_state"):
        out["mail_state"] = out["mail_state"].upper()[:2]
    return out


def _clean_kind(kind: str | None) -> str:
    if kind in (None, ""):
        return Customer.Kind.PERSON
    if kind not in Customer.Kind.values:
        raise ValidationFailed("Tipo de cliente inválido: use pessoa física ou jurídica.", field="kind")
    return kind


def customer_create(
    *,
    actor: Actor,
    name: str,
    cpf_cnpj: str | None = None,
    kind: str | None = None,
    today: dt.date | None = None,
    **fields: Any,
) -> Customer:
    """A customer with a CPF/CNPJ (its kind follows the document) or, as legacy registries hold, without
    one (stored as NULL; the kind is then given, pessoa física by default; ADR 0103)."""
    today = today or tenant_today()
    digits: str | None = None
    if strip_document(cpf_cnpj or ""):
        digits, kind = clean_document(cpf_cnpj or "")
    else:
        kind = _clean_kind(kind)
    data = _clean_customer_fields({"name": name, **fields}, today)
    with transaction.atomic():
        if digits and Customer.objects.filter(cpf_cnpj=digits).exists():
            raise Conflict("Já existe um cliente com este CPF/CNPJ.", field="cpf_cnpj", code="duplicate")
        customer = Customer.objects.create(cpf_cnpj=digits, kind=kind, name_search=fold(data["name"]), **data)
        audit_record(
            actor=actor, action="registry.customer_create", target=customer, after=snapshot(customer)
        )
    return customer


def customer_document_register(
    *, actor: Actor, customer: Customer, cpf_cnpj: str, reason: str = ""
) -> Customer:
    """Put a CPF/CNPJ on a customer registered without one (VA-07). A document, once on file,
    identifies the customer and is not replaced here; the kind follows the document."""
    digits, kind = clean_document(cpf_cnpj)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.cpf_cnpj == digits:
            return customer
        if customer.cpf_cnpj:
            raise Conflict(
                f"O cliente {customer.name} já tem o {customer.document_display} cadastrado; "
                "o CPF/CNPJ de um cliente não é trocado por aqui.",
                field="cpf_cnpj",
                code="document_on_file",
            )
        other = Customer.objects.filter(cpf_cnpj=digits).first()
        if other is not None:
            raise Conflict(
                f"Este CPF/CNPJ já pertence a outro cliente ({other.name}).",
                field="cpf_cnpj",
                code="duplicate",
            )
        before = snapshot(customer)
        customer.cpf_cnpj, customer.kind = digits, kind
        customer.save(update_fields=["cpf_cnpj", "kind", "updated_at"])
        audit_record(
            actor=actor,
            action="registry.customer_document_register",
            target=customer,
            before=before,
            after=snapshot(customer),
            reason=reason,
        )
    return customer


def customer_update(
    *, actor: Actor, customer: Customer, today: dt.date | None = None, **fields: Any
) -> Customer:
    today = today or tenant_today()
    data = _clean_customer_fields(fields, today)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        before = snapshot(customer)
        for key, value in data.items():
            setattr(customer, key, value)
        customer.name_search = fold(customer.name)
        customer.save()
        audit_record(
            actor=actor,
            action="registry.customer_update",
            target=customer,
            before=before,
            after=snapshot(customer),
        )
    return customer


def customer_document_change(
    *, actor: Actor, customer: Customer, cpf_cnpj: str, reason: str = ""
) -> Customer:
    """Change a customer's CPF/CNPJ (a correction or a CPF/CNPJ update request, VA-26): the kind
    follows the new number; refused when the number is the customer's already or another customer's."""
    digits, kind = clean_document(cpf_cnpj)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.cpf_cnpj == digits:
            raise ValidationFailed("Este já é o CPF/CNPJ do cliente.", field="cpf_cnpj", code="unchanged")
        other = Customer.objects.filter(cpf_cnpj=digits).exclude(pk=customer.pk).first()
        if other is not None:
            raise Conflict(
                f"O CPF/CNPJ informado já pertence a outro cliente do cadastro ({other.name}).",
                field="cpf_cnpj",
                code="duplicate",
            )
        before = snapshot(customer, fields=["cpf_cnpj", "kind"])
        customer.cpf_cnpj, customer.kind = digits, kind
        customer.save(update_fields=["cpf_cnpj", "kind", "updated_at"])
        audit_record(
            actor=actor,
            action="registry.customer_document_change",
            target=customer,
            before=before,
            after=snapshot(customer, fields=["cpf_cnpj", "kind"]),
            reason=reason,
        )
    return customer


# --- properties -----------------------------------------------------------------------------------


def _shares(categories: Iterable[CategoryShare]) -> tuple[CategoryShare, ...]:
    try:
        return validate_shares(categories, Category.objects.values_list("code", flat=True))
    except InvalidEconomies as exc:
        raise ValidationFailed(str(exc), field=exc.field) from exc


def _inscription(parts: dict[str, Any]) -> Inscription:
    try:
        return Inscription(
            int(parts["locality"]),
            int(parts["sector"]),
            int(parts["block"]),
            int(parts["lot"]),
            int(parts.get("sublot") or 0),
        )
    except InvalidInscription as exc:
        raise ValidationFailed(str(exc), field=exc.field) from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed(
            "Informe a inscrição completa: localidade, setor, quadra e lote.", field="inscription"
        ) from exc


def _address_search(street: Street, number: str, complement: str, neighbourhood: Neighbourhood) -> str:
    return fold(f"{street.street_type} {street.name} {number} {complement} {neighbourhood.name}")


def _apply_categories(prop: Property, shares: tuple[CategoryShare, ...]) -> None:
    by_code = {c.code: c for c in Category.objects.filter(code__in=[s.category for s in shares])}
    PropertyCategory.objects.filter(property=prop).exclude(category__code__in=list(by_code)).delete()
    for share in shares:
        PropertyCategory.objects.update_or_create(
            property=prop, category=by_code[share.category], defaults={"economies": share.economies}
        )
    prop.economies_total = total_economies(shares)
    Property.objects.filter(pk=prop.pk).update(economies_total=prop.economies_total)


def _categories_snapshot(prop: Property) -> dict[str, int]:
    return dict(prop.categories.values_list("category__code", "economies"))


def _check_route(billing_group: BillingGroup | None, route: Route | None) -> None:
    if route is not None and billing_group is not None and route.group_id != billing_group.pk:
        raise ValidationFailed("A rota escolhida não pertence ao grupo de faturamento.", field="route")


def _check_coordinates(lat: Decimal | None, lon: Decimal | None) -> None:
    if (lat is None) != (lon is None):
        raise ValidationFailed("Informe latitude e longitude juntas.", field="latitude")
    if lat is not None and not Decimal("-90") <= lat <= Decimal("90"):
        raise ValidationFailed("Latitude fora do intervalo −90 a 90.", field="latitude")
    if lon is not None and not Decimal("-180") <= lon <= Decimal("180"):
        raise ValidationFailed("Longitude fora do intervalo −180 a 180.", field="longitude")


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
)


def _clean_property_fields(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k in PROPERTY_FIELDS}
    if "number" in out:
        out["number"] = str(out["number"] or "").strip() or "S/N"
    if out.get("cep"):
        try:
            out["cep"] = normalize_cep(out["cep"])
        except ValueError as exc:
            raise ValidationFailed(str(exc), field="cep") from exc
    if out.get("built_area") is not None and out["built_area"] < 0:
        raise ValidationFailed("A área construída não pode ser negativa.", field="built_area")
    return out


def property_create(
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
    """
    today = today or tenant_today()
    inscription = _inscription(
        {"locality": locality, "sector": sector, "block": block, "lot": lot, "sublot": sublot}
    )
    shares = _shares(categories)
    data = _clean_property_fields(
        {"number": number, "street": street, "neighbourhood": neighbourhood, **fields}
    )
    _check_route(data.get("billing_group"), data.get("route"))
    _check_coordinates(data.get("latitude"), data.get("longitude"))
    _not_future(holder_since, today, "holder_since", "A data de início da titularidade")
    if account_base is not None:
        try:
            valid = account_check_digit(account_base) is not None
        except InvalidAccountNumber as exc:
            raise ValidationFailed(str(exc), field="account_number") from exc
        if not valid:
            raise ValidationFailed("Matrícula sem dígito verificador válido.", field="account_number")
    with transaction.atomic():
        if Property.objects.filter(inscription=inscription.formatted()).exists():
            raise Conflict(
                f"Já existe um imóvel com a inscrição {inscription.formatted()}.",
                field="inscription",
                code="duplicate",
            )
        if account_base is None:
            # Serialise issuing numbers within the tenant so two clerks never get the same one.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':account_number'))"
                )
            last = Property.objects.aggregate(m=Max("account_base"))["m"] or 1000
            account_base = next_account_base(last)
        elif Property.objects.filter(account_base=account_base).exists():
            raise Conflict("Matrícula já utilizada.", field="account_number", code="duplicate")
        prop = Property(
            account_base=account_base,
            locality=inscription.locality,
            sector=inscription.sector,
            block=inscription.block,
            lot=inscription.lot,
            sublot=inscription.sublot,
            inscription=inscription.formatted(),
            **data,
        )
        prop.address_search = _address_search(prop.street, prop.number, prop.complement, prop.neighbourhood)
        try:
            with transaction.atomic():
                prop.save()
        except IntegrityError as exc:
            raise Conflict(
                "Sequência já ocupada nesta rota.", field="route_sequence", code="duplicate"
            ) from exc
        _apply_categories(prop, shares)
        PropertyStatusChange.objects.create(
            property=prop, status=prop.status, since=today, reason="cadastro", actor=_actor_name(actor)
        )
        after = snapshot(prop) | {"categories": _categories_snapshot(prop)}
        audit_record(actor=actor, action="registry.property_create", target=prop, after=after)
        if holder is not None:
            for role in (PropertyRelation.Role.OWNER, PropertyRelation.Role.BILL_PAYER):
                _relation_start(actor, prop, holder, role, holder_since or today, "cadastro")
    return prop


def property_update(*, actor: Actor, prop: Property, **fields: Any) -> Property:
    data = _clean_property_fields(fields)
    with transaction.atomic():
        prop = Property.objects.select_for_update().get(pk=prop.pk)
        before = snapshot(prop)
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
                "Sequência já ocupada nesta rota.", field="route_sequence", code="duplicate"
            ) from exc
        audit_record(
            actor=actor, action="registry.property_update", target=prop, before=before, after=snapshot(prop)
        )
    return prop


def property_set_categories(
    *, actor: Actor, prop: Property, categories: Iterable[CategoryShare], reason: str = ""
) -> Property:
    """Changing economias is a fraud risk (§8.9): its own function grant, and old → new in the audit."""
    shares = _shares(categories)
    with transaction.atomic():
        prop = Property.objects.select_for_update().get(pk=prop.pk)
        before = {"categories": _categories_snapshot(prop), "economies_total": prop.economies_total}
        _apply_categories(prop, shares)
        after = {"categories": _categories_snapshot(prop), "economies_total": prop.economies_total}
        audit_record(
            actor=actor,
            action="registry.property_economies",
            target=prop,
            before=before,
            after=after,
            reason=reason,
        )
    return prop


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
        raise ValidationFailed(f"Situação desconhecida: '{status}'.", field="status")
    _not_future(since, today, "since", "A data da situação")
    with transaction.atomic():
        prop = Property.objects.select_for_update().get(pk=prop.pk)
        if prop.status == status:
            raise ValidationFailed("O imóvel já está nesta situação.", field="status")
        before = {"status": prop.status}
        prop.status = status
        prop.save(update_fields=["status", "updated_at"])
        PropertyStatusChange.objects.create(
            property=prop, status=status, since=since, reason=reason, actor=_actor_name(actor)
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


# --- customer <-> property ------------------------------------------------------------------------


def _relation_start(
    actor: Actor, prop: Property, customer: Customer, role: str, start: dt.date, reason: str
) -> PropertyRelation:
    current = (
        PropertyRelation.objects.select_for_update()
        .filter(property=prop, role=role, end__isnull=True)
        .first()
    )
    if current is not None:
        if current.customer_id == customer.pk:
            raise ValidationFailed("Este cliente já ocupa este papel no imóvel.", field="customer")
        if start < current.start:
            raise ValidationFailed(
                f"A nova titularidade ({start:%d/%m/%Y}) não pode começar antes da atual "
                f"({current.start:%d/%m/%Y}).",
                field="start",
            )
        current.end = start
        current.save(update_fields=["end"])
    relation = PropertyRelation.objects.create(
        property=prop, customer=customer, role=role, start=start, reason=reason
    )
    audit_record(
        actor=actor,
        action="registry.relation_start",
        target=prop,
        before={"role": role, "customer": current.customer_id} if current else None,
        after={"role": role, "customer": customer.pk, "start": start},
        reason=reason,
    )
    return relation


def relation_transfer(
    *,
    actor: Actor,
    prop: Property,
    customer: Customer,
    role: str,
    start: dt.date,
    reason: str = "",
    today: dt.date | None = None,
) -> PropertyRelation:
    """Troca de titularidade: the current holder of the role ends on `start`, the new one starts."""
    today = today or tenant_today()
    if role not in PropertyRelation.Role.values:
        raise ValidationFailed(f"Papel desconhecido: '{role}'.", field="role")
    _not_future(start, today, "start", "A data de início")
    with transaction.atomic():
        prop = Property.objects.select_for_update().get(pk=prop.pk)
        return _relation_start(actor, prop, customer, role, start, reason or "troca de titularidade")


def relation_end(
    *, actor: Actor, relation: PropertyRelation, end: dt.date, today: dt.date | None = None
) -> None:
    today = today or tenant_today()
    _not_future(end, today, "end", "A data de fim")
    if end < relation.start:
        raise ValidationFailed("O fim não pode ser anterior ao início.", field="end")
    with transaction.atomic():
        relation.end = end
        relation.save(update_fields=["end"])
        audit_record(
            actor=actor,
            action="registry.relation_end",
            target=relation.property,
            after={"role": relation.role, "end": end},
        )


# --- connections ----------------------------------------------------------------------------------

CONNECTION_FIELDS = (
    "diameter_mm",
    "material",
    "depth_m",
    "street_pavement",
    "sidewalk_pavement",
    "sewer_share_percent",
)


def connection_create(
    *,
    actor: Actor,
    prop: Property,
    kind: str,
    situation: str,
    since: dt.date,
    today: dt.date | None = None,
    **fields: Any,
) -> ServiceConnection:
    today = today or tenant_today()
    if kind not in ServiceConnection.Kind.values:
        raise ValidationFailed("Tipo de ligação deve ser 'water' (água) ou 'sewer' (esgoto).", field="kind")
    if situation not in conn_rules.SITUATIONS:
        raise ValidationFailed(f"Situação desconhecida: '{situation}'.", field="situation")
    _not_future(since, today, "since", "A data da situação")
    data = {k: v for k, v in fields.items() if k in CONNECTION_FIELDS}
    with transaction.atomic():
        if ServiceConnection.objects.filter(property=prop, kind=kind).exists():
            raise Conflict("O imóvel já tem uma ligação deste tipo.", field="kind", code="duplicate")
        sc = ServiceConnection.objects.create(
            property=prop, kind=kind, situation=situation, since=since, **data
        )
        ConnectionEvent.objects.create(
            connection=sc, situation_to=situation, on=since, reason="cadastro", actor=_actor_name(actor)
        )
        audit_record(actor=actor, action="registry.connection_create", target=sc, after=snapshot(sc))
    return sc


def connection_update(*, actor: Actor, connection_obj: ServiceConnection, **fields: Any) -> ServiceConnection:
    data = {k: v for k, v in fields.items() if k in CONNECTION_FIELDS}
    with transaction.atomic():
        sc = ServiceConnection.objects.select_for_update().get(pk=connection_obj.pk)
        before = snapshot(sc)
        for key, value in data.items():
            setattr(sc, key, value)
        sc.save()
        audit_record(
            actor=actor, action="registry.connection_update", target=sc, before=before, after=snapshot(sc)
        )
    return sc


def connection_change_situation(
    *,
    actor: Actor,
    connection_obj: ServiceConnection,
    situation: str,
    on: dt.date,
    reason: str = "",
    today: dt.date | None = None,
) -> ServiceConnection:
    today = today or tenant_today()
    _not_future(on, today, "on", "A data da mudança")
    with transaction.atomic():
        sc = ServiceConnection.objects.select_for_update().get(pk=connection_obj.pk)
        try:
            conn_rules.check_transition(sc.situation, situation)
        except conn_rules.InvalidTransition as exc:
            raise ValidationFailed(str(exc), field="situation") from exc
        if on < sc.since:
            raise ValidationFailed(
                f"A data da mudança não pode ser anterior à situação atual ({sc.since:%d/%m/%Y}).", field="on"
            )
        before = {"situation": sc.situation, "since": sc.since}
        ConnectionEvent.objects.create(
            connection=sc,
            situation_from=sc.situation,
            situation_to=situation,
            on=on,
            reason=reason,
            actor=_actor_name(actor),
        )
        sc.situation, sc.since = situation, on
        sc.save(update_fields=["situation", "since"])
        audit_record(
            actor=actor,
            action="registry.connection_situation",
            target=sc,
            before=before,
            after={"situation": situation, "since": on},
            reason=reason,
        )
    return sc


# --- reference data (streets, neighbourhoods) -----------------------------------------------------


def street_create(*, actor: Actor, city_id: int, street_type: str, name: str) -> Street:
    name = (name or "").strip()
    if len(name) < 2:
        raise ValidationFailed("Informe o nome do logradouro.", field="name")
    with transaction.atomic():
        street, created = Street.objects.get_or_create(
            city_id=city_id,
            street_type=street_type.strip() or "Rua",
            name=name,
            defaults={"name_search": fold(f"{street_type} {name}")},
        )
        if created:
            audit_record(actor=actor, action="registry.street_create", target=street, after=snapshot(street))
    return street


def neighbourhood_create(*, actor: Actor, city_id: int, name: str) -> Neighbourhood:
    name = (name or "").strip()
    if len(name) < 2:
        raise ValidationFailed("Informe o nome do bairro.", field="name")
    with transaction.atomic():
        hood, created = Neighbourhood.objects.get_or_create(
            city_id=city_id, name=name, defaults={"name_search": fold(name)}
        )
        if created:
            audit_record(
                actor=actor, action="registry.neighbourhood_create", target=hood, after=snapshot(hood)
            )
    return hood
