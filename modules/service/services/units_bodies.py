"""Customers served without a property and bodies that pay for many: the commercial customer with
its id and check digit (3.2.13.12.1), paying bodies (órgão centralizador/pagador, 3.2.13.10.15,
3.2.13.14–16) with their centralised properties and the centralised invoice of a month — one
payable document whose lines are the members' bills, which stay individual: paying the document
settles each bill at its own total through collection's matcher — and the standalone documents'
due-date change and cancellation (3.2.13.12.10, 3.2.13.16)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from modules.billing.domain.retention import Retention, RetentionRate, Sphere, retention
from modules.billing.models import Bill, BillStatus
from modules.collection.models import DocumentBill, PaymentDocument
from modules.collection.selectors import PricedBill
from modules.collection.services import document_cancel, document_create
from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.domain.money import Rounding, format_brl
from modules.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from modules.registry.domain.text import fold, only_digits
from modules.registry.models import Customer, Property
from modules.registry.numbering import next_base as next_account_base
from modules.registry.services.customers import customer_create_within

from ..errors import ErrorCode
from ..models import CentralizedInvoice, PayingBody, PayingBodyMember

STANDALONE_KINDS = (PaymentDocument.Kind.SERVICE_CHARGE, PaymentDocument.Kind.CENTRALIZED)


def number_lock(name: str) -> None:
    """Runs inside the caller's transaction: an advisory lock held to its end, so numbers are handed
    out one at a time within the schema."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || %s))", [name])


# --- commercial customers ------------------------------------------------------------------------


@transaction.atomic(durable=True)
def commercial_customer_register(*, actor: Actor, customer_id: int) -> Customer:
    """Give a customer its commercial-client id (the next base with a decimal check digit); a customer
    that already has one keeps it."""
    return _commercial_id_within(actor=actor, customer_id=customer_id)


COMMERCIAL_FIELDS = (
    "phone",
    "email",
    "mail_street",
    "mail_number",
    "mail_complement",
    "mail_neighbourhood",
    "mail_city",
    "mail_state",
    "mail_cep",
)


@transaction.atomic(durable=True)
def commercial_customer_create(*, actor: Actor, name: str, cpf_cnpj: str, **fields: Any) -> Customer:
    """3.2.13.12.1 in one step: a customer who is not in the registry yet (name, CPF/CNPJ with its
    check digits, address and phone) registered and given the commercial id in one unit of work; a
    refusal of either writes nothing."""
    if not (cpf_cnpj or "").strip():
        raise ValidationFailed(
            "Informe o CPF/CNPJ do cliente comercial.", field="cpf_cnpj", code=ErrorCode.INVALID
        )
    unknown = set(fields) - set(COMMERCIAL_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"Campo desconhecido: {sorted(unknown)[0]}.", field=sorted(unknown)[0], code=ErrorCode.INVALID
        )
    customer = customer_create_within(actor=actor, name=name, cpf_cnpj=cpf_cnpj, **fields)
    return _commercial_id_within(actor=actor, customer_id=customer.pk)


def _commercial_id_within(*, actor: Actor, customer_id: int) -> Customer:
    customer: Customer | None = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound("Cliente não encontrado.", field="customer", code=ErrorCode.CUSTOMER_NOT_FOUND)
    if customer.commercial_base is not None:
        return customer
    number_lock("registry.commercial_base")
    last = Customer.objects.aggregate(m=Max("commercial_base"))["m"] or 0
    customer.commercial_base = next_account_base(last)
    customer.save(update_fields=["commercial_base"])
    audit_record(
        actor=actor,
        action="service.commercial_customer",
        target=customer,
        after={"commercial_id": customer.commercial_id},
    )
    return customer


def commercial_customer_search(text: str, limit: int = 50) -> list[Customer]:
    """Fast lookup (3.2.13.12.2): the commercial id ("1234-5" or its base), a CPF/CNPJ, or a name
    (accent-insensitive, words in any order)."""
    from modules.registry.domain.account_number import InvalidAccountNumber
    from modules.registry.numbering import parse_account as parse_account_number

    qs = Customer.objects.filter(commercial_base__isnull=False).order_by("name", "id")
    text = (text or "").strip()
    if not text:
        return list(qs[:limit])
    try:
        base = parse_account_number(text)
    except InvalidAccountNumber:
        base = None
    digits = only_digits(text)
    if base is not None:
        found = list(qs.filter(commercial_base=base)[:limit])
        if found:
            return found
    if len(digits) in (11, 14) and digits == text.replace(".", "").replace("-", "").replace("/", ""):
        return list(qs.filter(cpf_cnpj=digits)[:limit])
    words = fold(text).split()
    for word in words:
        qs = qs.filter(name_search__contains=word)
    return list(qs[:limit])


