"""Writes of the consumption review (revisão de consumo, seed 001 3.2.6): open a case (a protocol of
the review type with its form), move it through the utility's phases, schedule the technical visit
(a real service order for the field app, with the agenda's double-booking warning), change the bill
inside the case (billing's `rebill`, only with the billing grant) and close it with the report
(laudo) sent by e-mail. Each write is keyword-only, one durable transaction, a `ReviewEvent` and an
audit row in it; the e-mail leaves after the commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from modules.billing.models import Bill, BillStatus
from modules.billing.services.delivery import holder
from modules.billing.services.rebill import BillChanges, RebillOutcome, rebill_in
from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import current_tenant, tenant_today, tenant_zone
from modules.common.domain.dates import YearMonth
from modules.common.domain.money import format_brl
from modules.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from modules.reading.models import Reading, ReviewStatus
from modules.registry.models import Property

from ..domain import reviews as rules
from ..errors import ErrorCode
from ..models import ServiceCode, ServiceOrder
from ..models_desk import ProtocolType, ServiceRequest
from ..models_review import (
    REVIEW_PROTOCOL_TYPE,
    REVIEW_VISIT_CODE,
    ConsumptionReview,
    ReviewCounter,
    ReviewEvent,
    ReviewSettings,
)
from .orders import Closing, order_open_within, order_schedule_in, register_close_hooks
from .protocols import Requester, protocol_close_in, protocol_record

REVIEW_QUEUE = "Revisão de consumo"
REBILL_FUNCTION = ("billing.bills", "change")
_FIELDS = [
    "phase",
    "phase_due_on",
    "visit_at",
    "visit_technician_id",
    "visit_order_id",
    "outcome",
    "new_bill_id",
    "closed_at",
]


# --- settings -------------------------------------------------------------------------------------


def review_settings() -> ReviewSettings:
    """The utility's single settings row, created with its defaults on first read (get_or_create:
    its own statement, or inside the caller's transaction)."""
    row: ReviewSettings = ReviewSettings.objects.get_or_create(pk=1)[0]
    return row


def review_phases() -> tuple[rules.Phase, ...]:
    rows = review_settings().phases
    return rules.phases_from(rows) if rows else rules.DEFAULT_PHASES


def phase_label(code: str) -> str:
    if code == rules.CLOSED:
        return "Encerrada"
    return next((p.label for p in review_phases() if p.code == code), code)


def review_defaults_ensure() -> None:
    """The review's protocol type and the visit's service code on a fresh utility (idempotent: the
    first case calls it, and so does a settings change). The utility edits both on their own pages. Runs
    inside the caller's transaction."""
    ProtocolType.objects.get_or_create(
        code=REVIEW_PROTOCOL_TYPE,
        defaults={
            "kind": "service",
            "label": "Revisão de consumo",
            "deadline_days": 15,
            "queue": REVIEW_QUEUE,
        },
    )
    if not ServiceCode.objects.filter(code=REVIEW_VISIT_CODE).exists():
        row = ServiceCode.objects.create(
            code=REVIEW_VISIT_CODE,
            description="Vistoria de revisão de consumo",
            billing_type="not_billable",
            deadline_value=5,
            deadline_unit="business_days",
        )
        audit_record(actor=_system(), action="service.code_create", target=row, after={"code": row.code})


def _system() -> Actor:
    from modules.common.audit import SystemActor

    return SystemActor("revisao-de-consumo")


@transaction.atomic(durable=True)
def review_settings_update(
    *, actor: Actor, phases: list[dict[str, Any]], visit_code: str, visit_minutes: int
) -> ReviewSettings:
    """3.2.6.7: the utility's phases (order, names, deadlines), the visit's service code and length.
    Cases already in a phase that no longer exists keep it until they move."""
    review_defaults_ensure()
    parsed = rules.phases_from(phases)
    problem = rules.phases_problem(parsed)
    if problem:
        raise ValidationFailed(problem, field="phases", code=ErrorCode.INVALID)
    if not ServiceCode.objects.filter(code=visit_code, is_active=True).exists():
        raise ValidationFailed(
            f"Código de serviço {visit_code} não encontrado ou inativo.",
            field="visit_code",
            code=ErrorCode.INVALID,
        )
    if not 10 <= visit_minutes <= 600:
        raise ValidationFailed(
            "A duração da vistoria deve ficar entre 10 e 600 minutos.",
            field="visit_minutes",
            code=ErrorCode.INVALID,
        )
    row: ReviewSettings = ReviewSettings.objects.select_for_update().get(pk=review_settings().pk)
    before = snapshot(row, fields=["phases", "visit_code", "visit_minutes"])
    row.phases = [{"code": p.code, "label": p.label.strip(), "days": p.days} for p in parsed]
    row.visit_code, row.visit_minutes = visit_code, visit_minutes
    row.save()
    audit_record(
        actor=actor,
        action="service.review_settings",
        target=row,
        before=before,
        after=snapshot(row, fields=["phases", "visit_code", "visit_minutes"]),
    )
    return row


