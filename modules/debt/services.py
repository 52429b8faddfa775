"""Every write of debt: debt statements, installment agreements (create, down payment, cancel,
re-installment, enforcement), certificates and the annual declaration. Reads, the simulation and
billing's item source of installments are in selectors.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.billing.legal import may_override, refuse_locked
from modules.collection.models import PaymentDocument
from modules.collection.selectors import card_review_bills, payment_review_bills
from modules.collection.services import document_cancel, document_create
from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import current_tenant
from modules.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, clean_or_fail
from modules.registry.models import Property
from modules.registry.selectors_rental import tenant_debt_scope_check

from .domain import certificates as cert_rules
from .domain.installments import DebtToNegotiate, ReplanPolicy, check_replan, negotiated_total, schedule
from .errors import ErrorCode
from .infractions import has_infraction
from .models import Agreement, AgreementBill, Certificate, DebtSettings, Installment
from .notices import notices_settle
from .selectors import (
    LIVE,
    agreement_payoff_quote,
    certificate_debts,
    certificate_valid_until,
    debt_position,
    installment_states,
    live_agreement,
    negotiation,
    property_get,
    replans_of_customer,
    year_bills,
)
from .services_bureau import bureau_debts_settled

SETTINGS_FIELDS = ("statement_valid_days", "certificate_valid_days")
# The `type: ignore`s on TextChoices members below: Django is untyped here, and mypy reads a member
# (`PaymentDocument.Kind.STATEMENT`) as the (value, label) tuple of its class body; it is the str.


@transaction.atomic(durable=True)
def debt_settings_update(*, actor: Actor, **changes: int) -> DebtSettings:
    """The utility's debt parameters (how long statements and certificates are valid), validated by
    the model's bounds, audited with before and after."""
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed(f"Parâmetro desconhecido: {name}.", field=name, code=ErrorCode.INVALID)
    DebtSettings.objects.get_or_create(pk=1)
    row: DebtSettings = DebtSettings.objects.select_for_update().get(pk=1)
    before = snapshot(row)
    for name, value in changes.items():
        setattr(row, name, value)
    clean_or_fail(row)
    row.save()
    audit_record(actor=actor, action="debt.settings_update", target=row, before=before, after=snapshot(row))
    return row


@transaction.atomic(durable=True)
def statement_create(
    *,
    actor: Actor,
    property_id: int,
    as_of: dt.date,
    valid_until: dt.date,
    bill_ids: list[int] | None = None,
    requester_id: int | None = None,
) -> PaymentDocument:
    """Extrato de débitos with one barcode for the selected open bills, their charges priced up to
    `valid_until` (the last day it may be paid). Under an execução fiscal, or over a bill in dívida
    ativa, only a profile with the special privilege issues it (PermissionDenied; TR S10.13-03).
    `requester_id`: the customer who asks, when one does; a tenant only for the months of their
    rental contract (S10.15-02, 403 otherwise)."""
    return statement_within(
        actor=actor,
        property_id=property_id,
        as_of=as_of,
        valid_until=valid_until,
        bill_ids=bill_ids,
        requester_id=requester_id,
    )


def statement_within(
    *,
    actor: Actor,
    property_id: int,
    as_of: dt.date,
    valid_until: dt.date,
    bill_ids: list[int] | None = None,
    requester_id: int | None = None,
) -> PaymentDocument:
    """`statement_create`'s checks and document, for a caller that issues it with other documents
    (the installment booklet, ADR 0213). Runs inside the caller's transaction."""
    property_get(property_id)
    if valid_until < as_of:
        raise ValidationFailed(
            "A validade não pode ser anterior à data de emissão.",
            field="valid_until",
            code=ErrorCode.INVALID,
        )
    position = debt_position(property_id, valid_until, bill_ids)
    refuse_locked(
        property_id=property_id,
        bill_ids=[i.bill_id for i in position.items],
        on=as_of,
        allowed=may_override(actor),
        what="o extrato de quitação",
    )
    if bill_ids is not None and len(position.items) != len(set(bill_ids)):
        raise ValidationFailed(
            "Há faturas selecionadas que não estão em aberto neste imóvel.",
            field="bills",
            code=ErrorCode.BILLS_NOT_OPEN,
        )
    if not position.items:
        raise Conflict(
            "Não há débitos em aberto para este imóvel.", field="bills", code=ErrorCode.NO_OPEN_DEBTS
        )
    tenant_debt_scope_check(
        property_id=property_id,
        requester_id=requester_id,
        references=[i.reference for i in position.items],
        today=as_of,
    )
    _refuse_bills_in_review([i.bill_id for i in position.items])
    return document_create(
        actor=actor,
        property_id=property_id,
        kind=PaymentDocument.Kind.STATEMENT,
        lines=position.items,
        as_of=as_of,
        valid_until=valid_until,
    )