# --- paying bodies --------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def paying_body_create(
    *,
    actor: Actor,
    name: str,
    cnpj: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    due_day: int = 10,
    federal_retention_percent: Decimal | None = None,
    municipal_retention_percent: Decimal | None = None,
) -> PayingBody:
    """A paying body numbered after the last one. A retention rate needs the body's CNPJ (400, naming
    the rate's field)."""
    if not name.strip():
        raise ValidationFailed("Informe o nome do órgão.", field="name", code=ErrorCode.INVALID)
    if not 1 <= due_day <= 28:
        raise ValidationFailed("O dia de vencimento vai de 1 a 28.", field="due_day", code=ErrorCode.INVALID)
    digits = only_digits(cnpj)
    if digits and len(digits) != 14:
        raise ValidationFailed("CNPJ deve ter 14 dígitos.", field="cnpj", code=ErrorCode.INVALID)
    _retention_check(digits, federal_retention_percent, municipal_retention_percent)
    number_lock("service.paying_body")
    code = (PayingBody.objects.aggregate(m=Max("code"))["m"] or 0) + 1
    body: PayingBody = PayingBody.objects.create(
        code=code,
        name=name.strip(),
        name_search=fold(name),
        cnpj=digits,
        email=email.strip(),
        phone=phone.strip(),
        address=address.strip(),
        due_day=due_day,
        federal_retention_percent=federal_retention_percent,
        municipal_retention_percent=municipal_retention_percent,
    )
    audit_record(
        actor=actor, action="service.paying_body_create", target=body, after={"code": code, "name": body.name}
    )
    return body


RETENTION_FIELDS = ("federal_retention_percent", "municipal_retention_percent")


def _retention_check(cnpj: str, federal: Decimal | None, municipal: Decimal | None) -> None:
    """Seed 001 3.2.7.10 (ADR 0221): a body withholds taxes under its CNPJ; rates from 0 to 100 %."""
    for name, rate in zip(RETENTION_FIELDS, (federal, municipal), strict=True):
        if rate is None:
            continue
        if not isinstance(rate, Decimal) or not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100):
            raise ValidationFailed(
                "A alíquota de retenção deve ficar entre 0 e 100 %.", field=name, code=ErrorCode.INVALID
            )
        if rate and not cnpj:
            raise ValidationFailed(
                "Órgão sem CNPJ não pode ter alíquota de retenção: informe o CNPJ do órgão antes.",
                field=name,
                code=ErrorCode.RETENTION_WITHOUT_CNPJ,
            )


@transaction.atomic(durable=True)
def paying_body_retention_set(
    *,
    actor: Actor,
    body_id: int,
    federal_retention_percent: Decimal | None,
    municipal_retention_percent: Decimal | None,
) -> PayingBody:
    """Change the body's retention rates (None: none). Refuses a rate for a body without a CNPJ."""
    body = paying_body_get(body_id)
    _retention_check(body.cnpj, federal_retention_percent, municipal_retention_percent)
    before = {name: getattr(body, name) for name in RETENTION_FIELDS}
    body.federal_retention_percent = federal_retention_percent
    body.municipal_retention_percent = municipal_retention_percent
    body.save(update_fields=list(RETENTION_FIELDS))
    audit_record(
        actor=actor,
        action="service.paying_body_retention_set",
        target=body,
        before=before,
        after={name: getattr(body, name) for name in RETENTION_FIELDS},
    )
    return body


