"""Every write of collection: return-file import, counter receipt, settlement, review, reversal,
payable documents.

One judgement (`domain.matching.payment_judge`, applied by `matcher.payments_match` and, for a
return file's bills, by the set-based `return_import`) serves every channel, so a payment is judged
the same way whether it came in a return file, at the counter or from the gateway: it settles its
bill or document only when the target is open, not held by an agreement, not settled already and
paid to the cent; anything else goes to the review queue with its reason. The partial unique indexes
on Settlement and Payment are the last word: a race that slips past the checks fails the transaction
instead of settling twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from modules.billing.models import Bill, BillStatus
from modules.common.audit import Actor, audit_record
from modules.common.bulk import allocate_ids, copy_instances
from modules.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from modules.common.typed import transaction

from .documents import bills_paid, document_barcode, document_paid, held_bills
from .domain.barcode_check import barcode_problems, typeable_line_problems, typeable_line_to_barcode
from .domain.return_file import ReturnFile as ParsedReturnFile
from .domain.return_file import parse_return_file
from .errors import ErrorCode
from .matcher import Incoming, payments_match
from .models import (
    BoletoFile,
    CollectingAgent,
    DirectDebitReturn,
    DocumentBill,
    Payment,
    PaymentDocument,
    ReturnFile,
    ReturnFileRefusal,
    Settlement,
)
from .return_import import import_bill_payments
from .selectors import PricedBill

COUNTER_AGENT = "CAIXA"
R = Payment.Review


def _agent_for(header_bank_code: str, agreement_code: str) -> CollectingAgent:
    agent: CollectingAgent | None = CollectingAgent.objects.filter(code=header_bank_code, active=True).first()
    if agent is None:
        raise ValidationFailed(
            f"Arquivo retorno recusado: agente arrecadador desconhecido (banco {header_bank_code}, linha 1, "
            "campo A.05). Cadastre o agente e seu convênio antes de importar.",
            field="file",
            code=ErrorCode.UNKNOWN_AGENT,
        )
    if agent.agreement_code and agent.agreement_code != agreement_code:
        raise ValidationFailed(
            f"Arquivo retorno recusado: o convênio do arquivo ({agreement_code}, linha 1, campo A.03) "
            "não é o "
            f"convênio cadastrado para {agent.name} ({agent.agreement_code}).",
            field="file",
            code=ErrorCode.UNKNOWN_AGENT,
        )
    return agent


def return_file_import(*, actor: Actor, data: bytes, filename: str = "") -> ReturnFile:
    """All or nothing: a file with any malformed record is refused with its line numbers; the same
    file (by SHA-256) is refused the second time; every G record becomes a payment, applied or in review.
    A refusal is recorded (with its problems) so the history shows what was sent back and why.

    Two units of work, never inside a caller's transaction: the import (one durable transaction) and,
    when it is refused, the refusal record (another, committed after the import rolled back)."""
    try:
        return _return_file_import(actor=actor, data=data, filename=filename)
    except DomainError as exc:
        return_file_refusal_record(actor=actor, data=data, filename=filename, error=exc)
        raise


def bank_file_import(
    *, actor: Actor, data: bytes, filename: str = ""
) -> ReturnFile | DirectDebitReturn | BoletoFile:
    """A file from a bank, whichever it is: a collection return (A/G/Z) or a direct-debit return
    (A/B/F/Z, ADR 0235), told apart by its header's service (A.10) and its record types. A refusal
    is recorded the same way for both."""
    from .boletos import boleto_return_import
    from .direct_debit import debit_return_import
    from .domain.cnab240 import is_cnab240
    from .domain.direct_debit import is_debit_file

    cnab = is_cnab240(data)
    if not cnab and not is_debit_file(data):
        return return_file_import(actor=actor, data=data, filename=filename)
    try:
        if cnab:
            return boleto_return_import(actor=actor, data=data, filename=filename)
        return debit_return_import(actor=actor, data=data, filename=filename)
    except DomainError as exc:
        return_file_refusal_record(actor=actor, data=data, filename=filename, error=exc)
        raise


@transaction.atomic(durable=True)
def return_file_refusal_record(*, actor: Actor, data: bytes, filename: str, error: DomainError) -> None:
    problems = [str(p) for p in getattr(error, "problems", ())]
    message = error.message.split(". ")[0] + "." if problems else error.message
    refusal = ReturnFileRefusal.objects.create(
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        code=error.code[:40],
        message=message,
        problems=problems[:500],
        uploaded_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="collection.return_file_refuse",
        target=refusal,
        after={"code": error.code, "problems": len(problems), "filename": filename[:200]},
    )


def _return_file_import(*, actor: Actor, data: bytes, filename: str) -> ReturnFile:
    parsed = parse_return_file(data)
    agent = _agent_for(parsed.header.bank_code, parsed.header.agreement_code)
    content = parsed.content_sha256
    _refuse_if_imported(agent=agent, parsed=parsed)
    try:
        with transaction.atomic(durable=True):
            rf: ReturnFile = ReturnFile.objects.create(
                agent=agent,
                sha256=parsed.sha256,
                content_sha256=content,
                filename=filename[:200],
                sequence=parsed.header.sequence,
                generated_on=parsed.header.generated_on,
                layout_version=parsed.header.layout_version,
                record_count=parsed.trailer.record_count,
                total=parsed.trailer.total,
                fee_total=parsed.total_fees,
                payment_count=len(parsed.payments),
                warnings=[str(w) for w in parsed.warnings[:200]],
                uploaded_by=actor.get_username(),
            )
            # Bills are matched and settled set-based (ADR 0034); what is not a bill's barcode goes
            # through the general matcher (documents, unknown barcodes).
            applied, _review, rest = import_bill_payments(
                actor=actor, agent=agent, return_file=rf, items=parsed.payments
            )
            bills_paid(
                Settlement.objects.filter(payment__return_file=rf, reversed=False).values_list(
                    "bill_id", flat=True
                ),
                actor,
            )
            payments = payments_match(
                actor=actor,
                agent=agent,
                channel=Payment.Channel.RETURN_FILE,
                items=[
                    Incoming(
                        barcode=p.barcode,
                        amount=p.amount,
                        paid_on=p.paid_on,
                        credited_on=p.credited_on,
                        fee=p.fee,
                        line=p.line,
                        authentication=p.authentication,
                    )
                    for p in rest
                ],
                return_file=rf,
            )
            rf.applied_count = applied + sum(1 for p in payments if p.status == Payment.Status.APPLIED)
            rf.review_count = len(parsed.payments) - rf.applied_count
            rf.save(update_fields=["applied_count", "review_count"])
            audit_record(
                actor=actor,
                action="collection.return_file_import",
                target=rf,
                after={
                    "agent": agent.code,
                    "sha256": rf.sha256,
                    "nsa": rf.sequence,
                    "payments": rf.payment_count,
                    "applied": rf.applied_count,
                    "review": rf.review_count,
                    "total": rf.total,
                },
            )
    except IntegrityError as exc:
        # The same file posted at the same moment: the unique constraints let one commit; this one
        # waited for it and is refused like any later duplicate.
        _refuse_if_imported(agent=agent, parsed=parsed, cause=exc)
        raise Conflict(
            "Outro pagamento desta remessa foi baixado ao mesmo tempo; nada foi aplicado. Importe novamente.",
            field="file",
            code=ErrorCode.CONCURRENT_IMPORT,
        ) from exc
    return rf


def _refuse_if_imported(
    *, agent: CollectingAgent, parsed: ParsedReturnFile, cause: Exception | None = None
) -> None:
    """A file was imported before when its bytes, what it says (whatever its line ends and blanks) or
    its agent's NSA (A.08) match an imported file's; the message names that file."""
    earlier = (
        ReturnFile.objects.filter(duplicate_of__isnull=True)
        .filter(
            Q(sha256=parsed.sha256)
            | Q(content_sha256=parsed.content_sha256)
            | Q(agent=agent, sequence=parsed.header.sequence)
        )
        .order_by("created_at", "id")
        .first()
    )
    if earlier is None:
        return
    same_file = earlier.content_sha256 == parsed.content_sha256 or earlier.sha256 == parsed.sha256
    if same_file:
        what = "Este arquivo retorno já foi importado"
    else:
        what = (
            f"O NSA {parsed.header.sequence} (linha 1, campo A.08) de {agent.name} "
            "já foi usado por outro arquivo"
        )
    name = f" «{earlier.filename}»" if earlier.filename else ""
    raise Conflict(
        f"{what}: arquivo{name} de NSA {earlier.sequence}, importado em "
        f"{timezone.localtime(earlier.created_at):%d/%m/%Y %H:%M} (SHA-256 {earlier.sha256[:12]}…); "
        "nada foi aplicado de novo.",
        field="file",
        code=ErrorCode.DUPLICATE_FILE if same_file else ErrorCode.DUPLICATE_NSA,
    ) from cause


def _barcode_from(text: str) -> str:
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) == 48:
        problems = typeable_line_problems(digits)
        if problems:
            raise ValidationFailed(
                "Linha digitável inválida: " + "; ".join(problems) + ".",
                field="barcode",
                code=ErrorCode.INVALID,
            )
        return typeable_line_to_barcode(digits)
    problems = barcode_problems(digits)
    if problems:
        raise ValidationFailed(
            "Código de barras inválido: " + "; ".join(problems) + ".", field="barcode", code=ErrorCode.INVALID
        )
    return digits


def counter_agent() -> CollectingAgent:
    """The counter's collecting agent, created on first use; runs inside the caller's transaction."""
    agent: CollectingAgent
    agent, _ = CollectingAgent.objects.get_or_create(
        code=COUNTER_AGENT, defaults={"name": "Caixa da concessionária", "kind": CollectingAgent.Kind.COUNTER}
    )
    return agent


@transaction.atomic(durable=True)
def payment_register(
    *, actor: Actor, barcode: str, amount: Decimal, paid_on: dt.date, authentication: str = ""
) -> Payment:
    """Manual receipt at the counter. A person is there, so a payment that would need review is
    refused on the spot with its reason, and nothing is taken."""
    code = _barcode_from(barcode)
    agent = counter_agent()
    item = Incoming(code, amount, paid_on, paid_on, authentication=authentication)
    Bill.objects.select_for_update().filter(barcode=code).first()  # one counter at a time per bill
    (payment,) = payments_match(actor=actor, agent=agent, channel=Payment.Channel.COUNTER, items=[item])
    if payment.status != Payment.Status.APPLIED:  # raising rolls the payment back
        raise Conflict(
            f"Pagamento recusado: {payment.get_review_reason_display().lower()} ({payment.review_detail}).",
            field="barcode",
            # the reason it would have gone to review with
            code=ErrorCode.WRONG_AMOUNT
            if payment.review_reason == R.WRONG_AMOUNT
            else ErrorCode.CANCELLED
            if payment.review_reason == R.CANCELLED
            else ErrorCode.DUPLICATE
            if payment.review_reason == R.DUPLICATE
            else ErrorCode.IN_AGREEMENT
            if payment.review_reason == R.IN_AGREEMENT
            else ErrorCode.UNKNOWN,
        )
    audit_record(
        actor=actor,
        action="collection.payment_register",
        target=payment,
        after={"barcode": code, "amount": amount, "paid_on": paid_on},
    )
    return payment


@transaction.atomic(durable=True)
def payment_reverse(*, actor: Actor, payment_id: int, reason: str) -> Payment:
    """Estorno: the settlement is undone and the bills (or the document) are open again."""
    if not reason.strip():
        raise ValidationFailed("Informe o motivo do estorno.", field="reason", code=ErrorCode.INVALID)
    payment: Payment | None = Payment.objects.select_for_update().filter(pk=payment_id).first()
    if payment is None:
        raise NotFound("Pagamento não encontrado.", code=ErrorCode.PAYMENT_NOT_FOUND)
    if payment.status != Payment.Status.APPLIED:
        raise Conflict(
            f"Só um pagamento baixado pode ser estornado (situação: {payment.get_status_display()}).",
            field="status",
            code=ErrorCode.PAYMENT_NOT_APPLIED,
        )
    bill_ids = list(payment.settlements.filter(reversed=False).values_list("bill_id", flat=True))
    payment.settlements.update(reversed=True)
    Bill.objects.filter(id__in=bill_ids, status=BillStatus.PAID).update(status=BillStatus.RELEASED)
    if payment.document_id:
        PaymentDocument.objects.filter(pk=payment.document_id).update(status=PaymentDocument.Status.OPEN)
    payment.status = Payment.Status.REVERSED
    payment.resolved_by = actor.get_username()
    payment.resolved_at = timezone.now()
    payment.resolution = reason.strip()
    payment.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    audit_record(
        actor=actor,
        action="collection.payment_reverse",
        target=payment,
        before={"status": "applied", "bills": bill_ids},
        after={"status": "reversed"},
        reason=reason,
    )
    return payment


@transaction.atomic(durable=True)
def payment_review_resolve(*, actor: Actor, payment_id: int, action: str, reason: str) -> Payment:
    """Close a payment in review: `apply` settles its target after all (a person accepted the
    difference), `refund` marks it to be returned to the payer."""
    if action not in ("apply", "refund"):
        raise ValidationFailed(
            "Ação deve ser 'apply' (baixar) ou 'refund' (devolver).", field="action", code=ErrorCode.INVALID
        )
    if not reason.strip():
        raise ValidationFailed("Informe a justificativa.", field="reason", code=ErrorCode.INVALID)
    payment: Payment | None = Payment.objects.select_for_update().filter(pk=payment_id).first()
    if payment is None:
        raise NotFound("Pagamento não encontrado.", code=ErrorCode.PAYMENT_NOT_FOUND)
    if payment.status != Payment.Status.REVIEW:
        raise Conflict(
            "Este pagamento não está em análise.", field="status", code=ErrorCode.PAYMENT_NOT_IN_REVIEW
        )
    if action == "apply":
        _settle_reviewed(payment)
        payment.status = Payment.Status.APPLIED
    else:
        payment.status = Payment.Status.REFUND
    payment.resolved_by = actor.get_username()
    payment.resolved_at = timezone.now()
    payment.resolution = reason.strip()
    payment.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    audit_record(
        actor=actor,
        action="collection.payment_review_resolve",
        target=payment,
        after={"action": action, "review_reason": payment.review_reason},
        reason=reason,
    )
    if action == "apply" and payment.document_id:
        document_paid(payment.document, actor)
    if action == "apply":
        bills_paid(payment.settlements.filter(reversed=False).values_list("bill_id", flat=True), actor)
    return payment


def _settle_reviewed(payment: Payment) -> None:
    if payment.review_reason in (R.UNKNOWN, R.CANCELLED, R.DUPLICATE, R.IN_AGREEMENT):
        raise Conflict(
            f"Um pagamento com motivo '{payment.get_review_reason_display()}' não pode ser baixado; "
            "devolva-o.",
            field="action",
            code=ErrorCode.REFUND_ONLY,
        )
    if payment.bill_id:
        targets = [(payment.bill_id, payment.amount)]
    else:
        assert payment.document is not None
        targets = [(line.bill_id, line.total) for line in payment.document.lines.all()]
        PaymentDocument.objects.filter(pk=payment.document_id).update(status=PaymentDocument.Status.PAID)
    ids = [b for b, _ in targets]
    if Bill.objects.filter(id__in=ids).exclude(status=BillStatus.RELEASED).exists() or held_bills(ids):
        raise Conflict(
            "A fatura não está mais em aberto; devolva o pagamento.",
            field="action",
            code=ErrorCode.BILL_NOT_OPEN,
        )
    try:
        with transaction.atomic():
            Settlement.objects.bulk_create(
                Settlement(payment=payment, bill_id=b, amount=a, paid_on=payment.paid_on) for b, a in targets
            )
    except IntegrityError as exc:
        raise Conflict(
            "A fatura já foi paga; devolva o pagamento.", field="action", code=ErrorCode.BILL_ALREADY_PAID
        ) from exc
    Bill.objects.filter(id__in=ids).update(status=BillStatus.PAID)


def document_create(
    *,
    actor: Actor,
    property_id: int | None,
    kind: str,
    lines: Sequence[PricedBill],
    as_of: dt.date,
    valid_until: dt.date,
    amount: Decimal | None = None,
    source: str = "",
    source_id: str = "",
    customer_id: int | None = None,
) -> PaymentDocument:
    """A guia with its FEBRABAN barcode. `amount` defaults to the sum of the priced bills; a down
    payment carries its own amount and no bills. Runs inside the caller's transaction when there is one
    (debt's statements and agreements, the gateway's charge), else in its own."""
    total = amount if amount is not None else sum((line.total for line in lines), Decimal("0.00"))
    if total <= 0:
        raise ValidationFailed("Selecione ao menos um débito.", field="bills", code=ErrorCode.INVALID)
    if valid_until < as_of:
        raise ValidationFailed(
            "A validade não pode ser anterior à data de cálculo.", field="valid_until", code=ErrorCode.INVALID
        )
    with transaction.atomic():
        doc: PaymentDocument = PaymentDocument.objects.create(
            property_id=property_id,
            customer_id=customer_id,
            kind=kind,
            amount=total,
            valid_until=valid_until,
            as_of=as_of,
            source=source,
            source_id=source_id,
            created_by=actor.get_username(),
        )
        doc.barcode, doc.typeable_line = document_barcode(doc.pk, total, valid_until)
        doc.save(update_fields=["barcode", "typeable_line"])
        DocumentBill.objects.bulk_create(
            DocumentBill(
                document=doc,
                bill_id=line.bill_id,
                original=line.original,
                fine=line.fine,
                interest=line.interest,
                correction=line.correction,
                total=line.total,
            )
            for line in lines
        )
        audit_record(
            actor=actor,
            action="collection.document_create",
            target=doc,
            after={
                "kind": kind,
                "amount": total,
                "bills": [line.bill_id for line in lines],
                "valid_until": valid_until,
            },
        )
    return doc


@dataclass(frozen=True)
class DocumentRequest:
    """One guia of `documents_create_bulk`: its property, priced bills and source row."""

    property_id: int
    lines: Sequence[PricedBill]
    source_id: str


def documents_create_bulk(
    *,
    actor: Actor,
    kind: str,
    requests: Sequence[DocumentRequest],
    as_of: dt.date,
    valid_until: dt.date,
    source: str,
) -> list[PaymentDocument]:
    """Runs inside the caller's transaction: `document_create` for many guias of one kind, day and
    validity (the day's cut notices, ADR 0211) in a fixed number of statements whatever their
    number — the ids taken ahead (the barcode carries it), the rows, their bills — and one audit
    entry. Requests without a positive amount are skipped; the answer keeps the requests' order."""
    if valid_until < as_of:
        raise ValidationFailed(
            "A validade não pode ser anterior à data de cálculo.", field="valid_until", code=ErrorCode.INVALID
        )
    kept = [(r, sum((line.total for line in r.lines), Decimal("0.00"))) for r in requests]
    kept = [(r, total) for r, total in kept if total > 0]
    if not kept:
        return []
    user = actor.get_username()
    ids = allocate_ids(PaymentDocument, len(kept))  # the barcode carries the id: no insert-then-update
    docs = []
    for pk, (r, total) in zip(ids, kept, strict=True):
        barcode, typeable_line = document_barcode(pk, total, valid_until)
        docs.append(
            PaymentDocument(
                pk=pk,
                property_id=r.property_id,
                kind=kind,
                amount=total,
                barcode=barcode,
                typeable_line=typeable_line,
                valid_until=valid_until,
                as_of=as_of,
                source=source,
                source_id=r.source_id,
                created_by=user,
            )
        )
    copy_instances(PaymentDocument, docs)
    pairs = [(doc, line) for doc, (r, _) in zip(docs, kept, strict=True) for line in r.lines]
    copy_instances(
        DocumentBill,
        [
            DocumentBill(
                pk=pk,
                document_id=doc.pk,
                bill_id=line.bill_id,
                original=line.original,
                fine=line.fine,
                interest=line.interest,
                correction=line.correction,
                total=line.total,
            )
            for pk, (doc, line) in zip(allocate_ids(DocumentBill, len(pairs)), pairs, strict=True)
        ],
    )
    audit_record(
        actor=actor,
        action="collection.documents_create",
        object_type="collection.paymentdocument",
        after={
            "kind": kind,
            "source": source,
            "count": len(docs),
            "amount": sum((d.amount for d in docs), Decimal("0.00")),
            "first_id": docs[0].pk,
            "last_id": docs[-1].pk,
            "valid_until": valid_until,
        },
    )
    return docs


def document_cancel(*, actor: Actor, document: PaymentDocument, reason: str) -> None:
    """An open guia cancelled (a later payment of it goes to review); runs inside the caller's
    transaction when there is one (debt cancels an agreement's down payment), else in its own."""
    with transaction.atomic():
        updated = PaymentDocument.objects.filter(pk=document.pk, status=PaymentDocument.Status.OPEN).update(
            status=PaymentDocument.Status.CANCELLED
        )
        if updated:
            audit_record(actor=actor, action="collection.document_cancel", target=document, reason=reason)