def _refuse_unselectable(selected: list[int], negotiable: list[int]) -> None:
    """Every picked bill must be an open debt of this property outside agreements and holds."""
    wrong = sorted(set(selected) - set(negotiable))
    if wrong or not selected:
        raise ValidationFailed(
            "Escolha faturas em aberto deste imóvel (fora de parcelamento e de retenção)"
            + (f"; não podem ser negociadas: {', '.join(map(str, wrong))}." if wrong else "."),
            field="bills",
            code=ErrorCode.BILLS_NOT_NEGOTIABLE,
        )


def _refuse_bills_in_review(bill_ids: list[int]) -> None:
    """Bills handed to a card operator (em revisão), or whose payment waits in the review queue (em
    conferência): paying or negotiating them otherwise too could charge twice, so they wait until the
    checkout ends or the payment is accepted or refunded."""
    review = card_review_bills(bill_ids=bill_ids)
    if review:
        raise Conflict(
            "Há faturas em revisão (pagamento com cartão em andamento): "
            + ", ".join(sorted(review.values())),
            field="bills",
            code=ErrorCode.BILLS_IN_REVIEW,
        )
    received = payment_review_bills(bill_ids=bill_ids)
    if received:
        raise Conflict(
            "Há faturas em conferência (pagamento recebido, em análise na fila de conferência): "
            + ", ".join(sorted(received.values())),
            field="bills",
            code=ErrorCode.BILLS_IN_REVIEW,
        )


@transaction.atomic(durable=True)
def agreement_create(
    *,
    actor: Actor,
    property_id: int,
    down_payment: Decimal,
    count: int,
    as_of: dt.date,
    reinstall: bool = False,
    requester_id: int | None = None,
    bill_ids: list[int] | None = None,
    transfer_from: list[int] | None = None,
) -> Agreement:
    """Sign an agreement over the open bills of the property — those in `bill_ids` when the user picks
    them (3.2.9.2.3), every one otherwise — (and, when re-installing, the present value of the
    unbilled installments of its live agreement, 3.2.9.3.1; within the re-plan limits, 3.2.9.1.10–13),
    under the policy in force on `as_of`. Under an execução fiscal, or over a bill in dívida ativa,
    only a profile with the special privilege signs it (PermissionDenied; TR S10.13-03).
    `requester_id`: the customer who asks, when one does: a tenant may negotiate only debts of the
    months of their rental contract (seed 002 S10.15-02), so an agreement that would include another
    month is refused (403). `transfer_from`: other units whose open debts move into this plan
    (3.2.9.2.4), each traced on that unit's history."""
    return agreement_sign(
        actor=actor,
        property_id=property_id,
        down_payment=down_payment,
        count=count,
        as_of=as_of,
        reinstall=reinstall,
        requester_id=requester_id,
        bill_ids=bill_ids,
        transfer_from=transfer_from,
    )