def retention_of(body: PayingBody, bills: list[Bill]) -> Retention:
    """The retention of the body's grouped invoice over its members' bills (billing.domain.retention):
    the base leaves out the bills of properties whose usage plan is tax-exempt (S5.3-04)."""
    from modules.registry.models import PropertyCategory, UsagePlan

    exempt = set(
        PropertyCategory.objects.filter(
            property_id__in=[b.property_id for b in bills], usage_plan__tax_mode=UsagePlan.TaxMode.EXEMPT
        ).values_list("property_id", flat=True)
    )
    gross = sum((b.total for b in bills), Decimal("0.00"))
    base = sum((b.total for b in bills if b.property_id not in exempt), Decimal("0.00"))
    rates = [
        RetentionRate(Sphere.FEDERAL, body.federal_retention_percent or Decimal(0)),
        RetentionRate(Sphere.MUNICIPAL, body.municipal_retention_percent or Decimal(0)),
    ]
    return retention(gross, base, rates, _rounding(bills[0].reference if bills else None))


def _rounding(reference: dt.date | None) -> Rounding:
    """The tenant's rounding rule as its tariff in force for the month says (truncation without one)."""
    from modules.billing.services.tariffs import tariff_in_force

    if reference is None:
        return Rounding.TRUNCATE
    try:
        return Rounding(tariff_in_force(reference).rounding)
    except DomainError:  # no tariff in force for the month
        return Rounding.TRUNCATE


def paying_body_get(pk: int) -> PayingBody:
    body: PayingBody | None = PayingBody.objects.filter(pk=pk).first()
    if body is None:
        raise NotFound("Órgão pagador não encontrado.", field="body", code=ErrorCode.BODY_NOT_FOUND)
    return body


def paying_body_search(text: str, limit: int = 50) -> list[PayingBody]:
    """Lookup by code or name (3.2.13.14), accent-insensitive."""
    qs = PayingBody.objects.order_by("code")
    text = (text or "").strip()
    if text.isdigit():
        return list(qs.filter(code=int(text))[:limit])
    for word in fold(text).split():
        qs = qs.filter(name_search__contains=word)
    return list(qs[:limit])


@transaction.atomic(durable=True)
def paying_body_member_add(
    *, actor: Actor, body_id: int, account_number: str, start: dt.date
) -> PayingBodyMember:
    """Centralise a property under the body (3.2.13.10.15); a property is under one body at a time."""
    body = paying_body_get(body_id)
    prop = Property.objects.filter(account_number=account_number.strip()).first()
    if prop is None:
        raise NotFound(
            "Nenhum imóvel com esta matrícula.", field="account", code=ErrorCode.PROPERTY_NOT_FOUND
        )
    current = PayingBodyMember.objects.select_for_update().filter(property=prop, end__isnull=True).first()
    if current is not None:
        raise Conflict(
            f"O imóvel {prop.account_number} já está centralizado no órgão {current.body}.",
            field="account",
            code=ErrorCode.DUPLICATE,
        )
    member: PayingBodyMember = PayingBodyMember.objects.create(body=body, property=prop, start=start)
    audit_record(
        actor=actor,
        action="service.paying_body_member_add",
        target=body,
        after={"property": prop.account_number, "start": start},
    )
    return member


@transaction.atomic(durable=True)
def paying_body_member_end(*, actor: Actor, member_id: int, end: dt.date) -> PayingBodyMember:
    member: PayingBodyMember | None = (
        PayingBodyMember.objects.select_for_update()
        .select_related("property", "body")
        .filter(pk=member_id)
        .first()
    )
    if member is None or member.end is not None:
        raise NotFound("Centralização não encontrada.", field="member", code=ErrorCode.INVALID)
    if end < member.start:
        raise ValidationFailed("O fim não pode ser anterior ao início.", field="end", code=ErrorCode.INVALID)
    member.end = end
    member.save(update_fields=["end"])
    audit_record(
        actor=actor,
        action="service.paying_body_member_end",
        target=member.body,
        after={"property": member.property.account_number, "end": end},
    )
    return member


