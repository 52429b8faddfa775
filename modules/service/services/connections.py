"""New connections (seed002 §8, ADR 0183): a request registered at the counter with its document
checklist opens the feasibility order of its workflow; the feasibility executed gives the budget
(the fee is the execution code's price in force); the fee settled (on the next bill, in installments
when the code allows, or paid at the counter) releases the execution order; the execution closed
with a stock meter installed makes the connection connected, and the fee goes on the first bill as
the executed service's pending charge (billing's item source "service.charge")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today, tenant_zone
from modules.common.domain.money import format_brl
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.registry.domain import connections as conn_rules
from modules.registry.domain.economies import CategoryShare
from modules.registry.models import (
    BillingGroup,
    Customer,
    Neighbourhood,
    Property,
    Route,
    ServiceConnection,
    Street,
)
from modules.registry.services.connections import connection_change_situation, connection_create_within
from modules.registry.services.customers import clean_document, customer_create_within
from modules.registry.services.properties import property_create_within

from ..errors import ErrorCode
from ..models import PendingCharge, ServiceOrder
from ..models_connections import (
    ConnectionDocument,
    ConnectionRequest,
    WorkflowDefinition,
    WorkflowInstance,
    WorkflowStep,
)
from ..selectors import code_get, price_in_force

Status = ConnectionRequest.Status
PENDING = (Status.REQUESTED, Status.FEASIBILITY, Status.BUDGET, Status.AWAITING_PAYMENT, Status.EXECUTION)

WATER_WORKFLOW = "Ligação nova de água"
DEFAULT_DOCUMENTS: dict[str, list[str]] = {
    "water": [
        "Documento de identidade (RG ou CNH)",
        "CPF ou CNPJ",
        "Comprovante de propriedade ou posse do imóvel",
        "Inscrição municipal (carnê do IPTU)",
    ],
}
DEFAULT_DOCUMENTS["sewer"] = DEFAULT_DOCUMENTS["water"]
DEFAULT_DOCUMENTS["both"] = DEFAULT_DOCUMENTS["water"]


@dataclass(frozen=True)
class RequestInput:
    """What the clerk types at the counter."""

    requester_document: str
    street_id: int
    street_number: str
    kind: str
    requester_name: str = ""  # S8.1-05: the citizen's name when blank
    phone: str = ""
    neighbourhood_id: int = 0
    sector: int = 0  # S8.1-04: taken from the street's setor
    block: int = 0
    lot: int = 0
    billing_group_id: int = 0
    route_id: int = 0
    documents: list[str] = field(default_factory=list)
    requester_rg: str = ""
    phone_is_owner: bool = True
    citizen_name: str = ""
    municipal_inscription: str = ""
    locality: int = 1
    category: str = "RES"
    # S8.4-06: a sewer-only case (independent sewer, well, TEE) registered without a CDC, linked later
    without_cdc: bool = False
    service_type: str = ""  # S8.4-04: the CDC's service type (billing's ServiceType)
    collection_form: str = "normal"  # S8.1-06: forma de cobrança


def default_service_type(data: RequestInput) -> str:
    """The CDC's service type a kind of connection implies when the clerk does not choose it."""
    if data.kind == ConnectionRequest.Kind.SEWER:
        return "special_sewer" if data.without_cdc else "water_sewer"
    return "water_sewer" if data.kind == ConnectionRequest.Kind.BOTH else "water"


def checklist(kind: str) -> list[str]:
    """The documents a kind of connection requires, as configured (the seeded defaults otherwise)."""
    rows = list(ConnectionDocument.objects.filter(kind=kind, required=True).values_list("name", flat=True))
    return rows or list(DEFAULT_DOCUMENTS.get(kind, []))


def request_get(request_id: int) -> ConnectionRequest:
    row: ConnectionRequest | None = (
        ConnectionRequest.objects.select_related("street", "target", "feasibility_order", "execution_order")
        .filter(pk=request_id)
        .first()
    )
    if row is None:
        raise NotFound(
            "Pedido de ligação não encontrado.", field="request", code=ErrorCode.CONNECTION_REQUEST_NOT_FOUND
        )
    return row