def agreement_sign(
    *,
    actor: Actor,
    property_id: int,
    down_payment: Decimal,
    count: int,
    as_of: dt.date,
    reinstall: bool = False,
    requester_id: int | None = None,
    bill_ids: list[int] | None = None,
    transfer_from: list[int] | None = None,
    lock_allowed: bool = False,
) -> Agreement:
    """`agreement_create`'s work. Runs inside the caller's transaction. `bill_ids`: only these open
    bills (the user's pick, or a certidão de dívida ativa's); `lock_allowed`: the caller already holds
    the right to negotiate bills in dívida ativa (the active-debt function), so the legal lock does
    not refuse."""
    property_get(property_id)
    sources = tuple(sorted(set(transfer_from or ())))
    for other in sources:
        property_get(other)
        if other == property_id:
            raise ValidationFailed(
                "O imóvel de origem da transferência deve ser outro.",
                field="transfer_from",
                code=ErrorCode.INVALID,
            )
    # one negotiation at a time, on this unit and on the ones whose debts it takes
    list(Property.objects.select_for_update().filter(pk__in=(property_id, *sources)).order_by("pk"))
    current = live_agreement(property_id)
    if current is not None and not reinstall:
        raise Conflict(
            f"O imóvel já tem o parcelamento {current.number} em andamento; use o reparcelamento.",
            field="property",
            code=ErrorCode.AGREEMENT_IN_PROGRESS,
        )
    if reinstall and (current is None or current.status != Agreement.Status.ACTIVE):
        raise Conflict(
            "Só um parcelamento ativo (com entrada paga) pode ser reparcelado.",
            field="property",
            code=ErrorCode.REINSTALL_NEEDS_ACTIVE_AGREEMENT,
        )
    version, policy, position, total = negotiation(
        property_id, as_of, current if reinstall else None, bill_ids=bill_ids, transfer_from=sources
    )
    if lock_allowed and not position.items:  # a CDA's bills: none of them open any more
        raise Conflict(
            "Não há débitos em aberto para este imóvel.", field="bills", code=ErrorCode.NO_OPEN_DEBTS
        )
    for other in sources:
        refuse_locked(
            property_id=other,
            bill_ids=[i.bill_id for i in position.items],
            on=as_of,
            allowed=may_override(actor),
            what="a transferência de débitos",
        )
    refuse_locked(
        property_id=property_id,
        bill_ids=[i.bill_id for i in position.items],
        on=as_of,
        allowed=lock_allowed or may_override(actor),
        what="o parcelamento",
    )
    tenant_debt_scope_check(
        property_id=property_id,
        requester_id=requester_id,
        references=[i.reference for i in position.items],
        today=as_of,
    )
    _refuse_bills_in_review([i.bill_id for i in position.items])
    if count > version.standard_max_installments and not getattr(actor, "can", lambda *a: False)(
        "debt.agreements_extended", "add"
    ):
        raise PermissionDenied(
            f"Parcelamentos acima de {version.standard_max_installments} parcelas exigem autorização "
            "(função 'Parcelamento além do limite do atendimento').",
            field="installments",
            code=ErrorCode.EXTENDED_INSTALLMENTS_NOT_ALLOWED,
        )
    if bill_ids is not None:
        _refuse_unselectable(bill_ids, [i.bill_id for i in position.items])
    if reinstall:
        check_replan(
            ReplanPolicy(
                max_replans=version.max_replans,
                max_installments=version.replan_max_installments,
                max_installments_infraction=version.replan_max_installments_infraction,
                min_down_payment_rate_infraction=Decimal(version.replan_min_down_payment_rate_infraction),
            ),
            replans_so_far=replans_of_customer(property_id),
            infraction=has_infraction(property_id),
            total=total,
            down_payment=down_payment,
            count=count,
            rounding=policy.rounding,
        )
    plan = schedule(total, down_payment, count, policy)  # refuses what the policy does not allow
    totals = position.totals
    negotiated = negotiated_total(
        DebtToNegotiate(
            bills=totals["original"],
            fines=totals["fine"],
            interest=totals["interest"] + totals["correction"],
        ),
        policy,
    )
    agreement: Agreement = Agreement.objects.create(
        property_id=property_id,
        policy=version,
        status=Agreement.Status.AWAITING_DOWN_PAYMENT if down_payment > 0 else Agreement.Status.ACTIVE,
        as_of=as_of,
        bills_total=totals["original"],
        fines=totals["fine"],
        interest=totals["interest"] + totals["correction"],
        previous_agreements=total - negotiated.total,
        discount=negotiated.discount,
        total=total,
        down_payment=down_payment,
        count=count,
        monthly_rate=policy.monthly_rate,
        installment_value=plan.installment,
        replaces=current if reinstall else None,
        created_by=actor.get_username(),
        activated_at=None if down_payment > 0 else timezone.now(),
    )
    if reinstall and current is not None:
        current.status = Agreement.Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.cancel_reason = f"reparcelado pelo acordo {agreement.number}"
        current.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        AgreementBill.objects.filter(agreement=current, active=True).update(agreement=agreement)
    AgreementBill.objects.bulk_create(
        AgreementBill(
            agreement=agreement,
            bill_id=p.bill_id,
            original=p.original,
            fine=p.fine,
            interest=p.interest,
            correction=p.correction,
        )
        for p in position.items
    )
    # an agreement settles the unit's pending cut notices at once (issue #16)
    notices_settle([p.bill_id for p in position.items], actor)
    Installment.objects.bulk_create(
        Installment(
            agreement=agreement,
            number=line.number,
            amount=line.amount,
            interest=line.interest,
            amortization=line.amortization,
            balance=line.balance,
        )
        for line in plan.lines
    )
    if down_payment > 0:
        agreement.down_payment_document = document_create(
            actor=actor,
            property_id=property_id,
            kind=PaymentDocument.Kind.DOWN_PAYMENT,
            lines=[],
            amount=down_payment,
            as_of=as_of,
            valid_until=as_of + dt.timedelta(days=version.down_payment_days),
            source="debt.agreement",
            source_id=str(agreement.pk),
        )
        agreement.save(update_fields=["down_payment_document"])
    if sources:
        moved = {i.bill_id for i in position.items}
        from modules.billing.models import Bill

        for other in sources:
            bills = sorted(Bill.objects.filter(pk__in=moved, property_id=other).values_list("pk", flat=True))
            audit_record(
                actor=actor,
                action="debt.debt_transfer",
                object_type="registry.property",
                object_id=other,
                after={"to_property": property_id, "agreement": agreement.pk, "bills": bills},
            )
    # a listed debt now negotiated is lifted from the bureau (3.2.9.17.3, STJ Súmula 548)
    bureau_debts_settled([p.bill_id for p in position.items], actor, on=as_of)
    audit_record(
        actor=actor,
        action="debt.agreement_create",
        target=agreement,
        after={
            "total": total,
            "down_payment": down_payment,
            "count": count,
            "installment": plan.installment,
            "bills": [p.bill_id for p in position.items],
            "replaces": current.pk if reinstall and current else None,
            "requester": requester_id,
            "transfer_from": list(sources),
        },
    )
    return agreement


