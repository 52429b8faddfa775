"""Every write of debt: debt statements, installment agreements (create, down payment, cancel,
re-installment), the billing item source of installments, certificates and the annual declaration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.billing.hooks import PendingItem, already_billed
from modules.billing.models import BillItem, BillStatus
from modules.collection.models import PaymentDocument
from modules.collection.selectors import card_review_bills
from modules.collection.services import document_cancel, document_create
from modules.common.audit import Actor, audit_record
from modules.common.clock import current_tenant
from modules.common.domain.dates import YearMonth
from modules.common.domain.money import format_brl
from modules.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from modules.registry.models import Property

from .domain import certificates as cert_rules
from .domain.installments import (
    DebtToNegotiate,
    NegotiatedTotal,
    ScheduleLine,
    Simulation,
    negotiated_total,
    schedule,
    simulate,
    unbilled_present_value,
)
from .models import Agreement, AgreementBill, Certificate, Installment
from .selectors import (
    INSTALLMENT_SOURCE,
    certificate_debts,
    debt_position,
    installment_policy,
    installment_states,
    year_bills,
)

CERTIFICATE_VALID_DAYS = 30
LIVE = (Agreement.Status.AWAITING_DOWN_PAYMENT, Agreement.Status.ACTIVE)


def _property(property_id: int) -> Property:
    prop = Property.objects.filter(pk=property_id).first()
    if prop is None:
        raise NotFound("Imóvel não encontrado.", field="property")
    return prop


def statement_create(
    *, actor: Actor, property_id: int, as_of: dt.date, valid_until: dt.date, bill_ids: list[int] | None = None
) -> PaymentDocument:
    """Extrato de débitos with one barcode for the selected open bills, their charges priced up to
    `valid_until` (the last day it may be paid)."""
    _property(property_id)
    if valid_until < as_of:
        raise ValidationFailed("A validade não pode ser anterior à data de emissão.", field="valid_until")
    position = debt_position(property_id, valid_until, bill_ids)
    if bill_ids is not None and len(position.items) != len(set(bill_ids)):
        raise ValidationFailed("Há faturas selecionadas que não estão em aberto neste imóvel.", field="bills")
    if not position.items:
        raise Conflict("Não há débitos em aberto para este imóvel.", field="bills")
    _refuse_bills_in_review([i.bill_id for i in position.items])
    return document_create(
        actor=actor,
        property_id=property_id,
        kind=PaymentDocument.Kind.STATEMENT,
        lines=position.items,
        as_of=as_of,
        valid_until=valid_until,
    )


def _debt(
    property_id: int, as_of: dt.date, replacing: Agreement | None, services: Decimal = Decimal("0.00")
) -> tuple[Any, Any, Any, DebtToNegotiate]:
    version, policy = installment_policy(as_of)
    position = debt_position(property_id, as_of)
    previous = Decimal("0.00")
    if replacing is not None:
        previous = unbilled_present_value(
            [
                ScheduleLine(
                    number=s.installment.number,
                    due_date=None,
                    amount=s.installment.amount,
                    interest=s.installment.interest,
                    amortization=s.installment.amortization,
                    balance=s.installment.balance,
                )
                for s in installment_states(replacing)
                if s.bill_id is None
            ]
        )
    totals = position.totals
    debt = DebtToNegotiate(
        bills=totals["original"],
        fines=totals["fine"],
        interest=totals["interest"] + totals["correction"],
        services=services,
        previous_agreements=previous,
    )
    return version, policy, position, debt


def _negotiation(
    property_id: int, as_of: dt.date, replacing: Agreement | None
) -> tuple[Any, Any, Any, Decimal]:
    version, policy, position, debt = _debt(property_id, as_of, replacing)
    return (
        version,
        policy,
        position,
        negotiated_total(debt, policy).total if debt.bills + debt.previous_agreements else Decimal("0.00"),
    )


def installment_simulation(
    *, property_id: int, as_of: dt.date, down_payment: Decimal | None = None
) -> tuple[Any, Any, Any, Simulation]:
    """The simulation a new agreement of this property would follow today: (policy version, policy,
    debt position, every count the policy allows for this entry). Read-only; the staff API, the
    wizard and the citizens' agency answer the same numbers."""
    _property(property_id)
    version, policy, position, total = _negotiation(property_id, as_of, None)
    return version, policy, position, simulate(total, policy, down_payment=down_payment)