def workflow_for(kind: str) -> WorkflowDefinition:
    row: WorkflowDefinition | None = WorkflowDefinition.objects.filter(
        kind=kind if kind != "both" else "water", active=True
    ).first()
    if row is None:
        row = WorkflowDefinition.objects.filter(active=True).order_by("id").first()
    if row is None:
        raise NotFound(
            "Nenhum fluxo de ligação nova está configurado.",
            field="workflow",
            code=ErrorCode.WORKFLOW_NOT_FOUND,
        )
    return row


def step_code(definition: WorkflowDefinition, checkpoint: str) -> str:
    step: WorkflowStep | None = definition.steps.filter(checkpoint=checkpoint).first()
    if step is None or not step.service_code:
        raise ValidationFailed(
            f"O fluxo '{definition.name}' não tem código de serviço na etapa '{checkpoint}'.",
            field="workflow",
            code=ErrorCode.CONNECTION_STEP_INVALID,
        )
    code: str = step.service_code
    return code


def _check_request(
    data: RequestInput,
) -> tuple[Street, Neighbourhood | None, BillingGroup | None, Route | None, Any]:
    """The counter rules, read-only, before anything is written."""
    from . import connections2 as cx2

    clean_document(data.requester_document)
    if not (data.requester_name.strip() or data.citizen_name.strip()):
        raise ValidationFailed(
            "Informe o nome do munícipe (ou do requerente).", field="citizen_name", code=ErrorCode.INVALID
        )
    missing = [name for name in checklist(data.kind) if name not in data.documents]
    if missing:  # S8.4-02
        raise ValidationFailed(
            "Confira todos os documentos antes de confirmar o pedido: falta " + "; ".join(missing) + ".",
            field="documents",
            code=ErrorCode.CONNECTION_DOCUMENTS_MISSING,
        )
    if data.kind not in ConnectionRequest.Kind.values:
        raise ValidationFailed(
            "Tipo de ligação deve ser água, esgoto ou ambos.", field="kind", code=ErrorCode.INVALID
        )
    street = Street.objects.filter(pk=data.street_id, active=True).first()
    if street is None:
        raise ValidationFailed(
            "Informe um logradouro cadastrado e ativo.", field="street", code=ErrorCode.INVALID
        )
    sector = cx2.street_sector(street)  # S8.1-04: the site's street must lie in a setor
    if sector is None:
        raise ValidationFailed(
            f"O logradouro {street} não está associado a um setor: associe-o antes de registrar o pedido.",
            field="street",
            code=ErrorCode.CONNECTION_SITE_NO_SECTOR,
        )
    if data.without_cdc and data.kind != ConnectionRequest.Kind.SEWER:  # S8.4-04
        raise ValidationFailed(
            "A OS de ligação de água precisa de um CDC (imóvel e ligação): só esgoto independente, "
            "poço ou TEE podem ser registrados sem CDC.",
            field="property",
            code=ErrorCode.CONNECTION_CDC_REQUIRED,
        )
    cx2.check_value("billing", data.service_type or default_service_type(data), "service_type")
    cx2.check_value("collection", data.collection_form or "normal", "collection_form")
    duplicate = ConnectionRequest.objects.filter(
        street=street,
        street_number=data.street_number.strip(),
        kind=data.kind,
        status__in=PENDING,
    ).first()
    if duplicate is not None:  # S8.4-07
        raise Conflict(
            f"Já existe o pedido {duplicate.label} pendente para este tipo e local.",
            field="street_number",
            code=ErrorCode.CONNECTION_REQUEST_DUPLICATE,
        )
    if (
        data.kind == "sewer"
        and not data.without_cdc
        and not ServiceConnection.objects.filter(
            property__street=street,
            property__number=data.street_number.strip(),
            kind="water",
            metered=True,
            situation__in=conn_rules.ACTIVE,
        ).exists()
    ):  # S8.6-02
        raise ValidationFailed(
            "A ligação de esgoto exige uma ligação de água hidrometrada ativa no local.",
            field="kind",
            code=ErrorCode.CONNECTION_SEWER_NEEDS_WATER,
        )
    if data.without_cdc:
        return street, None, None, None, sector
    hood = Neighbourhood.objects.filter(pk=data.neighbourhood_id).first()
    group = BillingGroup.objects.filter(pk=data.billing_group_id).first()
    route = Route.objects.filter(pk=data.route_id).first()
    if hood is None:
        raise ValidationFailed("Informe o bairro.", field="neighbourhood", code=ErrorCode.INVALID)
    if group is None or route is None:
        raise ValidationFailed(
            "Informe o grupo de faturamento e a rota.", field="billing_group", code=ErrorCode.INVALID
        )
    return street, hood, group, route, sector