def agreement_down_payment_paid(document: PaymentDocument, actor: Actor) -> None:
    """collection's hook: the down payment was settled; the installments may now go on bills. Runs
    inside the caller's transaction (the settlement's)."""
    updated = Agreement.objects.filter(
        pk=int(document.source_id), status=Agreement.Status.AWAITING_DOWN_PAYMENT
    ).update(status=Agreement.Status.ACTIVE, activated_at=timezone.now())
    if updated:
        audit_record(
            actor=actor,
            action="debt.agreement_activate",
            object_type="debt.agreement",
            object_id=document.source_id,
            after={"down_payment_document": document.pk},
        )


@transaction.atomic(durable=True)
def agreement_cancel(*, actor: Actor, agreement_id: int, reason: str) -> Agreement:
    """The agreement ends; its bills are open debts again (with their late charges running from
    their own due dates). Installments already paid stay paid (see the report: no credit yet)."""
    if not reason.strip():
        raise ValidationFailed("Informe o motivo do cancelamento.", field="reason", code=ErrorCode.INVALID)
    agreement: Agreement | None = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound("Parcelamento não encontrado.", code=ErrorCode.AGREEMENT_NOT_FOUND)
    if agreement.status not in LIVE:
        raise Conflict(
            f"O parcelamento está {agreement.get_status_display().lower()}.",
            field="status",
            code=ErrorCode.AGREEMENT_NOT_LIVE,
        )
    agreement.status = Agreement.Status.CANCELLED
    agreement.cancelled_at = timezone.now()
    agreement.cancel_reason = reason.strip()
    agreement.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    restored = list(agreement.bills.filter(active=True).values_list("bill_id", flat=True))
    agreement.bills.update(active=False)
    if (
        agreement.down_payment_document
        and agreement.down_payment_document.status == PaymentDocument.Status.OPEN
    ):
        document_cancel(actor=actor, document=agreement.down_payment_document, reason=reason)
    audit_record(
        actor=actor,
        action="debt.agreement_cancel",
        target=agreement,
        after={"restored_bills": restored},
        reason=reason,
    )
    return agreement


