"""New connections, second round (seed002 §8, ADR 0191): the street's setor (S8.1-04), the tenant's
value lists of a connection's attributes (S8.1-06), the services a connection type involves with
their prices (S8.2-01) and the boletos issued for them (S8.2-02), a sewer-only request linked to its
CDC later (S8.4-06) and the activation by the area that closed the execution order (S8.5-05)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from modules.billing.domain.tariffs import ServiceType
from modules.collection.models import PaymentDocument
from modules.collection.services import document_create
from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from modules.registry.domain import connections as conn_rules
from modules.registry.domain.economies import CategoryShare
from modules.registry.domain.text import fold
from modules.registry.models import Category, PropertyRelation, Sector, ServiceConnection, Street
from modules.registry.services.connections import connection_change_situation, connection_create_within
from modules.registry.services.properties import property_set_categories

from ..errors import ErrorCode
from ..models import ServiceCode, ServiceOrder, TeamMember
from ..models_connections import ConnectionRequest, WorkflowDefinition, WorkflowInstance, WorkflowStep
from ..models_connections2 import (
    ConnectionAttributeValue,
    ConnectionRequestDocument,
    ConnectionTypeService,
    StreetSector,
)
from ..selectors import code_get, price_in_force

Attribute = ConnectionAttributeValue.Attribute
Status = ConnectionRequest.Status
DOCUMENT_SOURCE = "service.connection_request"
DOCUMENT_DUE_DAYS = 10

SERVICE_TYPE_LABELS = {
    ServiceType.WATER.value: "Água",
    ServiceType.WATER_SEWER.value: "Água e esgoto",
    ServiceType.SPECIAL_SEWER.value: "TEE",
    ServiceType.WATER_SPECIAL_SEWER.value: "Água e TEE",
    ServiceType.WATER_SEWER_SPECIAL_SEWER.value: "Água e esgoto e TEE",
}
# the seeded lists (seed002 S8.1-06); the utility edits them, the requests accept only active values
DEFAULT_VALUES: dict[str, list[tuple[str, str]]] = {
    Attribute.SITUATION: [
        ("active", "Ativa"),
        ("cut", "Cortada"),
        ("inactive", "Inativa"),
        ("provisional", "Provisória"),
    ],
    Attribute.TYPE: [("fixed", "Consumo fixo"), ("metered", "Hidrometrado")],
    Attribute.BILLING: list(SERVICE_TYPE_LABELS.items()),
    Attribute.COLLECTION: [
        ("normal", "Normal"),
        ("debit", "Débito em conta corrente"),
        ("bank", "Enviada ao banco"),
    ],
    Attribute.USAGE: [
        ("RES", "Residencial"),
        ("COM", "Comercial"),
        ("CRES", "Conjunto residencial"),
        ("CCOM", "Conjunto comercial"),
        ("PUB", "Prédio público"),
        ("PRIS", "Conjunto prisional"),
    ],
}
FIELD_LABELS = {
    "service_type": "o faturamento (tipo de serviço do CDC)",
    "collection_form": "a forma de cobrança",
    "usage": "a utilização",
}


# --- street and setor (S8.1-04) --------------------------------------------------------------------


def street_sector(street: Street) -> Sector | None:
    row = StreetSector.objects.select_related("sector__locality").filter(street=street).first()
    return row.sector if row else None


@dataclass(frozen=True)
class StreetHit:
    street: Street
    sector: Sector | None


def street_search(text: str, limit: int = 20) -> list[StreetHit]:
    """Active streets whose name holds `text` (accents and case ignored), each with its setor."""
    folded = fold(text)
    if not folded:
        return []
    words = text.split()
    rest = " ".join(words[1:]) if len(words) > 1 else text.strip()  # "rua das palm" → "das palm"
    rows = (
        Street.objects.filter(active=True)
        .filter(Q(name_search__contains=folded) | Q(name__icontains=text.strip()) | Q(name__icontains=rest))
        .order_by("name")[: limit * 3]
    )
    hits = [r for r in rows if folded in fold(str(r)) or folded in fold(r.name)][:limit]
    sectors = {
        s.street_id: s.sector
        for s in StreetSector.objects.select_related("sector__locality").filter(street__in=hits)
    }
    return [StreetHit(r, sectors.get(r.pk)) for r in hits]


@transaction.atomic(durable=True)
def street_sector_set(*, actor: Actor, street_id: int, sector_id: int) -> StreetSector:
    street = Street.objects.filter(pk=street_id).first()
    sector = Sector.objects.filter(pk=sector_id, active=True).first()
    if street is None:
        raise NotFound("Logradouro não encontrado.", field="street", code=ErrorCode.STREET_NOT_FOUND)
    if sector is None:
        raise ValidationFailed("Escolha um setor ativo.", field="sector", code=ErrorCode.INVALID)
    found: StreetSector | None = StreetSector.objects.select_for_update().filter(street=street).first()
    row = found or StreetSector.objects.create(street=street, sector=sector)
    before = {"sector": found.sector_id if found else None}
    row.sector = sector
    row.save(update_fields=["sector"])
    audit_record(
        actor=actor,
        action="service.street_sector_set",
        target=street,
        before=before,
        after={"sector": sector.pk, "code": sector.code},
    )
    return row


# --- attribute value lists (S8.1-06, S8.4-04) ------------------------------------------------------


def values(attribute: str) -> list[tuple[str, str]]:
    """The active values of an attribute's list, as configured (the seeded defaults otherwise); the
    CDC's service type never leaves billing's five (S8.4-04), utilização is the registry's
    categories."""
    if attribute == Attribute.USAGE:
        return list(Category.objects.filter(active=True).order_by("code").values_list("code", "name"))
    rows = list(
        ConnectionAttributeValue.objects.filter(attribute=attribute, active=True).values_list("code", "label")
    )
    if not ConnectionAttributeValue.objects.filter(attribute=attribute).exists():
        rows = list(DEFAULT_VALUES.get(attribute, []))
    if attribute == Attribute.BILLING:
        rows = [(c, label) for c, label in rows if c in SERVICE_TYPE_LABELS]
    return rows


def check_value(attribute: str, value: str, field: str) -> str:
    allowed = values(attribute)
    if value not in {c for c, _ in allowed}:
        names = ", ".join(label for _, label in allowed)
        raise ValidationFailed(
            f"Valor “{value}” não aceito para {FIELD_LABELS.get(field, field)}: use {names}.",
            field=field,
            code=ErrorCode.CONNECTION_ATTRIBUTE_INVALID,
        )
    return value


def seed_values() -> None:
    """Idempotent: the default lists, when the utility has none of an attribute yet. Runs inside the
    caller's transaction (the provisioning seed's)."""
    for attribute, rows in DEFAULT_VALUES.items():
        if (
            attribute == Attribute.USAGE
            or ConnectionAttributeValue.objects.filter(attribute=attribute).exists()
        ):
            continue
        for code, label in rows:
            ConnectionAttributeValue.objects.create(attribute=attribute, code=code, label=label)


def attributes(req: ConnectionRequest) -> dict[str, Any]:
    """The connection's attributes as read back (S8.1-06): situação and tipo from its connections."""
    water = (
        ServiceConnection.objects.filter(property_id=req.target_id, kind="water").first()
        if req.target_id
        else None
    )
    any_conn = water or (
        ServiceConnection.objects.filter(property_id=req.target_id).first() if req.target_id else None
    )
    situation = {
        conn_rules.CONNECTED: "active",
        conn_rules.PROVISIONAL: "provisional",
    }.get(any_conn.situation if any_conn else "", any_conn.situation if any_conn else "")
    return {
        "situation": situation,
        "type": "metered" if water is not None and water.metered else "fixed",
        "billing": req.service_type,
        "billing_label": SERVICE_TYPE_LABELS.get(req.service_type, req.service_type),
        "collection": req.collection_form,
        "usage": req.usage,
        "economies": req.economies,
    }