@transaction.atomic(durable=True)
def request_register(*, actor: Actor, data: RequestInput) -> ConnectionRequest:
    """The counter's confirmation, one unit of work: the rules are checked, the holder and the property
    are pre-registered with its connection(s) `potential` (registry's services, inside this
    transaction) and the request is recorded with its feasibility order — a refusal at any step
    leaves nothing written."""
    street, hood, group, route, sector = _check_request(data)
    definition = workflow_for(data.kind)
    feasibility_code = step_code(definition, WorkflowStep.Checkpoint.FEASIBILITY)
    code_get(feasibility_code)
    today = tenant_today()
    if data.without_cdc:  # S8.4-06: the order on the street, the CDC linked later
        return _request_open(actor=actor, data=data, prop=None, definition=definition, code=feasibility_code)
    existing = None
    if data.kind == "sewer":
        existing = Property.objects.filter(street=street, number=data.street_number.strip()).first()
    assert hood is not None and group is not None and route is not None  # checked with a CDC
    digits, _kind = clean_document(data.requester_document)
    holder = Customer.objects.filter(cpf_cnpj=digits).first() or customer_create_within(
        actor=actor, name=data.requester_name.strip() or data.citizen_name.strip(), cpf_cnpj=digits
    )
    prop = existing or property_create_within(
        holder=holder,
        actor=actor,
        locality=sector.locality.code,
        sector=sector.code,
        block=data.block,
        lot=data.lot,
        street=street,
        neighbourhood=hood,
        number=data.street_number,
        categories=[CategoryShare(data.category, 1)],
        billing_group=group,
        route=route,
        municipal_registration=data.municipal_inscription,
    )
    for kind in ("water", "sewer") if data.kind == "both" else (data.kind,):
        if not ServiceConnection.objects.filter(property=prop, kind=kind).exists():
            connection_create_within(
                actor=actor, prop=prop, kind=kind, situation=conn_rules.POTENTIAL, since=today
            )
    return _request_open(actor=actor, data=data, prop=prop, definition=definition, code=feasibility_code)