def member_bills(body: PayingBody, reference: dt.date) -> list[Bill]:
    """The open bills of `reference` of the properties centralised under the body in that month."""
    month_end = (reference.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    members = PayingBodyMember.objects.filter(body=body, start__lte=month_end).exclude(end__lt=reference)
    return list(
        Bill.objects.filter(
            property_id__in=members.values("property_id"), reference=reference, status=BillStatus.RELEASED
        )
        .select_related("property")
        .order_by("property__account_number", "id")
    )


def _priced(bills: list[Bill]) -> list[PricedBill]:
    zero = Decimal("0.00")
    return [
        PricedBill(
            bill_id=b.pk,
            reference=b.reference,
            due_date=b.due_date,
            original=b.total,
            fine=zero,
            interest=zero,
            correction=zero,
            days_late=0,
        )
        for b in bills
    ]


@transaction.atomic(durable=True)
def centralized_invoice_issue(
    *, actor: Actor, body_id: int, reference: dt.date, due_date: dt.date | None = None
) -> CentralizedInvoice:
    """The body's invoice of `reference` (3.2.13.16): one document summing its members' open bills of
    the month, each at its own total (no late charges: the body pays by its own due date)."""
    body = paying_body_get(body_id)
    reference = reference.replace(day=1)
    if CentralizedInvoice.objects.filter(body=body, reference=reference).exists():
        raise Conflict(
            f"O órgão já tem fatura centralizada de {reference:%m/%Y}.",
            field="reference",
            code=ErrorCode.DUPLICATE,
        )
    bills = member_bills(body, reference)
    if not bills:
        raise ValidationFailed(
            f"Nenhuma fatura em aberto dos imóveis centralizados em {reference:%m/%Y}.",
            field="reference",
            code=ErrorCode.NOTHING_TO_CENTRALIZE,
        )
    today = tenant_today()
    due = due_date or _next_due(today, body.due_day)
    _due_check(due, today)
    withheld = retention_of(body, bills)
    doc = document_create(
        actor=actor,
        property_id=None,
        kind=PaymentDocument.Kind.CENTRALIZED,
        lines=_priced(bills),
        as_of=today,
        valid_until=due,
        # the body pays the net; each bill is still settled at its own total (ADR 0221)
        amount=withheld.net,
        source="service.centralized_invoice",
        source_id=f"{body.pk}:{reference:%Y-%m}",
    )
    spheres = {line.sphere: line.amount for line in withheld.lines}
    invoice: CentralizedInvoice = CentralizedInvoice.objects.create(
        body=body,
        reference=reference,
        document=doc,
        due_date=due,
        created_at=timezone.now(),
        created_by=actor.get_username(),
        gross=withheld.gross,
        retention_base=withheld.lines[0].base if withheld.lines else Decimal("0.00"),
        federal_retention=spheres.get(Sphere.FEDERAL, Decimal("0.00")),
        municipal_retention=spheres.get(Sphere.MUNICIPAL, Decimal("0.00")),
        federal_rate=body.federal_retention_percent,
        municipal_rate=body.municipal_retention_percent,
    )
    audit_record(
        actor=actor,
        action="service.centralized_invoice_issue",
        target=invoice,
        after={
            "reference": f"{reference:%m/%Y}",
            "bills": len(bills),
            "total": f"R$ {format_brl(doc.amount)}",
        },
    )
    return invoice


def _next_due(today: dt.date, day: int) -> dt.date:
    candidate = today.replace(day=day)
    if candidate <= today:
        candidate = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=day)
    return candidate


def _due_check(due: dt.date, today: dt.date) -> None:
    if due < today:
        raise ValidationFailed(
            "O vencimento não pode ser anterior a hoje.", field="due_date", code=ErrorCode.INVALID
        )


def _reissue(actor: Actor, doc: PaymentDocument, due: dt.date, annotation: str) -> PaymentDocument:
    """Not durable: a payable document with a new due date replaces `doc` (its barcode carries the
    date, so the old one is cancelled and a payment of it goes to review)."""
    if doc.status != PaymentDocument.Status.OPEN:
        raise Conflict(
            f"O documento está {doc.get_status_display().lower()}: "
            "só um documento em aberto muda de vencimento.",
            field="status",
            code=ErrorCode.DOCUMENT_NOT_OPEN,
        )
    lines = [
        PricedBill(
            bill_id=line.bill_id,
            reference=line.bill.reference,
            due_date=line.bill.due_date,
            original=line.original,
            fine=line.fine,
            interest=line.interest,
            correction=line.correction,
            days_late=0,
        )
        for line in DocumentBill.objects.filter(document=doc).select_related("bill").order_by("id")
    ]
    document_cancel(actor=actor, document=doc, reason=f"Novo vencimento {due:%d/%m/%Y}: {annotation.strip()}")
    return document_create(
        actor=actor,
        property_id=doc.property_id,
        customer_id=doc.customer_id,
        kind=doc.kind,
        lines=lines,
        amount=doc.amount,  # a grouped invoice charges its net (ADR 0221), not the sum of its bills
        as_of=tenant_today(),
        valid_until=due,
        source=doc.source,
        source_id=doc.source_id,
    )