# --- services of a connection type (S8.2-01) -------------------------------------------------------


@dataclass(frozen=True)
class TypeService:
    code: str
    description: str
    price: Decimal | None


def type_services(definition: WorkflowDefinition, on: dt.date | None = None) -> list[TypeService]:
    """The services a connection type involves, with their prices in force; the execution step's
    code when the type lists none."""
    on = on or tenant_today()
    codes = [
        row.code for row in ConnectionTypeService.objects.filter(definition=definition).select_related("code")
    ]
    if not codes:
        step = definition.steps.filter(checkpoint=WorkflowStep.Checkpoint.EXECUTION).first()
        found = ServiceCode.objects.filter(code=step.service_code).first() if step else None
        codes = [found] if found else []
    out = []
    for code in codes:
        try:
            price: Decimal | None = price_in_force(code, on)
        except ValidationFailed:
            price = None
        out.append(TypeService(code.code, code.description, price))
    return out


@transaction.atomic(durable=True)
def type_configure(*, actor: Actor, definition_id: int, area: str, codes: list[str]) -> WorkflowDefinition:
    """A connection type's area (S8.4-03) and the services it charges (S8.2-01), in order."""
    definition: WorkflowDefinition | None = (
        WorkflowDefinition.objects.select_for_update().filter(pk=definition_id).first()
    )
    if definition is None:
        raise NotFound("Fluxo não encontrado.", field="workflow", code=ErrorCode.WORKFLOW_NOT_FOUND)
    if area not in ("water", "sewer"):
        raise ValidationFailed("A área deve ser água ou esgoto.", field="area", code=ErrorCode.INVALID)
    rows = [code_get(c.strip()) for c in codes if c.strip()]
    before = {"area": definition.area, "services": [s.code.code for s in definition.services.all()]}
    definition.area = area
    definition.save(update_fields=["area"])
    definition.services.all().delete()
    for position, code in enumerate(dict.fromkeys(rows), start=1):
        ConnectionTypeService.objects.create(definition=definition, code=code, position=position)
    audit_record(
        actor=actor,
        action="service.connection_type_configure",
        target=definition,
        before=before,
        after={"area": area, "services": [c.code for c in rows]},
    )
    return definition