@dataclass(frozen=True)
class SimulationDetail:
    """Seed 003's whole simulator screen: the debt summary (Resumo do débito), the cash payment
    (PAGAMENTO À VISTA) and the installment options, with or without the reactivation fee."""

    version: Any
    policy: Any
    position: Any
    debt: DebtToNegotiate
    negotiated: NegotiatedTotal
    simulation: Simulation | None  # None when the entry or the debt is refused (see `refusal`)
    refusal: ValidationFailed | None
    reactivation_fee: Decimal  # added to "débitos a cobrar: serviços" when asked for


def installment_simulation_detail(
    *, property_id: int, as_of: dt.date, down_payment: Decimal | None = None, reactivation: bool = False
) -> SimulationDetail:
    """Like installment_simulation, with the summary lines and, when the citizen asks for the water
    connection to be reactivated, the utility's reactivation fee (InstallmentPolicyVersion) added to
    the debt as a service to be charged, before the installment table."""
    _property(property_id)
    version, _ = installment_policy(as_of)
    fee = Decimal(version.reactivation_fee) if reactivation else Decimal("0.00")
    version, policy, position, debt = _debt(property_id, as_of, None, services=fee)
    if debt.bills + debt.previous_agreements:
        negotiated = negotiated_total(debt, policy)
    else:  # no open bill: nothing to negotiate, the fee alone is paid with the reactivation
        negotiated = NegotiatedTotal(updated=Decimal("0.00"), discount=Decimal("0.00"), total=Decimal("0.00"))
    try:
        sim: Simulation | None = simulate(negotiated.total, policy, down_payment=down_payment)
        refusal = None
    except ValidationFailed as exc:
        sim, refusal = None, exc
    return SimulationDetail(version, policy, position, debt, negotiated, sim, refusal, fee)


def live_agreement(property_id: int) -> Agreement | None:
    return Agreement.objects.filter(property_id=property_id, status__in=LIVE).first()


def _refuse_bills_in_review(bill_ids: list[int]) -> None:
    """Bills handed to a card operator (em revisão): paying or negotiating them otherwise too could
    charge twice, so they wait until the checkout ends."""
    review = card_review_bills(bill_ids=bill_ids)
    if review:
        raise Conflict(
            "Há faturas em revisão (pagamento com cartão em andamento): "
            + ", ".join(sorted(review.values())),
            field="bills",
            code="bills_in_review",
        )


def agreement_create(
    *,
    actor: Actor,
    property_id: int,
    down_payment: Decimal,
    count: int,
    as_of: dt.date,
    reinstall: bool = False,
) -> Agreement:
    """Sign an agreement over every open bill of the property (and, when re-installing, the unbilled
    installments of its live agreement), under the policy in force on `as_of`."""
    _property(property_id)
    with transaction.atomic():
        Property.objects.select_for_update().filter(pk=property_id).first()  # one negotiation at a time
        current = live_agreement(property_id)
        if current is not None and not reinstall:
            raise Conflict(
                f"O imóvel já tem o parcelamento {current.number} em andamento; use o reparcelamento.",
                field="property",
            )
        if reinstall and (current is None or current.status != Agreement.Status.ACTIVE):
            raise Conflict(
                "Só um parcelamento ativo (com entrada paga) pode ser reparcelado.", field="property"
            )
        version, policy, position, total = _negotiation(property_id, as_of, current if reinstall else None)
        _refuse_bills_in_review([i.bill_id for i in position.items])
        if count > version.standard_max_installments and not getattr(actor, "can", lambda *a: False)(
            "debt.agreements_extended", "add"
        ):
            raise PermissionDenied(
                f"Parcelamentos acima de {version.standard_max_installments} parcelas exigem autorização "
                "(função 'Parcelamento além do limite do atendimento').",
                field="installments",
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
        agreement = Agreement.objects.create(
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
            },
        )
    return agreement


def agreement_down_payment_paid(document: PaymentDocument, actor: Actor) -> None:
    """collection's hook: the down payment was settled; the installments may now go on bills."""
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