def agreements_enforce(*, actor: Actor, today: dt.date) -> list[int]:
    """Cancel agreements whose down payment expired unpaid, or with N overdue unpaid installments.

    Not one transaction: each cancellation commits on its own (agreement_cancel), so a job killed
    half-way keeps what it did and a re-run finds nothing left to cancel (tasks.py)."""
    cancelled = []
    for agreement in Agreement.objects.filter(status__in=LIVE).select_related(
        "policy", "down_payment_document"
    ):
        doc = agreement.down_payment_document
        if agreement.status == Agreement.Status.AWAITING_DOWN_PAYMENT and doc and doc.valid_until < today:
            agreement_cancel(
                actor=actor,
                agreement_id=agreement.pk,
                reason=f"entrada não paga até {doc.valid_until:%d/%m/%Y}",
            )
            cancelled.append(agreement.pk)
            continue
        states = installment_states(agreement)
        overdue = [s for s in states if not s.paid and s.due_date and s.due_date < today]
        if (
            agreement.status == Agreement.Status.ACTIVE
            and len(overdue) >= agreement.policy.cancel_after_unpaid
        ):
            agreement_cancel(
                actor=actor, agreement_id=agreement.pk, reason=f"{len(overdue)} parcelas vencidas e não pagas"
            )
            cancelled.append(agreement.pk)
        elif states and all(s.paid for s in states):
            Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.COMPLETED)
    return cancelled


def _statement(prop: Property, **extra: Any) -> dict[str, Any]:
    holder = prop.relations.filter(end__isnull=True).select_related("customer").order_by("role").first()
    tenant = current_tenant()
    return {
        "utility": getattr(tenant, "legal_name", "") or getattr(tenant, "name", ""),
        "account_number": prop.account_number,
        "inscription": prop.inscription,
        "address": (
            f"{prop.street}, {prop.number}{f' – {prop.complement}' if prop.complement else ''} · "
            f"{prop.neighbourhood}"
        ),
        "holder": holder.customer.name if holder else "",
        **extra,
    }


@transaction.atomic(durable=True)
def certificate_issue(*, actor: Actor, property_id: int, today: dt.date) -> Certificate:
    """Certidão negativa, or positiva com efeito de negativa when the only debts are under a current
    agreement; refused, with the overdue debts named, otherwise."""
    prop = property_get(property_id)
    decision = cert_rules.decide_certificate(certificate_debts(property_id, today), today)
    if decision.kind is cert_rules.CertificateKind.REFUSED:
        raise Conflict(decision.reason, field="property", code=ErrorCode.OPEN_DEBTS)
    kind = Certificate.Kind(decision.kind.value)  # negativa or positiva com efeito de negativa, same values
    valid_until = certificate_valid_until(today)
    statement = _statement(
        prop,
        kind=kind.label,
        reason=decision.reason,
        agreements=list(decision.open_agreements),
        issued_on=today.isoformat(),
        valid_until=valid_until.isoformat(),
    )
    return _certificate_save(actor, prop, kind, today, valid_until, statement, None)