def _next_number(year: int) -> int:
    last = (
        ConnectionRequest.objects.select_for_update()
        .filter(year=year)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


def _log(instance: WorkflowInstance, actor: Actor, text: str, *, advance: bool = True) -> None:
    if advance:
        last = instance.definition.steps.order_by("-position").values_list("position", flat=True).first() or 1
        instance.position = min(instance.position + 1, last)
    instance.log = [
        *instance.log,
        {"at": timezone.now().isoformat(), "by": actor.get_username(), "text": text},
    ]
    instance.save(update_fields=["position", "log"])


def _request_open(
    *, actor: Actor, data: RequestInput, prop: Property | None, definition: WorkflowDefinition, code: str
) -> ConnectionRequest:
    """Runs inside the caller's transaction (request_register)."""
    from . import orders

    now = timezone.now()
    year = now.astimezone(tenant_zone()).year
    req: ConnectionRequest = ConnectionRequest.objects.create(
        year=year,
        number=_next_number(year),
        requester_name=data.requester_name.strip() or data.citizen_name.strip(),
        requester_document="".join(ch for ch in data.requester_document if ch.isdigit()),
        requester_rg=data.requester_rg.strip(),
        phone=data.phone.strip(),
        phone_is_owner=data.phone_is_owner,
        citizen_name=data.citizen_name.strip() or data.requester_name.strip(),
        service_type=data.service_type or default_service_type(data),
        collection_form=data.collection_form or "normal",
        street_id=data.street_id,
        street_number=data.street_number.strip(),
        municipal_inscription=data.municipal_inscription.strip(),
        kind=data.kind,
        status=Status.FEASIBILITY,
        documents={name: {"by": actor.get_username(), "at": now.isoformat()} for name in data.documents},
        target=prop,
        created_at=now,
        created_by=actor.get_username(),
    )
    order = orders.order_open_one(
        actor=actor,
        code=code,
        property_id=prop.pk if prop else None,
        street_id=None if prop else data.street_id,
        opened_at=now,
        description=f"Viabilidade da ligação nova {req.label}",
    )
    req.feasibility_order = order
    req.save(update_fields=["feasibility_order"])
    instance = WorkflowInstance.objects.create(definition=definition, request=req, position=1)
    _log(instance, actor, f"Pedido registrado; OS de viabilidade {order.label} aberta")
    audit_record(
        actor=actor,
        action="service.connection_request_create",
        target=req,
        after={
            "number": req.label,
            "kind": req.kind,
            "property": prop.account_number if prop else None,
            "order": order.label,
        },
    )
    return req


def on_order_closed(order: ServiceOrder, *, executed: bool, actor: Actor) -> None:
    """Not durable: order_close calls it inside its transaction, so a request's workflow moves with
    the closing of its feasibility or execution order."""
    # one read for both roles (a closing of any order asks it), the feasibility one first
    candidates = list(
        ConnectionRequest.objects.select_for_update().filter(
            Q(status__in=(Status.FEASIBILITY, Status.EXECUTION), feasibility_order=order)
            | Q(status=Status.EXECUTION, execution_order=order)
        )
    )
    feasibility = [
        r
        for r in candidates
        if r.feasibility_order_id == order.pk and r.status in (Status.FEASIBILITY, Status.EXECUTION)
    ]
    execution = [r for r in candidates if r.execution_order_id == order.pk and r.status == Status.EXECUTION]
    req = (feasibility or execution or [None])[0]
    if req is None:
        return
    instance = WorkflowInstance.objects.select_related("definition").get(request=req)
    if req.feasibility_order_id == order.pk and req.status == Status.FEASIBILITY:
        if executed:
            code = code_get(step_code(instance.definition, WorkflowStep.Checkpoint.EXECUTION))
            req.fee = price_in_force(code, tenant_today())
            req.status = Status.BUDGET
            _log(instance, actor, f"Viabilidade executada; orçamento de R$ {format_brl(req.fee)}")
        else:
            req.status = Status.REFUSED
            req.reason = f"Inviável: {order.reason}"[:300]
            _log(instance, actor, "Viabilidade não executada: pedido recusado", advance=False)
        req.save(update_fields=["fee", "status", "reason"])
        return
    if req.execution_order_id == order.pk and executed:
        if req.settlement == ConnectionRequest.Settlement.PAID:
            # paid at the counter: the executed service is not charged again on the bill
            PendingCharge.objects.filter(order=order, kind=PendingCharge.Kind.SERVICE).update(
                cancelled_at=timezone.now()
            )
        elif req.settlement == ConnectionRequest.Settlement.BILL and req.installments > 1:
            from ..models_connections2 import ChargeInstallments

            # the fee on the bill in installments: one per bill, to the cent
            for charge in PendingCharge.objects.filter(order=order, kind=PendingCharge.Kind.SERVICE):
                ChargeInstallments.objects.get_or_create(charge=charge, defaults={"count": req.installments})
        for sc in ServiceConnection.objects.filter(property=req.target, situation=conn_rules.POTENTIAL):
            connection_change_situation(
                actor=actor,
                connection_obj=sc,
                situation=conn_rules.PROVISIONAL,
                on=order.executed_at.astimezone(tenant_zone()).date()
                if order.executed_at
                else tenant_today(),
                reason=f"ligação nova {req.label} executada",
            )
        _log(instance, actor, f"OS de execução {order.label} executada", advance=False)


def _locked(request_id: int) -> ConnectionRequest:
    req: ConnectionRequest | None = (
        ConnectionRequest.objects.select_for_update().filter(pk=request_id).first()
    )
    if req is None:
        raise NotFound(
            "Pedido de ligação não encontrado.", field="request", code=ErrorCode.CONNECTION_REQUEST_NOT_FOUND
        )
    return req


def _open_execution(actor: Actor, req: ConnectionRequest, instance: WorkflowInstance) -> None:
    from . import orders

    assert req.target_id is not None
    order = orders.order_open_one(
        actor=actor,
        code=step_code(instance.definition, WorkflowStep.Checkpoint.EXECUTION),
        property_id=req.target_id,
        opened_at=None,
        description=f"Execução da ligação nova {req.label}",
    )
    req.execution_order = order
    req.status = Status.EXECUTION
    _log(instance, actor, f"Taxa quitada; OS de execução {order.label} aberta")


@transaction.atomic(durable=True)
def request_settle(
    *, actor: Actor, request_id: int, settlement: str, installments: int = 1
) -> ConnectionRequest:
    """The requester accepts the budget: the fee on the next bill (in up to the code's installments)
    releases the execution order now; paid at the counter it waits for the payment (S8.2-03)."""
    req = _locked(request_id)
    if req.status != Status.BUDGET:
        raise Conflict(
            "Só um pedido com orçamento pode ter a taxa acertada.",
            field="status",
            code=ErrorCode.CONNECTION_STEP_INVALID,
        )
    if req.target_id is None:  # S8.4-06: a sewer-only request is linked to its CDC first
        raise Conflict(
            "Vincule o pedido a um CDC (imóvel) antes de acertar a taxa.",
            field="property",
            code=ErrorCode.CONNECTION_NOT_LINKED,
        )
    instance = WorkflowInstance.objects.select_related("definition").get(request=req)
    code = code_get(step_code(instance.definition, WorkflowStep.Checkpoint.EXECUTION))
    if settlement not in (ConnectionRequest.Settlement.BILL, ConnectionRequest.Settlement.PAID):
        raise ValidationFailed(
            "Escolha pagar no balcão ou lançar na próxima conta.", field="settlement", code=ErrorCode.INVALID
        )
    allowed = max(1, code.max_installments or 1)
    if settlement == ConnectionRequest.Settlement.PAID:
        installments = 1
    if not 1 <= installments <= allowed:
        raise ValidationFailed(
            f"O código {code.code} permite até {allowed} parcela(s).",
            field="installments",
            code=ErrorCode.CONNECTION_INSTALLMENTS_INVALID,
        )
    before = {"status": req.status}
    req.settlement, req.installments = settlement, installments
    if settlement == ConnectionRequest.Settlement.BILL:
        _open_execution(actor, req, instance)
    else:
        from .connections2 import issue_documents

        req.status = Status.AWAITING_PAYMENT
        documents = issue_documents(actor=actor, req=req, definition=instance.definition)
        _log(
            instance,
            actor,
            f"Aguardando o pagamento da taxa no balcão: {len(documents)} boleto(s) emitido(s)",
            advance=False,
        )
    req.save()
    audit_record(
        actor=actor,
        action="service.connection_request_settle",
        target=req,
        before=before,
        after={"status": req.status, "settlement": settlement, "installments": installments},
    )
    return req


@transaction.atomic(durable=True)
def request_confirm_payment(*, actor: Actor, request_id: int) -> ConnectionRequest:
    req = _locked(request_id)
    if req.status != Status.AWAITING_PAYMENT:
        raise Conflict(
            "A instalação só é liberada com a taxa paga ou parcelada.",
            field="status",
            code=ErrorCode.CONNECTION_FEE_NOT_SETTLED,
        )
    instance = WorkflowInstance.objects.select_related("definition").get(request=req)
    _open_execution(actor, req, instance)
    req.save()
    audit_record(
        actor=actor,
        action="service.connection_request_payment",
        target=req,
        before={"status": Status.AWAITING_PAYMENT},
        after={"status": req.status},
    )
    return req


def request_complete(
    *,
    actor: Actor,
    request_id: int,
    team_id: int,
    executed_at: dt.datetime,
    meter_id: int,
    initial_reading: int = 0,
) -> ConnectionRequest:
    """The execution reported: the order closed as executed (its hook makes the connection
    provisional and leaves the fee for the bill), the stock meter installed (metering's service),
    then the request activated. Each is its module's unit of work; a retry skips what is done."""
    from modules.metering.models import Meter
    from modules.metering.services import meter_install

    from . import orders

    req = request_get(request_id)
    if req.status == Status.PROVISIONAL:
        return req
    if req.status != Status.EXECUTION or req.execution_order is None or req.target is None:
        raise Conflict(
            "A instalação só é liberada com a taxa paga ou parcelada.",
            field="status",
            code=ErrorCode.CONNECTION_FEE_NOT_SETTLED,
        )
    if req.execution_order.status != "executed":
        orders.order_close(
            actor=actor,
            order_id=req.execution_order.pk,
            executed=True,
            executed_at=executed_at,
            team_id=team_id,
        )
    water = ServiceConnection.objects.filter(property=req.target, kind="water").first()
    if water is not None and not water.metered:
        meter = Meter.objects.filter(pk=meter_id).first()
        if meter is None:
            raise ValidationFailed("Escolha um hidrômetro do estoque.", field="meter", code=ErrorCode.INVALID)
        meter_install(
            actor=actor,
            meter=meter,
            connection_obj=water,
            installed_on=executed_at.astimezone(tenant_zone()).date(),
            initial_reading=initial_reading,
        )
    return _request_provisional(actor=actor, request_id=req.pk)


@transaction.atomic(durable=True)
def _request_provisional(*, actor: Actor, request_id: int) -> ConnectionRequest:
    """The execution done: the request waits, provisional, for the activation by the area that
    closed its execution order (S8.5-05, `connections2.request_activate`)."""
    req = _locked(request_id)
    instance = WorkflowInstance.objects.select_related("definition").get(request=req)
    req.status = Status.PROVISIONAL
    req.save(update_fields=["status"])
    _log(instance, actor, "Ligação provisória; aguarda a ativação pela área que encerrou a OS")
    audit_record(
        actor=actor,
        action="service.connection_request_provisional",
        target=req,
        before={"status": Status.EXECUTION},
        after={"status": Status.PROVISIONAL},
    )
    return req


@transaction.atomic(durable=True)
def request_cancel(*, actor: Actor, request_id: int, reason: str) -> ConnectionRequest:
    req = _locked(request_id)
    if req.status not in PENDING:
        raise Conflict("O pedido já foi concluído.", field="status", code=ErrorCode.CONNECTION_STEP_INVALID)
    if not reason.strip():
        raise ValidationFailed("Informe o motivo.", field="reason", code=ErrorCode.REASON_REQUIRED)
    before = {"status": req.status}
    req.status, req.reason = Status.CANCELLED, reason.strip()[:300]
    req.save(update_fields=["status", "reason"])
    audit_record(
        actor=actor,
        action="service.connection_request_cancel",
        target=req,
        before=before,
        after={"status": req.status},
        reason=reason,
    )
    return req


@transaction.atomic(durable=True)
def workflow_seed(
    *, actor: Actor, feasibility_code: str, execution_code: str, name: str = WATER_WORKFLOW
) -> WorkflowDefinition:
    """The seeded "Ligação nova de água" definition with its five steps (idempotent)."""
    definition: WorkflowDefinition
    definition, created = WorkflowDefinition.objects.get_or_create(name=name, defaults={"kind": "water"})
    if created:
        from ..seed import STEPS

        steps = [
            (
                title,
                checkpoint,
                {"feasibility": feasibility_code, "execution": execution_code}.get(checkpoint, ""),
            )
            for title, checkpoint, _code in STEPS
        ]
        for position, (title, checkpoint, code) in enumerate(steps, start=1):
            WorkflowStep.objects.create(
                definition=definition,
                position=position,
                title=title,
                checkpoint=checkpoint,
                service_code=code,
            )
        audit_record(
            actor=actor, action="service.workflow_create", target=definition, after={"name": definition.name}
        )
    return definition


@transaction.atomic(durable=True)
def workflow_step_update(*, actor: Actor, step_id: int, title: str, service_code: str) -> WorkflowStep:
    step: WorkflowStep | None = WorkflowStep.objects.select_for_update().filter(pk=step_id).first()
    if step is None:
        raise NotFound("Etapa não encontrada.", field="step", code=ErrorCode.WORKFLOW_NOT_FOUND)
    before: dict[str, Any] = {"title": step.title, "service_code": step.service_code}
    if service_code.strip():
        code_get(service_code)
    step.title, step.service_code = title.strip() or step.title, service_code.strip().upper()
    step.save(update_fields=["title", "service_code"])
    audit_record(
        actor=actor,
        action="service.workflow_step_update",
        target=step,
        before=before,
        after={"title": step.title, "service_code": step.service_code},
    )
    return step