# --- boletos of a request (S8.2-02) ----------------------------------------------------------------


def issue_documents(
    *, actor: Actor, req: ConnectionRequest, definition: WorkflowDefinition
) -> list[PaymentDocument]:
    """Runs inside the caller's transaction (request_settle): one boleto per charged service of the
    request's type, with its FEBRABAN barcode and linha digitável, linked to the request."""
    today = tenant_today()
    holder = (
        PropertyRelation.objects.filter(property_id=req.target_id)
        .order_by("id")
        .values_list("customer_id", flat=True)
        .first()
    )
    out = []
    for service in type_services(definition, today):
        if not service.price or service.price <= 0:
            continue
        doc = document_create(
            actor=actor,
            property_id=req.target_id,
            customer_id=holder,
            kind=PaymentDocument.Kind.SERVICE_CHARGE,
            lines=[],
            amount=service.price,
            as_of=today,
            valid_until=today + dt.timedelta(days=DOCUMENT_DUE_DAYS),
            source=DOCUMENT_SOURCE,
            source_id=f"r{req.pk}",
        )
        ConnectionRequestDocument.objects.create(request=req, document=doc, code=code_get(service.code))
        out.append(doc)
    return out


def request_documents(req: ConnectionRequest) -> list[ConnectionRequestDocument]:
    return list(
        ConnectionRequestDocument.objects.filter(request=req)
        .select_related("document", "code")
        .order_by("id")
    )


# --- link a sewer-only request to its CDC later (S8.4-06) ------------------------------------------


