"""The installment booklet (carnê, VA-16) and an overdue installment updated to today (VA-17), ADR 0213.

An agreement's installments ride on the monthly bills (`selectors.installment_items`), so the booklet
is printed on demand: one slip for every installment not yet paid, each with a FEBRABAN line that
pays it today:

* on a bill not yet due: the bill's own line (the installment is paid with its bill);
* on a bill past due (VA-17): a new extrato of that bill, its late charges from the rule engine in
  force (R-03) priced up to the extrato's last day, with a new validity and a new line;
* not yet on a bill: a slip of its own (`PaymentDocument` kind `installment`, source
  `debt.installment_slip`, the installment's value), valid as long as the utility's extrato; while it
  is open billing leaves the installment out, and once paid the installment is paid ahead
  (`Installment.paid_document`) and never billed.

An agreement over bills in dívida ativa (a CDA's installments, ADR 0198) is the same agreement: its
booklet names the CDA. A document already issued today for the same installment is given again, so
printing the booklet twice issues nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from modules.billing.models import Bill
from modules.collection.models import PaymentDocument
from modules.collection.services import document_create
from modules.common.audit import Actor, audit_record
from modules.common.errors import Conflict, NotFound

from .errors import ErrorCode
from .models import Agreement, Installment
from .selectors import SLIP_SOURCE, installment_states, statement_valid_until

ZERO = Decimal("0.00")


class SlipKind:
    BILL = "bill"  # paid with the bill that carries it
    UPDATED = "updated"  # VA-17: that bill past due, updated in a new extrato
    AHEAD = "ahead"  # not on a bill yet: its own slip


@dataclass(frozen=True)
class Slip:
    installment: Installment
    kind: str
    amount: Decimal  # the installment's value
    to_pay: Decimal  # what the line pays (the bill, the updated bill, or the installment)
    pay_until: dt.date
    typeable_line: str
    barcode: str
    bill: Bill | None = None
    document: PaymentDocument | None = None
    original: Decimal = ZERO  # an updated bill: its value before the late charges
    charges: Decimal = ZERO  # an updated bill: fine + interest + correction

    @property
    def label(self) -> str:
        return {
            SlipKind.BILL: "Na conta",
            SlipKind.UPDATED: "Vencida: atualizada até hoje",
            SlipKind.AHEAD: "Antecipação da parcela",
        }[self.kind]


@dataclass(frozen=True)
class Booklet:
    agreement: Agreement
    as_of: dt.date
    slips: tuple[Slip, ...]
    paid: int  # installments already paid (not printed)
    active_debt: tuple[str, ...]  # the CDAs the agreement pays (dívida ativa)

    @property
    def total(self) -> Decimal:
        return sum((s.amount for s in self.slips), ZERO)


def _agreement_for_booklet(agreement_id: int) -> Agreement:
    agreement: Agreement | None = (
        Agreement.objects.select_for_update().select_related("property").filter(pk=agreement_id).first()
    )
    if agreement is None:
        raise NotFound("Parcelamento não encontrado.", code=ErrorCode.AGREEMENT_NOT_FOUND)
    if agreement.status != Agreement.Status.ACTIVE:
        raise Conflict(
            "O carnê é de um parcelamento em andamento: "
            + (
                "pague primeiro a guia da entrada."
                if agreement.status == Agreement.Status.AWAITING_DOWN_PAYMENT
                else f"este está {agreement.get_status_display().lower()}."
            ),
            field="status",
            code=ErrorCode.AGREEMENT_NOT_ACTIVE,
        )
    return agreement


def _updated_document(actor: Actor, bill: Bill, as_of: dt.date) -> PaymentDocument:
    """The extrato of one past-due bill issued today (again if already issued today)."""
    from .services import statement_within

    issued: PaymentDocument | None = (
        PaymentDocument.objects.filter(
            property_id=bill.property_id,
            kind=PaymentDocument.Kind.STATEMENT,
            source="",
            status=PaymentDocument.Status.OPEN,
            as_of=as_of,
            lines__bill_id=bill.pk,
        )
        .order_by("-pk")
        .first()
    )
    if issued is not None and issued.lines.count() == 1:
        return issued
    return statement_within(
        actor=actor,
        property_id=bill.property_id,
        as_of=as_of,
        valid_until=statement_valid_until(as_of),
        bill_ids=[bill.pk],
    )


def _ahead_document(
    actor: Actor, agreement: Agreement, installment: Installment, as_of: dt.date
) -> PaymentDocument:
    issued: PaymentDocument | None = (
        PaymentDocument.objects.filter(
            source=SLIP_SOURCE,
            source_id=str(installment.pk),
            status=PaymentDocument.Status.OPEN,
            valid_until__gte=as_of,
        )
        .order_by("-pk")
        .first()
    )
    if issued is not None:
        return issued
    created: PaymentDocument = document_create(
        actor=actor,
        property_id=agreement.property_id,
        kind=PaymentDocument.Kind.INSTALLMENT,
        lines=[],
        amount=installment.amount,
        as_of=as_of,
        valid_until=statement_valid_until(as_of),
        source=SLIP_SOURCE,
        source_id=str(installment.pk),
    )
    return created


@transaction.atomic(durable=True)
def booklet_issue(*, actor: Actor, agreement_id: int, as_of: dt.date) -> Booklet:
    """2ª via do carnê (VA-16): a slip with a line payable today for every installment of an active
    agreement not yet paid, issuing the documents the slips need (VA-17's updated extrato of a
    past-due bill, the slip of an installment not yet billed). Paid installments are not printed."""
    agreement = _agreement_for_booklet(agreement_id)
    states = installment_states(agreement)
    bills = Bill.objects.in_bulk([s.bill_id for s in states if s.bill_id is not None])
    slips: list[Slip] = []
    issued: list[int] = []
    for state in states:
        if state.paid:
            continue
        installment = state.installment
        bill = bills.get(state.bill_id) if state.bill_id is not None else None
        if bill is not None and bill.due_date >= as_of:
            slips.append(
                Slip(
                    installment,
                    SlipKind.BILL,
                    installment.amount,
                    bill.total,
                    bill.due_date,
                    bill.typeable_line,
                    bill.barcode,
                    bill=bill,
                )
            )
            continue
        if bill is not None:
            doc = _updated_document(actor, bill, as_of)
            line = doc.lines.get()
            slips.append(
                Slip(
                    installment,
                    SlipKind.UPDATED,
                    installment.amount,
                    doc.amount,
                    doc.valid_until,
                    doc.typeable_line,
                    doc.barcode,
                    bill=bill,
                    document=doc,
                    original=line.original,
                    charges=line.fine + line.interest + line.correction,
                )
            )
        else:
            doc = _ahead_document(actor, agreement, installment, as_of)
            slips.append(
                Slip(
                    installment,
                    SlipKind.AHEAD,
                    installment.amount,
                    doc.amount,
                    doc.valid_until,
                    doc.typeable_line,
                    doc.barcode,
                    document=doc,
                )
            )
        issued.append(doc.pk)
    cdas = tuple(c.number for c in agreement.active_debt_certificates.all())
    audit_record(
        actor=actor,
        action="debt.agreement_booklet",
        target=agreement,
        after={"slips": [s.installment.number for s in slips], "documents": issued, "as_of": as_of},
    )
    return Booklet(agreement, as_of, tuple(slips), len(states) - len(slips), cdas)


def installment_slip_paid(document: PaymentDocument, actor: Actor) -> None:
    """collection's hook: a booklet slip was settled; its installment is paid ahead (billing skips
    it) and the agreement completes when no installment is left. Runs inside the caller's
    transaction (the settlement's)."""
    installment: Installment | None = (
        Installment.objects.select_related("agreement").filter(pk=int(document.source_id)).first()
    )
    if installment is None or installment.paid_document_id is not None:
        return
    Installment.objects.filter(pk=installment.pk).update(paid_document=document)
    agreement = installment.agreement
    audit_record(
        actor=actor,
        action="debt.installment_slip_paid",
        target=agreement,
        after={"installment": installment.number, "document": document.pk, "amount": document.amount},
    )
    if agreement.status == Agreement.Status.ACTIVE and all(s.paid for s in installment_states(agreement)):
        Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.COMPLETED)