def _annotation(text: str) -> str:
    if not text.strip():
        raise ValidationFailed(
            "Informe a anotação da alteração.", field="annotation", code=ErrorCode.REASON_REQUIRED
        )
    return text.strip()


@transaction.atomic(durable=True)
def centralized_invoice_due_date_change(
    *, actor: Actor, invoice_id: int, due_date: dt.date, annotation: str
) -> CentralizedInvoice:
    note = _annotation(annotation)
    invoice: CentralizedInvoice | None = (
        CentralizedInvoice.objects.select_for_update()
        .select_related("document")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise NotFound("Fatura centralizada não encontrada.", field="invoice", code=ErrorCode.INVALID)
    _due_check(due_date, tenant_today())
    before = invoice.due_date
    invoice.document = _reissue(actor, invoice.document, due_date, note)
    invoice.due_date = due_date
    invoice.save(update_fields=["document", "due_date"])
    audit_record(
        actor=actor,
        action="service.document_due_date_change",
        target=invoice,
        before={"due_date": before},
        after={"due_date": due_date},
        reason=note,
    )
    return invoice


def _standalone(document_id: int) -> PaymentDocument:
    doc: PaymentDocument | None = (
        PaymentDocument.objects.select_for_update()
        .filter(pk=document_id, kind=PaymentDocument.Kind.SERVICE_CHARGE)
        .first()
    )
    if doc is None:
        raise NotFound("Documento de cobrança não encontrado.", field="document", code=ErrorCode.INVALID)
    return doc


@transaction.atomic(durable=True)
def standalone_due_date_change(
    *, actor: Actor, document_id: int, due_date: dt.date, annotation: str
) -> PaymentDocument:
    """A commercial customer's standalone charge with a new due date (3.2.13.12.10)."""
    note = _annotation(annotation)
    doc = _standalone(document_id)
    _due_check(due_date, tenant_today())
    new = _reissue(actor, doc, due_date, note)
    audit_record(
        actor=actor,
        action="service.document_due_date_change",
        target=new,
        before={"due_date": doc.valid_until, "document": doc.pk},
        after={"due_date": due_date, "document": new.pk},
        reason=note,
    )
    return new


@transaction.atomic(durable=True)
def standalone_cancel(*, actor: Actor, document_id: int, annotation: str) -> PaymentDocument:
    note = _annotation(annotation)
    doc = _standalone(document_id)
    if doc.status != PaymentDocument.Status.OPEN:
        raise Conflict(
            "Só um documento em aberto pode ser cancelado.", field="status", code=ErrorCode.DOCUMENT_NOT_OPEN
        )
    document_cancel(actor=actor, document=doc, reason=note)
    audit_record(actor=actor, action="service.document_cancel", target=doc, reason=note)
    doc.refresh_from_db()
    return doc


def customer_documents(customer_id: int) -> list[PaymentDocument]:
    return list(
        PaymentDocument.objects.filter(
            customer_id=customer_id, kind=PaymentDocument.Kind.SERVICE_CHARGE
        ).order_by("-created_at", "-id")
    )


def offsetting(documents: list[PaymentDocument]) -> dict[str, Any]:
    """Compensação de valores: what the customer paid that settled nothing (a cancelled document paid
    anyway, a payment to refund), against what is still open."""
    from modules.collection.models import Payment

    ids = [d.pk for d in documents]
    credits = list(
        Payment.objects.filter(
            document_id__in=ids, status__in=[Payment.Status.REVIEW, Payment.Status.REFUND]
        ).order_by("paid_on", "id")
    )
    open_total = sum(
        (d.amount for d in documents if d.status == PaymentDocument.Status.OPEN), Decimal("0.00")
    )
    credit_total = sum((p.amount for p in credits), Decimal("0.00"))
    return {
        "credits": credits,
        "credit_total": credit_total,
        "open_total": open_total,
        "balance": open_total - credit_total,
    }