# --- opening ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewForm:
    """The request form (3.2.6.2): what the customer (or the staff) states."""

    property_id: int
    reference: YearMonth
    requester_name: str
    requester_phone: str
    residents: int
    description: str
    has_pool: bool = False
    pool_liters: int | None = None
    has_washing_machine: bool = False
    has_water_tank: bool = False
    tank_liters: int | None = None
    other_source: str = ""
    requester_email: str = ""
    requested_on: dt.date | None = None
    origin: str = ConsumptionReview.Origin.CUSTOMER
    reading_id: int | None = None
    channel: str = ServiceRequest.Channel.COUNTER
    # the agency's request (ADR 0229): one open case per unit and bill month, checked under the
    # property's lock so two tabs sending the same form open one case
    one_per_month: bool = False


def full_address(prop: Property) -> str:
    street = f"{prop.street}, {prop.number}" + (f" {prop.complement}" if prop.complement else "")
    cep = f" – CEP {prop.cep[:5]}-{prop.cep[5:]}" if len(prop.cep) == 8 else ""
    return f"{street} – {prop.neighbourhood.name} – {prop.street.city}{cep}"[:300]


def _check_form(form: ReviewForm) -> tuple[Property, Bill | None, Reading | None]:
    prop = (
        Property.objects.select_related("street__city", "neighbourhood").filter(pk=form.property_id).first()
    )
    if prop is None:
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    if form.residents < 0 or form.residents > 999:
        raise ValidationFailed(
            "Número de moradores: informe um inteiro de 0 a 999.", field="residents", code=ErrorCode.INVALID
        )
    if len(form.description.strip()) < 10:
        raise ValidationFailed(
            "Descreva a ocorrência (ao menos 10 letras).", field="description", code=ErrorCode.INVALID
        )
    if form.other_source not in rules.OTHER_SOURCES:
        raise ValidationFailed(
            "Outra fonte de água: escolha da lista.", field="other_source", code=ErrorCode.INVALID
        )
    if form.origin not in ConsumptionReview.Origin.values:
        raise ValidationFailed("Origem: cliente, interna ou leitura.", field="origin", code=ErrorCode.INVALID)
    for name in ("pool_liters", "tank_liters"):
        value = getattr(form, name)
        if value is not None and not 0 < value <= 10_000_000:
            raise ValidationFailed("Informe o volume em litros.", field=name, code=ErrorCode.INVALID)
    month = form.reference.first_day()
    bill = (
        Bill.objects.filter(property=prop, reference=month)
        .exclude(status=BillStatus.CANCELLED)
        .order_by("-id")
        .first()
    )
    reading = None
    if form.reading_id is not None:
        reading = Reading.objects.filter(pk=form.reading_id, property=prop, reference=month).first()
        if reading is None:
            raise ValidationFailed(
                "A leitura informada não é deste imóvel e mês.", field="reading", code=ErrorCode.INVALID
            )
    else:
        reading = Reading.objects.filter(property=prop, reference=month).first()
    if bill is None and reading is None:
        # 3.2.6.2.2: the month must be one the unit was read or billed in
        raise ValidationFailed(
            f"O imóvel {prop.account_number} não tem conta nem leitura em {form.reference.label}.",
            field="reference",
            code=ErrorCode.REVIEW_BILL_PERIOD,
        )
    return prop, bill, reading


def _next_number(year: int) -> int:
    """Locked row: concurrent openings never share a number and leave no gap (3.2.6.2.1)."""
    ReviewCounter.objects.get_or_create(year=year)
    counter = ReviewCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    number: int = counter.last
    return number