def agreement_cancel(*, actor: Actor, agreement_id: int, reason: str) -> Agreement:
    """The agreement ends; its bills are open debts again (with their late charges running from
    their own due dates). Installments already paid stay paid (see the report: no credit yet)."""
    if not reason.strip():
        raise ValidationFailed("Informe o motivo do cancelamento.", field="reason")
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
        if agreement is None:
            raise NotFound("Parcelamento não encontrado.")
        if agreement.status not in LIVE:
            raise Conflict(f"O parcelamento está {agreement.get_status_display().lower()}.", field="status")
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
    """Cancel agreements whose down payment expired unpaid, or with N overdue unpaid installments."""
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


def installment_items(property_ids: list[int], reference: YearMonth) -> dict[int, list[PendingItem]]:
    """billing's item source: the next unbilled installment of each active agreement, one per month."""
    result: dict[int, list[PendingItem]] = {}
    agreements = Agreement.objects.filter(property_id__in=property_ids, status=Agreement.Status.ACTIVE)
    installments = list(Installment.objects.filter(agreement__in=agreements).select_related("agreement"))
    if not installments:
        return result
    ids = [str(i.pk) for i in installments]
    billed = already_billed(INSTALLMENT_SOURCE, ids)
    this_month = set(
        BillItem.objects.filter(
            source=INSTALLMENT_SOURCE, source_id__in=ids, bill__reference=reference.first_day()
        )
        .exclude(bill__status=BillStatus.CANCELLED)
        .values_list("source_id", flat=True)
    )
    busy = {i.agreement_id for i in installments if str(i.pk) in this_month}
    offered: set[int] = set()
    for item in sorted(installments, key=lambda i: (i.agreement_id, i.number)):
        agreement = item.agreement
        if str(item.pk) in billed or agreement.pk in busy or agreement.pk in offered:
            continue
        offered.add(agreement.pk)
        result.setdefault(agreement.property_id, []).append(
            PendingItem(
                kind="installment",
                description=f"Parcela {item.number}/{agreement.count} do parcelamento {agreement.number}",
                amount=item.amount,
                source=INSTALLMENT_SOURCE,
                source_id=str(item.pk),
            )
        )
    return result


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


def certificate_issue(*, actor: Actor, property_id: int, today: dt.date) -> Certificate:
    """Certidão negativa, or positiva com efeito de negativa when the only debts are under a current
    agreement; refused, with the overdue debts named, otherwise."""
    prop = _property(property_id)
    decision = cert_rules.decide_certificate(certificate_debts(property_id, today), today)
    if decision.kind is cert_rules.CertificateKind.REFUSED:
        raise Conflict(decision.reason, field="property", code="open_debts")
    kind = (
        Certificate.Kind.NEGATIVE
        if decision.kind is cert_rules.CertificateKind.NEGATIVE
        else Certificate.Kind.POSITIVE_WITH_NEGATIVE_EFFECT
    )
    valid_until = today + dt.timedelta(days=CERTIFICATE_VALID_DAYS)
    statement = _statement(
        prop,
        kind=kind.label,
        reason=decision.reason,
        agreements=list(decision.open_agreements),
        issued_on=today.isoformat(),
        valid_until=valid_until.isoformat(),
    )
    return _certificate_save(actor, prop, kind, today, valid_until, statement, None)


def annual_declaration_issue(*, actor: Actor, property_id: int, year: int, today: dt.date) -> Certificate:
    """Lei 12.007/2009: all the year's bills paid; refused with the open ones named otherwise."""
    prop = _property(property_id)
    if year >= today.year:
        raise ValidationFailed("A declaração anual é emitida para um ano já encerrado.", field="year")
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
    return _certificate_save(actor, prop, Certificate.Kind.ANNUAL_DECLARATION, today, None, statement, year)


def _certificate_save(
    actor: Actor,
    prop: Property,
    kind: str,
    today: dt.date,
    valid_until: dt.date | None,
    statement: dict[str, Any],
    year: int | None,
) -> Certificate:
    with transaction.atomic():
        cert = Certificate.objects.create(
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


def certificate_verify(code: str) -> Certificate:
    normalized = cert_rules.normalize_code(code)  # a mistyped code is caught before any lookup
    cert = Certificate.objects.filter(code=normalized).first()
    if cert is None:
        raise NotFound("Nenhum documento foi emitido com este código de autenticação.", field="code")
    return cert


def money_text(value: Decimal) -> str:
    return f"R$ {format_brl(value)}"