@transaction.atomic(durable=True)
def request_link(*, actor: Actor, request_id: int, property_id: int) -> ConnectionRequest:
    from modules.registry.models import Property

    req: ConnectionRequest | None = (
        ConnectionRequest.objects.select_for_update().filter(pk=request_id).first()
    )
    if req is None:
        raise NotFound(
            "Pedido de ligação não encontrado.", field="request", code=ErrorCode.CONNECTION_REQUEST_NOT_FOUND
        )
    if req.target_id is not None:
        raise Conflict(
            "O pedido já está vinculado a um CDC.", field="property", code=ErrorCode.CONNECTION_STEP_INVALID
        )
    if req.status not in (Status.FEASIBILITY, Status.BUDGET):
        raise Conflict("O pedido não está pendente.", field="status", code=ErrorCode.CONNECTION_STEP_INVALID)
    prop = Property.objects.filter(pk=property_id).first()
    if prop is None:
        raise NotFound("CDC (imóvel) não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    req.target = prop
    req.save(update_fields=["target"])
    if req.feasibility_order_id:
        ServiceOrder.objects.filter(pk=req.feasibility_order_id).update(property=prop, street=None)
    if not ServiceConnection.objects.filter(property=prop, kind="sewer").exists():
        connection_create_within(
            actor=actor, prop=prop, kind="sewer", situation=conn_rules.POTENTIAL, since=tenant_today()
        )
    instance = WorkflowInstance.objects.get(request=req)
    instance.log = [*instance.log, _entry(actor, f"Vinculado ao CDC {prop.account_number}")]
    instance.save(update_fields=["log"])
    audit_record(
        actor=actor,
        action="service.connection_request_link",
        target=req,
        before={"property": None},
        after={"property": prop.account_number, "order": req.feasibility_order_id},
    )
    return req


def _entry(actor: Actor, text: str) -> dict[str, str]:
    from django.utils import timezone

    return {"at": timezone.now().isoformat(), "by": actor.get_username(), "text": text}


# --- activation by the closing area (S8.5-05) ------------------------------------------------------


def closing_area(order: ServiceOrder) -> Any:
    """The area (service sector) that closed the order: its team's sector, else the code's."""
    if order.team_id and order.team and order.team.sector_id:
        return order.team.sector
    return order.sector


def _check_area(actor: Actor, req: ConnectionRequest) -> None:
    order = ServiceOrder.objects.select_related("team__sector", "sector").get(pk=req.execution_order_id)
    area = closing_area(order)
    user_id = getattr(actor, "pk", None)
    if area is None or user_id is None:  # no area to hold it, or the system itself
        return
    today = tenant_today()
    member = (
        TeamMember.objects.filter(user_id=user_id, team__sector=area, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .exists()
    )
    if not member:
        raise PermissionDenied(
            f"A ativação é feita pela área que encerrou a OS {order.label} ({area}): você não é dessa área.",
            field="area",
            code=ErrorCode.CONNECTION_AREA_FORBIDDEN,
        )


def request_activate(
    *,
    actor: Actor,
    request_id: int,
    usage: str,
    service_type: str,
    economies: int | None,
    collection_form: str = "",
) -> ConnectionRequest:
    """Provisória → ativa, by a user of the area that closed the execution order, confirming the
    utilização (the category), the faturamento (the CDC's service type) and the economias; the water
    connection must be hidrometrada. The economias go to registry's `property_set_categories` (its
    own unit of work, audited), then the connections are activated in one unit."""
    from ..services.connections import request_get

    req = request_get(request_id)
    if req.status != Status.PROVISIONAL or req.target is None or req.execution_order_id is None:
        raise Conflict(
            "Só uma ligação provisória, com a OS de execução encerrada, pode ser ativada.",
            field="status",
            code=ErrorCode.CONNECTION_STEP_INVALID,
        )
    for name, value in (("usage", usage), ("service_type", service_type)):
        if not (value or "").strip():
            raise ValidationFailed(
                f"Confirme {FIELD_LABELS[name]} para ativar a ligação.", field=name, code=ErrorCode.INVALID
            )
    if economies is None or economies < 1:
        raise ValidationFailed(
            "Confirme o número de economias (1 ou mais) para ativar a ligação.",
            field="economies",
            code=ErrorCode.INVALID,
        )
    check_value(Attribute.USAGE, usage, "usage")
    check_value(Attribute.BILLING, service_type, "service_type")
    if collection_form:
        check_value(Attribute.COLLECTION, collection_form, "collection_form")
    _check_area(actor, req)
    water = ServiceConnection.objects.filter(property=req.target, kind="water").first()
    if water is not None and not water.metered:
        raise Conflict(
            "A ligação de água ainda é de consumo fixo: instale o hidrômetro antes de ativar.",
            field="meter",
            code=ErrorCode.CONNECTION_STEP_INVALID,
        )
    current = [(c.category.code, c.economies) for c in req.target.categories.select_related("category")]
    if current != [(usage, economies)]:
        property_set_categories(
            actor=actor,
            prop=req.target,
            categories=[CategoryShare(usage, economies)],
            reason=f"ativação da ligação nova {req.label}",
        )
    return _activate(
        actor=actor,
        request_id=req.pk,
        usage=usage,
        service_type=service_type,
        economies=economies,
        collection_form=collection_form or req.collection_form,
    )


@transaction.atomic(durable=True)
def _activate(
    *, actor: Actor, request_id: int, usage: str, service_type: str, economies: int, collection_form: str
) -> ConnectionRequest:
    from ..services.connections import _locked, _log

    req = _locked(request_id)
    if req.status != Status.PROVISIONAL:
        raise Conflict("A ligação já foi ativada.", field="status", code=ErrorCode.CONNECTION_STEP_INVALID)
    instance = WorkflowInstance.objects.select_related("definition").get(request=req)
    for sc in ServiceConnection.objects.filter(property_id=req.target_id, situation=conn_rules.PROVISIONAL):
        connection_change_situation(
            actor=actor,
            connection_obj=sc,
            situation=conn_rules.CONNECTED,
            on=tenant_today(),
            reason=f"ligação nova {req.label} ativada",
        )
    before = {"status": req.status, "usage": req.usage, "service_type": req.service_type}
    req.status = Status.ACTIVE
    req.usage, req.service_type, req.economies = usage, service_type, economies
    req.collection_form = collection_form
    req.activated_by = actor.get_username()
    req.save(
        update_fields=["status", "usage", "service_type", "economies", "collection_form", "activated_by"]
    )
    _log(instance, actor, "Ligação ativa (hidrometrada); a taxa segue na primeira conta")
    audit_record(
        actor=actor,
        action="service.connection_request_activate",
        target=req,
        before=before,
        after={
            "status": req.status,
            "usage": usage,
            "service_type": service_type,
            "economies": economies,
            "collection_form": collection_form,
        },
    )
    return req


@transaction.atomic(durable=True)
def attribute_value_save(
    *, actor: Actor, attribute: str, code: str, label: str, active: bool = True
) -> ConnectionAttributeValue:
    """A value of a connection attribute's list, added or changed by the utility (S8.1-06). The
    lists start from the seeded defaults; utilização is the registry's categories and faturamento
    never leaves billing's five service types."""
    if attribute not in Attribute.values or attribute == Attribute.USAGE:
        raise ValidationFailed(
            "Escolha situação, tipo, faturamento ou forma de cobrança (a utilização são as categorias).",
            field="attribute",
            code=ErrorCode.INVALID,
        )
    code, label = code.strip(), label.strip()
    if not code or not label:
        raise ValidationFailed("Informe o código e a descrição.", field="code", code=ErrorCode.INVALID)
    if attribute == Attribute.BILLING and code not in SERVICE_TYPE_LABELS:
        raise ValidationFailed(
            "O faturamento aceita só água; água e esgoto; TEE; água e TEE; água e esgoto e TEE.",
            field="code",
            code=ErrorCode.CONNECTION_ATTRIBUTE_INVALID,
        )
    if not ConnectionAttributeValue.objects.filter(attribute=attribute).exists():
        for c, text in DEFAULT_VALUES.get(attribute, []):
            ConnectionAttributeValue.objects.create(attribute=attribute, code=c, label=text)
    row: ConnectionAttributeValue | None = (
        ConnectionAttributeValue.objects.select_for_update().filter(attribute=attribute, code=code).first()
    )
    before = {"label": row.label, "active": row.active} if row else None
    if row is None:
        row = ConnectionAttributeValue.objects.create(
            attribute=attribute, code=code, label=label, active=active
        )
    else:
        row.label, row.active = label, active
        row.save(update_fields=["label", "active"])
    audit_record(
        actor=actor,
        action="service.connection_attribute_value",
        target=row,
        before=before,
        after={"attribute": attribute, "code": code, "label": label, "active": active},
    )
    return row