def _event(review: ConsumptionReview, *, actor: Actor, action: str, note: str, from_phase: str = "") -> None:
    ReviewEvent.objects.create(
        review=review,
        at=timezone.now(),
        actor=actor.get_username()[:150],
        action=action,
        from_phase=from_phase,
        to_phase=review.phase,
        note=note.strip(),
    )


@transaction.atomic(durable=True)
def review_open(*, actor: Actor, form: ReviewForm) -> ConsumptionReview:
    """3.2.6.1: a case of the review type, from the customer's request or the staff's initiative
    (a high or low reading of the review queue). Its protocol is the desk's (same series, deadline
    and queue of the type), its control number the review's own yearly series; it starts in the
    utility's first phase with that phase's deadline. Raises ValidationFailed naming the field."""
    review_defaults_ensure()
    prop, bill, reading = _check_form(form)
    if form.one_per_month:
        Property.objects.select_for_update().filter(pk=prop.pk).values_list("pk").first()
        same = (
            ConsumptionReview.objects.filter(property=prop, reference=form.reference.first_day())
            .exclude(phase=rules.CLOSED)
            .first()
        )
        if same is not None:
            raise Conflict(
                f"A conta de {form.reference.label} já tem a revisão {same.control} em andamento "
                f"(protocolo {same.protocol.protocol}).",
                field="reference",
                code=ErrorCode.REVIEW_ALREADY_OPEN,
            )
    if reading is not None and form.origin == ConsumptionReview.Origin.READING:
        open_case = ConsumptionReview.objects.filter(reading=reading).exclude(phase=rules.CLOSED).first()
        if open_case is not None:
            raise Conflict(
                f"Esta leitura já tem a revisão {open_case.control} em andamento.",
                field="reading",
                code=ErrorCode.REVIEW_ALREADY_OPEN,
            )
    today = tenant_today()
    requested_on = form.requested_on or today
    if requested_on > today:
        raise ValidationFailed(
            "A data da solicitação não pode ser futura.", field="requested_on", code=ErrorCode.INVALID
        )
    owner = holder(prop.pk)
    email = form.requester_email.strip() or (owner.email if owner else "")
    protocol = protocol_record(
        actor=actor,
        kind=ServiceRequest.Kind.SERVICE,
        type_code=REVIEW_PROTOCOL_TYPE,
        requester=Requester(
            name=form.requester_name, email=form.requester_email.strip(), phone=form.requester_phone
        ),
        channel=form.channel,
        prop=prop,
        description=form.description,
        today=today,
        phone_optional=form.origin != ConsumptionReview.Origin.CUSTOMER,
    )
    first = review_phases()[0]
    review: ConsumptionReview = ConsumptionReview.objects.create(
        year=requested_on.year,
        number=_next_number(requested_on.year),
        protocol=protocol,
        origin=form.origin,
        property=prop,
        customer=owner,
        reference=form.reference.first_day(),
        bill=bill,
        reading=reading,
        address=full_address(prop),
        requested_on=requested_on,
        requester_name=form.requester_name.strip()[:200],
        requester_email=email,
        residents=form.residents,
        has_pool=form.has_pool,
        pool_liters=form.pool_liters if form.has_pool else None,
        has_washing_machine=form.has_washing_machine,
        has_water_tank=form.has_water_tank,
        tank_liters=form.tank_liters if form.has_water_tank else None,
        other_source=form.other_source,
        description=form.description.strip(),
        phase=first.code,
        phase_since=today,
        phase_due_on=rules.phase_due(today, first),
        created_by=actor.get_username()[:150],
    )
    origin = ConsumptionReview.Origin(form.origin).label
    _event(review, actor=actor, action="open", note=f"Aberta ({origin}); protocolo {protocol.protocol}")
    audit_record(actor=actor, action="service.review_open", target=review, after=_snap(review))
    return review


def _snap(review: ConsumptionReview) -> dict[str, Any]:
    return {"control": review.control, **snapshot(review, fields=_FIELDS)}