@transaction.atomic(durable=True)
def annual_declaration_issue(*, actor: Actor, property_id: int, year: int, today: dt.date) -> Certificate:
    """Lei 12.007/2009: all the year's bills paid; refused with the open ones named otherwise."""
    prop = property_get(property_id)
    if year >= today.year:
        raise ValidationFailed(
            "A declaração anual é emitida para um ano já encerrado.",
            field="year",
            code=ErrorCode.INVALID,
        )
    declaration = cert_rules.annual_declaration(year, year_bills(property_id, year))
    statement = _statement(
        prop,
        kind=Certificate.Kind.ANNUAL_DECLARATION.label,
        year=year,
        lines=[
            {
                "reference": line.reference,
                "due_date": line.due_date.isoformat(),
                "paid_on": line.paid_on.isoformat(),
                "amount": str(line.amount),
            }
            for line in declaration.lines
        ],
        contested=list(declaration.contested),
        total=str(declaration.total),
        issued_on=today.isoformat(),
    )
    return _certificate_save(
        actor,
        prop,
        Certificate.Kind.ANNUAL_DECLARATION,
        today,
        None,
        statement,
        year,
    )


def _certificate_save(
    actor: Actor,
    prop: Property,
    kind: str,
    today: dt.date,
    valid_until: dt.date | None,
    statement: dict[str, Any],
    year: int | None,
) -> Certificate:
    """Store the certificate and its audit row. Runs inside the caller's transaction."""
    cert: Certificate = Certificate.objects.create(
        code=cert_rules.new_authentication_code(),
        kind=kind,
        property=prop,
        year=year,
        issued_on=today,
        valid_until=valid_until,
        statement=statement,
        issued_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="debt.certificate_issue",
        target=cert,
        after={"kind": kind, "code": cert.code, "year": year},
    )
    return cert


PAYOFF_SOURCE = "debt.payoff"


@transaction.atomic(durable=True)
def agreement_payoff_issue(*, actor: Actor, agreement_id: int, as_of: dt.date) -> PaymentDocument:
    """Quitação antecipada (3.2.9.4): a guia for the installments not yet billed at present value
    (the interest not yet earned removed), valid for the policy's down-payment days. Paying it
    completes the agreement (`agreement_payoff_paid`); the installments already on bills are paid
    with their bills."""
    agreement: Agreement | None = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound("Parcelamento não encontrado.", code=ErrorCode.AGREEMENT_NOT_FOUND)
    if agreement.status != Agreement.Status.ACTIVE:
        raise Conflict(
            "Só um parcelamento em andamento (com a entrada paga) pode ser quitado antecipadamente.",
            field="status",
            code=ErrorCode.AGREEMENT_NOT_ACTIVE,
        )
    quote = agreement_payoff_quote(agreement, as_of)
    if quote.installments == 0:
        raise Conflict(
            "Todas as parcelas já estão em faturas: pague as faturas para quitar o parcelamento.",
            field="status",
            code=ErrorCode.AGREEMENT_NOT_ACTIVE,
        )
    document = document_create(
        actor=actor,
        property_id=agreement.property_id,
        kind=PaymentDocument.Kind.STATEMENT,
        lines=[],
        amount=quote.present_value,
        as_of=as_of,
        valid_until=as_of + dt.timedelta(days=agreement.policy.down_payment_days),
        source=PAYOFF_SOURCE,
        source_id=str(agreement.pk),
    )
    audit_record(
        actor=actor,
        action="debt.agreement_payoff_issue",
        target=agreement,
        after={
            "installments": quote.installments,
            "face_value": quote.face_value,
            "present_value": quote.present_value,
            "document": document.pk,
        },
    )
    return document


def agreement_payoff_paid(document: PaymentDocument, actor: Actor) -> None:
    """collection's hook: the payoff guia was settled; the agreement is complete and bills no more
    installments. Runs inside the caller's transaction (the settlement's)."""
    updated = Agreement.objects.filter(pk=int(document.source_id), status=Agreement.Status.ACTIVE).update(
        status=Agreement.Status.COMPLETED
    )
    if updated:
        audit_record(
            actor=actor,
            action="debt.agreement_payoff_paid",
            object_type="debt.agreement",
            object_id=document.source_id,
            after={"document": document.pk, "amount": document.amount},
        )