def _locked(review_id: int) -> ConsumptionReview:
    review: ConsumptionReview | None = (
        ConsumptionReview.objects.select_for_update(of=("self",))
        .select_related("property", "protocol")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise NotFound("Revisão de consumo não encontrada.", code=ErrorCode.REVIEW_NOT_FOUND)
    return review


def _refuse(problem: str | None, field: str) -> None:
    if problem:
        raise ValidationFailed(problem, field=field, code=ErrorCode.REVIEW_ILLEGAL_MOVE)


def _open_only(review: ConsumptionReview) -> None:
    if review.is_closed:
        raise Conflict(f"A revisão {review.control} já está encerrada.", code=ErrorCode.REVIEW_ILLEGAL_MOVE)


# --- the case's moves -------------------------------------------------------------------------


@transaction.atomic(durable=True)
def review_advance(*, actor: Actor, review_id: int, phase: str, note: str = "") -> ConsumptionReview:
    """3.2.6.3: the case goes to a later phase of the utility's list, with that phase's deadline."""
    review = _locked(review_id)
    phases = review_phases()
    _refuse(rules.advance_problem(phases, review.phase, phase), "phase")
    before = _snap(review)
    target = next(p for p in phases if p.code == phase)
    from_phase = review.phase
    today = tenant_today()
    review.phase, review.phase_since, review.phase_due_on = target.code, today, rules.phase_due(today, target)
    review.save(update_fields=["phase", "phase_since", "phase_due_on"])
    _event(review, actor=actor, action="phase", note=note or f"Fase: {target.label}", from_phase=from_phase)
    audit_record(
        actor=actor, action="service.review_advance", target=review, before=before, after=_snap(review)
    )
    return review


def bookings(*, exclude_id: int | None = None, around: dt.datetime | None = None) -> list[rules.Booking]:
    minutes = review_settings().visit_minutes
    qs = ConsumptionReview.objects.filter(visit_at__isnull=False, visit_technician__isnull=False).exclude(
        phase=rules.CLOSED
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    if around is not None:
        qs = qs.filter(visit_at__range=(around - dt.timedelta(days=1), around + dt.timedelta(days=1)))
    return [
        rules.Booking(
            control=r.control,
            technician_id=r.visit_technician_id or 0,
            starts_at=r.visit_at,
            ends_at=r.visit_at + dt.timedelta(minutes=minutes),
        )
        for r in qs
        if r.visit_at is not None
    ]


@dataclass(frozen=True)
class VisitScheduled:
    review: ConsumptionReview
    order: ServiceOrder
    warning: str


@transaction.atomic(durable=True)
def review_visit_schedule(
    *,
    actor: Actor,
    review_id: int,
    at: dt.datetime,
    technician_id: int,
    team_id: int | None = None,
    note: str = "",
) -> VisitScheduled:
    """3.2.6.5, 3.2.6.6: the technical visit on the agenda (date, time, technician) and its service
    order for the field (the utility's visit code), scheduled to the team's day when a team is given,
    so the field app carries it like any order. Again to move it (the same order). A technician
    booked twice in the slot is a warning on the answer and the case, not a refusal."""
    review = _locked(review_id)
    _open_only(review)
    if at.tzinfo is None:
        raise ValidationFailed(
            "Informe a data e a hora da vistoria com fuso.", field="at", code=ErrorCode.INVALID
        )
    technician = get_user_model().objects.filter(pk=technician_id, is_active=True).first()
    if technician is None:
        raise ValidationFailed("Escolha o técnico da vistoria.", field="technician", code=ErrorCode.INVALID)
    before = _snap(review)
    config = review_settings()
    warning = rules.double_booking(
        bookings(exclude_id=review.pk, around=at), technician.pk, at, config.visit_minutes
    )
    order = review.visit_order
    if order is None or order.status in ("cancelled", "executed", "not_executed"):
        order = order_open_within(
            actor=actor,
            code=config.visit_code,
            property_id=review.property_id,
            description=(
                f"Vistoria da revisão de consumo {review.control} (conta {review.reference:%m/%Y}): "
                f"{review.description}"
            )[:2000],
        )
    if team_id is not None:
        order = order_schedule_in(
            actor=actor, order_id=order.pk, team_id=team_id, day=at.astimezone(tenant_zone()).date()
        )
    review.visit_order, review.visit_at, review.visit_technician = order, at, technician
    review.save(update_fields=["visit_order", "visit_at", "visit_technician"])
    local = at.astimezone(tenant_zone())
    text = f"Vistoria agendada para {local:%d/%m/%Y %H:%M} com {technician.get_username()}; OS {order.label}"
    _event(review, actor=actor, action="visit", note=" ".join(x for x in (text, note, warning) if x))
    audit_record(
        actor=actor, action="service.review_visit", target=review, before=before, after=_snap(review)
    )
    return VisitScheduled(review=review, order=order, warning=warning)


def visit_closed(order: ServiceOrder, closing: Closing) -> None:
    """The close hook: the visit order closed (on the back office or by the field app) writes its
    report into the case. Runs inside the caller's transaction (the closing's). Orders of other
    codes cost no query (the visit code's id is read once per batch of closings: the field sync's
    day)."""
    visit_code_id = closing.lookups.memo(("review.visit_code_id",), _visit_code_id)
    if order.code_id != visit_code_id:
        return
    review = ConsumptionReview.objects.filter(visit_order=order).exclude(phase=rules.CLOSED).first()
    if review is None:
        return
    parts = [order.notes.strip()] if order.notes.strip() else []
    status = "executada" if closing.executed else "não executada"
    report = "\n".join(parts) or "(sem observações)"
    when = closing.executed_at.astimezone(tenant_zone())
    review.visit_report = f"OS {order.label} {status} em {when:%d/%m/%Y %H:%M}: {report}"
    review.save(update_fields=["visit_report"])
    _event(review, actor=closing.actor, action="visit_done", note=review.visit_report)


def _visit_code_id() -> int | None:
    code = (
        ReviewSettings.objects.filter(pk=1).values_list("visit_code", flat=True).first() or REVIEW_VISIT_CODE
    )
    found: int | None = ServiceCode.objects.filter(code=code).values_list("id", flat=True).first()
    return found


register_close_hooks(effect=visit_closed)


@transaction.atomic(durable=True)
def review_rebill(*, actor: Actor, review_id: int, changes: BillChanges, reason: str) -> RebillOutcome:
    """3.2.6.8: the reviewed bill changed inside the case, only by a user whom billing lets change
    bills; the new bill is linked to the case. Billing's `rebill` does the change (its rules, its
    note and audit row)."""
    function, action = REBILL_FUNCTION
    can = getattr(actor, "can", None)
    if can is None or not can(function, action):
        raise PermissionDenied(
            "Seu perfil não permite alterar faturas (Faturamento: alterar).",
            code=ErrorCode.REVIEW_REBILL_FORBIDDEN,
        )
    review = _locked(review_id)
    _open_only(review)
    bill_id = review.new_bill_id or review.bill_id
    if bill_id is None:
        raise Conflict(
            f"A revisão {review.control} não tem conta de {review.reference:%m/%Y} para alterar.",
            field="bill",
            code=ErrorCode.REVIEW_BILL_PERIOD,
        )
    before = _snap(review)
    outcome = rebill_in(
        actor=actor, bill_id=bill_id, changes=changes, reason=f"Revisão de consumo {review.control}: {reason}"
    )
    if outcome.bill is not None and outcome.bill.pk != bill_id:
        review.new_bill = outcome.bill
        review.save(update_fields=["new_bill"])
    _event(
        review,
        actor=actor,
        action="rebill",
        note=(
            f"Conta alterada: R$ {format_brl(outcome.before.total)} → "
            f"R$ {format_brl(outcome.after.total)}. {reason}"
        ),
    )
    audit_record(
        actor=actor, action="service.review_rebill", target=review, before=before, after=_snap(review)
    )
    return outcome


@transaction.atomic(durable=True)
def review_close(*, actor: Actor, review_id: int, outcome: str, conclusion: str) -> ConsumptionReview:
    """Close the case with its outcome and report (laudo); the protocol closes with it and the
    customer gets the laudo, and the changed bill when there is one, by e-mail after the commit
    (3.2.6.9). An "improcedente" case cannot carry a changed bill."""
    review = _locked(review_id)
    _refuse(
        rules.close_problem(review.phase, outcome, conclusion),
        "outcome" if outcome not in rules.OUTCOME_LABELS else "conclusion",
    )
    if outcome == rules.REJECTED and review.new_bill_id:
        raise ValidationFailed(
            "A conta foi alterada nesta revisão: o resultado é procedente.",
            field="outcome",
            code=ErrorCode.REVIEW_ILLEGAL_MOVE,
        )
    before = _snap(review)
    from_phase = review.phase
    label = rules.OUTCOME_LABELS[outcome]
    review.phase, review.outcome, review.conclusion = rules.CLOSED, outcome, conclusion.strip()
    review.closed_at, review.closed_by = timezone.now(), actor.get_username()[:150]
    review.phase_since = tenant_today()
    review.save(update_fields=["phase", "outcome", "conclusion", "closed_at", "closed_by", "phase_since"])
    protocol_close_in(actor=actor, request=review.protocol, reason=f"Revisão de consumo {label.lower()}")
    _event(review, actor=actor, action="close", note=f"Encerrada: {label}", from_phase=from_phase)
    audit_record(
        actor=actor, action="service.review_close", target=review, before=before, after=_snap(review)
    )
    pk, schema = review.pk, connection.schema_name
    transaction.on_commit(lambda: review_report_send(review_id=pk, schema=schema))
    return review


def review_report_send(*, review_id: int, schema: str) -> str:
    """The laudo (and the changed bill) to the requester's e-mail, or the holder's; the address it
    went to ("" when the case has none), written on the case with an event and an audit row."""
    from ..review_pdf import review_report_pdf

    review = ConsumptionReview.objects.select_related("property", "new_bill__property").get(pk=review_id)
    address: str = review.requester_email
    if not address:
        with transaction.atomic(durable=True):
            _event(review, actor=_system(), action="email", note="Sem e-mail para enviar o laudo.")
        return ""
    tenant = current_tenant()
    name = getattr(tenant, "name", "") or "Concessionária"
    label = rules.OUTCOME_LABELS.get(review.outcome, "")
    body = (
        f"Olá, {review.requester_name}.\n\n"
        f"A revisão de consumo {review.control} (protocolo {review.protocol.protocol}) da conta de "
        f"{review.reference:%m/%Y} do imóvel da matrícula {review.property.account_number} foi concluída: "
        f"{label.lower()}.\n\nSegue o laudo da revisão"
        + (" e a conta alterada." if review.new_bill_id else ".")
        + f"\n\n{name}"
    )
    message = EmailMessage(
        subject=f"{name}: laudo da revisão de consumo {review.control}",
        body=body,
        from_email=formataddr((name, settings.DEFAULT_FROM_EMAIL)),
        to=[address],
        reply_to=[tenant.email] if tenant and tenant.email else None,
    )
    message.attach(
        f"laudo-revisao-{review.year}-{review.number:04d}.pdf", review_report_pdf(review), "application/pdf"
    )
    if review.new_bill is not None:
        from modules.billing.pdf import bill_pdf

        message.attach(
            f"conta-{review.new_bill.reference:%Y-%m}.pdf", bill_pdf(review.new_bill), "application/pdf"
        )
    message.send()
    with transaction.atomic(durable=True):
        ConsumptionReview.objects.filter(pk=review.pk).update(emailed_to=address, emailed_at=timezone.now())
        _event(review, actor=_system(), action="email", note=f"Laudo enviado para {address}")
        audit_record(actor=_system(), action="service.review_email", target=review, after={"to": address})
    return address


def review_from_reading(*, actor: Actor, reading_id: int) -> ConsumptionReview:
    """One click on the review queue (3.2.4.6 → 3.2.6.1): a high or low reading opens the case of its
    month, internal origin, with the holder as the requester; the staff completes the form inside
    the case."""
    reading = Reading.objects.select_related("property").filter(pk=reading_id).first()
    if reading is None or reading.review != ReviewStatus.PENDING:
        raise NotFound("Leitura em análise não encontrada.", field="reading", code=ErrorCode.REVIEW_NOT_FOUND)
    owner = holder(reading.property_id)
    flags = ", ".join(reading.flag_labels()) or "sinalizada para análise"
    return review_open(
        actor=actor,
        form=ReviewForm(
            property_id=reading.property_id,
            reference=YearMonth.of(reading.reference),
            requester_name=owner.name if owner else actor.get_username(),
            requester_phone=(owner.phone if owner else "") or "",
            requester_email="",
            residents=0,
            description=(
                f"Leitura de {reading.reference:%m/%Y} em análise: consumo {reading.consumption_m3} m³, "
                f"média {reading.average_m3 if reading.average_m3 is not None else '—'} m³ ({flags})."
            ),
            origin=ConsumptionReview.Origin.READING,
            reading_id=reading.pk,
        ),
    )
