"""Every write of dívida ativa (seed 001 3.2.9.18; ADR 0198): the enrolment run that writes a book,
the notification and its receipt, the certidão de dívida ativa (CDA), installments and the
confession term over enrolled bills, excluding or reversing one line, filing a CDA in court, and the
parameters. Each is one durable transaction with its audit rows on the property (its history) and
an event on each line it touches (the line's timeline).

The enrolment feeds billing's legal processes: one process "inscrição em dívida ativa" per property
and book, linking the enrolled bills, so `legal_locks` keeps them from being cut, recalculated, or
copied by a profile without the privilege (ADR 0188); filing a CDA opens an "execução fiscal".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from modules.billing.models_legal import LegalProcess, ProcessKind
from modules.collection.models import PaymentDocument
from modules.collection.services import document_create
from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import current_tenant
from modules.common.domain.money import format_brl
from modules.common.errors import Conflict, NotFound, ValidationFailed, clean_or_fail

from . import active_debt_selectors as reads
from .domain import certificates as cert_rules
from .errors import ErrorCode
from .models import Agreement, Certificate
from .models_active_debt import (
    ActiveDebtBook,
    ActiveDebtCertificate,
    ActiveDebtEntry,
    ActiveDebtEvent,
    ActiveDebtNotice,
    ActiveDebtSettings,
    EntryStatus,
    EventKind,
    NoticeKind,
)
from .selectors import debt_position, statement_valid_until
from .services import agreement_sign

FUNCTION = "debt.active_debt"
SETTINGS_FIELDS = (
    "min_days_overdue",
    "min_amount",
    "lines_per_page",
    "notice_days",
    "legal_basis",
    "notice_text",
    "extrajudicial_text",
)


def _username(actor: Actor) -> str:
    return str(actor.get_username())


def _property_audit(actor: Actor, property_id: int, action: str, reason: str = "", **after: Any) -> None:
    """The row the property's history shows to the attendant. Runs inside the caller's transaction."""
    audit_record(
        actor=actor,
        action=action,
        object_type="registry.property",
        object_id=property_id,
        after=after,
        reason=reason,
    )


def _events(
    entries: list[ActiveDebtEntry], kind: str, on: dt.date, actor: Actor, detail: str = "", reason: str = ""
) -> None:
    ActiveDebtEvent.objects.bulk_create(
        ActiveDebtEvent(entry=e, kind=kind, on=on, detail=detail[:300], reason=reason, by=_username(actor))
        for e in entries
    )


def _reason(text: str) -> str:
    if not text.strip():
        raise ValidationFailed("Informe o motivo.", field="reason", code=ErrorCode.INVALID)
    return text.strip()


@transaction.atomic(durable=True)
def active_debt_settings_update(*, actor: Actor, **changes: Any) -> ActiveDebtSettings:
    """The criteria of the automatic enrolment and the words of the notifications, validated by the
    model's bounds, audited with before and after."""
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed(f"Parâmetro desconhecido: {name}.", field=name, code=ErrorCode.INVALID)
    ActiveDebtSettings.objects.get_or_create(pk=1)
    row: ActiveDebtSettings = ActiveDebtSettings.objects.select_for_update().get(pk=1)
    before = snapshot(row)
    for name, value in changes.items():
        setattr(row, name, value)
    clean_or_fail(row)
    row.save()
    audit_record(
        actor=actor, action="debt.active_debt_settings", target=row, before=before, after=snapshot(row)
    )
    return row


# --- the book (3.2.9.18.1, .2, .13, .15) ------------------------------------------------------


@transaction.atomic(durable=True)
def active_debt_enrol(*, actor: Actor, criteria: reads.Criteria, as_of: dt.date) -> ActiveDebtBook | None:
    """Enrol every eligible bill (see `eligible`) in a new book, numbered after the last one, its
    lines in book order, (folha, linha) from the settings' lines per page. None when nothing is
    eligible: a second run of the same criteria enrols nothing (the bills are on live lines), and two
    runs at once are serialised by the book table's lock (a bill is on one live line, by constraint)."""
    with connection.cursor() as cur:  # one run at a time: book numbers and lines stay gap-free
        cur.execute("LOCK TABLE debt_activedebtbook IN EXCLUSIVE MODE")
    preview = reads.eligible(criteria, as_of)
    if not preview.bills:
        return None
    lines_per_page = reads.active_debt_settings().lines_per_page
    number = (ActiveDebtBook.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    book: ActiveDebtBook = ActiveDebtBook.objects.create(
        number=number,
        as_of=as_of,
        due_from=criteria.due_from,
        due_to=criteria.due_to,
        criteria=criteria.as_json(),
        lines_per_page=lines_per_page,
        entries_count=preview.count,
        total=preview.amount,
        created_by=_username(actor),
    )
    entries = []
    for sequence, item in enumerate(preview.bills, start=1):
        page, line = reads.book_position(sequence, lines_per_page)
        p = item.priced
        entries.append(
            ActiveDebtEntry(
                book=book,
                sequence=sequence,
                page=page,
                line=line,
                property_id=item.property_id,
                bill_id=p.bill_id,
                debtor_name=item.debtor.name[:200],
                debtor_document=item.debtor.document,
                reference=p.reference,
                due_date=p.due_date,
                principal=p.original,
                fine=p.fine,
                interest=p.interest,
                correction=p.correction,
                total=p.total,
                enrolled_on=as_of,
            )
        )
    ActiveDebtEntry.objects.bulk_create(entries)
    by_property: dict[int, list[ActiveDebtEntry]] = defaultdict(list)
    for e in entries:
        by_property[e.property_id].append(e)
    for property_id, items in by_property.items():
        process = LegalProcess.objects.create(
            property_id=property_id,
            kind=ProcessKind.ACTIVE_DEBT,
            number=f"DA livro {book.number}",
            description=f"Inscrição em dívida ativa no livro {book.number} em {as_of:%d/%m/%Y}.",
            starts_on=as_of,
            created_by=f"sistema:dívida ativa ({_username(actor)})"[:150],
        )
        process.bills.set([e.bill_id for e in items])
        _events(items, EventKind.ENROLLED, as_of, actor, detail=f"livro {book.number}")
        _property_audit(
            actor,
            property_id,
            "debt.active_debt_enrol",
            book=book.number,
            lines=[f"folha {e.page}, linha {e.line}" for e in items],
            bills=[e.bill_id for e in items],
            total=sum((e.total for e in items), Decimal("0.00")),
        )
    audit_record(
        actor=actor,
        action="debt.active_debt_book",
        target=book,
        after={
            "number": book.number,
            "entries": book.entries_count,
            "total": book.total,
            **criteria.as_json(),
        },
    )
    return book


def _unlink(entry: ActiveDebtEntry, actor: Actor, why: str) -> None:
    """Take the bill out of its "inscrição em dívida ativa" process; a process left with no bill is
    closed the day before (a process without bills would cover every bill of the property). Runs
    inside the caller's transaction."""
    for process in LegalProcess.objects.select_for_update().filter(
        property_id=entry.property_id, kind=ProcessKind.ACTIVE_DEBT, bills=entry.bill_id, ends_on__isnull=True
    ):
        process.bills.remove(entry.bill_id)
        if not process.bills.exists():
            process.ends_on = entry.ended_on - dt.timedelta(days=1) if entry.ended_on else None
            process.closed_by = _username(actor)
            process.close_reason = why
            process.save(update_fields=["ends_on", "closed_by", "close_reason"])


def _end_entry(*, actor: Actor, entry_id: int, reason: str, today: dt.date, status: str) -> ActiveDebtEntry:
    reason = _reason(reason)
    entry: ActiveDebtEntry | None = (
        ActiveDebtEntry.objects.select_for_update().select_related("book").filter(pk=entry_id).first()
    )
    if entry is None:
        raise NotFound("Inscrição em dívida ativa não encontrada.", code=ErrorCode.ACTIVE_DEBT_NOT_FOUND)
    if entry.status != EntryStatus.LIVE:
        raise Conflict(
            f"A inscrição ({entry.location}) já está {entry.get_status_display().lower()}.",
            field="entry",
            code=ErrorCode.ACTIVE_DEBT_ENTRY_CLOSED,
        )
    if entry.cda_id is not None and entry.cda is not None and entry.cda.filed_on is not None:
        raise Conflict(
            f"A fatura está na CDA {entry.cda.number}, ajuizada: a exclusão depende do processo judicial.",
            field="entry",
            code=ErrorCode.CDA_FILED,
        )
    entry.status = status
    entry.ended_on = today
    entry.ended_by = _username(actor)
    entry.end_reason = reason
    entry.save(update_fields=["status", "ended_on", "ended_by", "end_reason"])
    label = "excluída da dívida ativa" if status == EntryStatus.REMOVED else "inscrição estornada"
    _unlink(entry, actor, f"{label}: {reason}")
    kind = EventKind.REMOVED if status == EntryStatus.REMOVED else EventKind.REVERSED
    _events([entry], kind, today, actor, detail=entry.location, reason=reason)
    _property_audit(
        actor,
        entry.property_id,
        "debt.active_debt_remove" if status == EntryStatus.REMOVED else "debt.active_debt_reverse",
        reason=reason,
        bill=entry.bill_id,
        line=entry.location,
    )
    return entry


@transaction.atomic(durable=True)
def active_debt_entry_remove(*, actor: Actor, entry_id: int, reason: str, today: dt.date) -> ActiveDebtEntry:
    """Exclude one bill from dívida ativa (3.2.9.18.11): the line stays in the book marked excluded
    with the reason and its author, the bill is an ordinary open debt again, and later runs leave it
    out (a deliberate exclusion)."""
    return _end_entry(actor=actor, entry_id=entry_id, reason=reason, today=today, status=EntryStatus.REMOVED)


@transaction.atomic(durable=True)
def active_debt_entry_reverse(*, actor: Actor, entry_id: int, reason: str, today: dt.date) -> ActiveDebtEntry:
    """Estorno of one line (3.2.9.18.6): enrolled by mistake or with a wrong amount. The line stays,
    marked reversed with the reason and its author; the bill may be enrolled again, on a new line of
    a later book (a correction is never an edit)."""
    return _end_entry(actor=actor, entry_id=entry_id, reason=reason, today=today, status=EntryStatus.REVERSED)


# --- notifications (3.2.9.18.3, .4, .12) -----------------------------------------------------


def _address(prop: Any) -> str:
    complement = f" – {prop.complement}" if prop.complement else ""
    return f"{prop.street}, {prop.number}{complement} · {prop.neighbourhood}"


def _priced_lines(property_id: int, entries: list[ActiveDebtEntry], as_of: dt.date) -> list[dict[str, Any]]:
    """The enrolled bills priced to `as_of` by the late-charge calculator (the same numbers as the
    debt position of that day)."""
    position = debt_position(property_id, as_of, [e.bill_id for e in entries])
    priced = {i.bill_id: i for i in position.items}
    lines = []
    for e in entries:
        p = priced.get(e.bill_id)
        if p is None:
            continue
        lines.append(
            {
                "entry_id": e.pk,
                "bill_id": e.bill_id,
                "book": e.book.number,
                "page": e.page,
                "line": e.line,
                "enrolled_on": e.enrolled_on.isoformat(),
                "reference": f"{e.reference:%m/%Y}",
                "due_date": e.due_date.isoformat(),
                "principal": str(p.original),
                "fine": str(p.fine),
                "interest": str(p.interest),
                "correction": str(p.correction),
                "total": str(p.total),
            }
        )
    return lines


def _sum(lines: list[dict[str, Any]], key: str) -> Decimal:
    return sum((Decimal(x[key]) for x in lines), Decimal("0.00"))


def _no_open(prop_id: int) -> Conflict:
    paid = [r for r in reads.property_entries(prop_id) if r.situation == "paid"]
    if paid:
        return Conflict(
            "As faturas inscritas em dívida ativa deste imóvel já estão pagas ("
            + ", ".join(f"{r.entry.reference:%m/%Y}" for r in paid)
            + "): não há débito a notificar ou certificar.",
            field="property",
            code=ErrorCode.ACTIVE_DEBT_ALREADY_PAID,
        )
    return Conflict(
        "O imóvel não tem faturas inscritas em dívida ativa em aberto.",
        field="property",
        code=ErrorCode.NO_OPEN_ACTIVE_DEBT,
    )


@transaction.atomic(durable=True)
def active_debt_notice_issue(
    *, actor: Actor, property_id: int, kind: str, as_of: dt.date
) -> ActiveDebtNotice:
    """The notification of the enrolment (or the extrajudicial one) to the property's debtor: owner,
    legal basis, the utility's text, every open enrolled bill updated to `as_of` with fine, interest
    and correction, and the deadline to pay. Stored as printed."""
    if kind not in NoticeKind.values:
        raise ValidationFailed("Tipo de notificação desconhecido.", field="kind", code=ErrorCode.INVALID)
    prop = reads.property_get(property_id)
    entries = reads.open_entries(property_id)
    if not entries:
        raise _no_open(property_id)
    settings = reads.active_debt_settings()
    lines = _priced_lines(property_id, entries, as_of)
    holder = reads.debtors([property_id]).get(property_id, reads.Debtor("", ""))
    tenant = current_tenant()
    deadline = as_of + dt.timedelta(days=settings.notice_days)
    notice: ActiveDebtNotice = ActiveDebtNotice.objects.create(
        kind=kind,
        property_id=property_id,
        issued_on=as_of,
        deadline=deadline,
        total=_sum(lines, "total"),
        statement={
            "utility": getattr(tenant, "legal_name", "") or getattr(tenant, "name", ""),
            "holder": holder.name,
            "holder_document": holder.document,
            "account_number": prop.account_number,
            "inscription": prop.inscription,
            "address": _address(prop),
            "legal_basis": settings.legal_basis,
            "text": settings.notice_text if kind == NoticeKind.NOTICE else settings.extrajudicial_text,
            "lines": lines,
            "totals": {
                k: str(_sum(lines, k)) for k in ("principal", "fine", "interest", "correction", "total")
            },
        },
        created_by=_username(actor),
    )
    notice.entries.set(entries)
    event = EventKind.NOTIFIED if kind == NoticeKind.NOTICE else EventKind.EXTRAJUDICIAL
    _events(entries, event, as_of, actor, detail=f"notificação {notice.number}")
    _property_audit(
        actor,
        property_id,
        "debt.active_debt_notice" if kind == NoticeKind.NOTICE else "debt.active_debt_extrajudicial",
        notice=notice.number,
        total=notice.total,
        deadline=deadline,
    )
    return notice


@transaction.atomic(durable=True)
def active_debt_notice_receipt(
    *, actor: Actor, notice_id: int, received_on: dt.date, today: dt.date
) -> ActiveDebtNotice:
    """The date the debtor received the notification (AR, signed copy): recorded once, between the
    issue and today. It unlocks the CDA (3.2.9.18.4, .5)."""
    notice: ActiveDebtNotice | None = (
        ActiveDebtNotice.objects.select_for_update().filter(pk=notice_id).first()
    )
    if notice is None:
        raise NotFound("Notificação não encontrada.", code=ErrorCode.ACTIVE_DEBT_NOT_FOUND)
    if notice.received_on is not None:
        raise Conflict(
            f"O recebimento desta notificação já foi registrado em {notice.received_on:%d/%m/%Y}.",
            field="received_on",
            code=ErrorCode.NOTICE_ALREADY_RECEIVED,
        )
    if not notice.issued_on <= received_on <= today:
        raise ValidationFailed(
            f"A data de recebimento deve estar entre a emissão ({notice.issued_on:%d/%m/%Y}) e hoje "
            f"({today:%d/%m/%Y}).",
            field="received_on",
            code=ErrorCode.INVALID,
        )
    notice.received_on = received_on
    notice.receipt_by = _username(actor)
    notice.save(update_fields=["received_on", "receipt_by"])
    _events(
        list(notice.entries.all()),
        EventKind.NOTICE_RECEIVED,
        received_on,
        actor,
        detail=f"notificação {notice.number}",
    )
    _property_audit(
        actor,
        notice.property_id,
        "debt.active_debt_notice_receipt",
        notice=notice.number,
        received_on=received_on,
    )
    return notice


# --- the certificate (3.2.9.18.5, .13) and what is done on it (.7, .14, .15) --------------------


@transaction.atomic(durable=True)
def active_debt_certificate_issue(*, actor: Actor, property_id: int, as_of: dt.date) -> ActiveDebtCertificate:
    """The CDA of the property's open enrolled bills that a received notification covered and no CDA
    holds yet, updated to `as_of`, numbered per year, with an authentication code the public page
    checks. Refused (pt-BR) when the bills are paid, or before the notification's receipt."""
    prop = reads.property_get(property_id)
    entries = [e for e in reads.open_entries(property_id) if e.cda_id is None]
    if not entries:
        raise _no_open(property_id)
    received = set(
        ActiveDebtNotice.entries.through.objects.filter(
            activedebtentry_id__in=[e.pk for e in entries],
            activedebtnotice__kind=NoticeKind.NOTICE,
            activedebtnotice__received_on__isnull=False,
        ).values_list("activedebtentry_id", flat=True)
    )
    entries = [e for e in entries if e.pk in received]
    if not entries:
        raise Conflict(
            "A certidão de dívida ativa só é emitida depois que o devedor recebe a notificação: emita a "
            "notificação e registre a data de recebimento.",
            field="notice",
            code=ErrorCode.NOTICE_NOT_RECEIVED,
        )
    notice = (
        ActiveDebtNotice.objects.filter(
            entries__in=entries, kind=NoticeKind.NOTICE, received_on__isnull=False
        )
        .order_by("-received_on", "-id")
        .first()
    )
    assert notice is not None  # the entries above came from such a notice
    lines = _priced_lines(property_id, entries, as_of)
    with connection.cursor() as cur:
        cur.execute("LOCK TABLE debt_activedebtcertificate IN EXCLUSIVE MODE")
    sequence = (
        ActiveDebtCertificate.objects.filter(year=as_of.year).aggregate(n=Max("sequence"))["n"] or 0
    ) + 1
    holder = reads.debtors([property_id]).get(property_id, reads.Debtor("", ""))
    settings = reads.active_debt_settings()
    tenant = current_tenant()
    total = _sum(lines, "total")
    principal = _sum(lines, "principal")
    number = f"{sequence:06d}/{as_of.year}"
    books = sorted({(x["book"], x["page"]) for x in lines})
    where = "; ".join(f"livro {b}, folha {p}" for b, p in books)
    certificate = Certificate.objects.create(
        code=cert_rules.new_authentication_code(),
        kind=Certificate.Kind.ACTIVE_DEBT,
        property=prop,
        issued_on=as_of,
        valid_until=None,
        statement={
            "utility": getattr(tenant, "legal_name", "") or getattr(tenant, "name", ""),
            "kind": f"Certidão de dívida ativa nº {number}",
            "account_number": prop.account_number,
            "inscription": prop.inscription,
            "address": _address(prop),
            "holder": holder.name,
            "reason": f"Débito inscrito em dívida ativa ({where}): {len(lines)} fatura(s), valor atualizado "
            f"em {as_of:%d/%m/%Y} de R$ {format_brl(total)}.",
        },
        issued_by=_username(actor),
    )
    cda: ActiveDebtCertificate = ActiveDebtCertificate.objects.create(
        year=as_of.year,
        sequence=sequence,
        property_id=property_id,
        certificate=certificate,
        notice=notice,
        issued_on=as_of,
        principal=principal,
        charges=total - principal,
        total=total,
        statement={
            "utility": certificate.statement["utility"],
            "utility_cnpj": getattr(tenant, "cnpj", "") or "",
            "holder": holder.name,
            "holder_document": holder.document,
            "account_number": prop.account_number,
            "inscription": prop.inscription,
            "address": _address(prop),
            "legal_basis": settings.legal_basis,
            "origin": "Tarifas dos serviços públicos de abastecimento de água e esgotamento sanitário "
            "(faturas vencidas e não pagas).",
            "notice": {
                "number": notice.number,
                "issued_on": notice.issued_on.isoformat(),
                "received_on": notice.received_on.isoformat() if notice.received_on else "",
            },
            "lines": lines,
            "totals": {
                k: str(_sum(lines, k)) for k in ("principal", "fine", "interest", "correction", "total")
            },
        },
        created_by=_username(actor),
    )
    ActiveDebtEntry.objects.filter(pk__in=[e.pk for e in entries]).update(cda=cda)
    _events(entries, EventKind.CERTIFIED, as_of, actor, detail=f"CDA {cda.number}")
    audit_record(
        actor=actor,
        action="debt.certificate_issue",
        target=certificate,
        after={"kind": certificate.kind, "code": certificate.code, "cda": cda.number},
    )
    _property_audit(
        actor, property_id, "debt.active_debt_certificate", cda=cda.number, code=certificate.code, total=total
    )
    return cda


def _cda_for_update(cda_id: int) -> ActiveDebtCertificate:
    cda: ActiveDebtCertificate | None = (
        ActiveDebtCertificate.objects.select_for_update().filter(pk=cda_id).first()
    )
    if cda is None:
        raise NotFound("Certidão de dívida ativa não encontrada.", code=ErrorCode.ACTIVE_DEBT_NOT_FOUND)
    return cda


@transaction.atomic(durable=True)
def active_debt_installments_create(
    *, actor: Actor, cda_id: int, down_payment: Decimal, count: int, as_of: dt.date
) -> Agreement:
    """Installments over the CDA's open bills (3.2.9.18.7, .14), under the installment policy in force
    (its limits, rates and authorisations), signed by whoever holds the active-debt function. The
    agreement is linked to the CDA; the CDA's balance then follows the paid installments."""
    cda = _cda_for_update(cda_id)
    if cda.filed_on is not None:
        raise Conflict(
            f"A CDA {cda.number} foi ajuizada em {cda.filed_on:%d/%m/%Y}: o parcelamento é feito no processo "
            "judicial.",
            field="cda",
            code=ErrorCode.CDA_FILED,
        )
    if cda.agreement is not None and cda.agreement.status in reads.LIVE_AGREEMENT:
        raise Conflict(
            f"A CDA {cda.number} já tem o parcelamento {cda.agreement.number} em andamento.",
            field="cda",
            code=ErrorCode.CDA_HAS_AGREEMENT,
        )
    bills = list(cda.entries.filter(status=EntryStatus.LIVE).values_list("bill_id", flat=True))
    if not bills:
        raise _no_open(cda.property_id)
    agreement = agreement_sign(
        actor=actor,
        property_id=cda.property_id,
        down_payment=down_payment,
        count=count,
        as_of=as_of,
        bill_ids=bills,
        lock_allowed=True,
    )
    cda.agreement = agreement
    cda.save(update_fields=["agreement"])
    entries = list(cda.entries.filter(bill_id__in=[b.bill_id for b in agreement.bills.all()]))
    _events(entries, EventKind.INSTALLMENTS, as_of, actor, detail=f"parcelamento {agreement.number}")
    _property_audit(
        actor,
        cda.property_id,
        "debt.active_debt_installments",
        cda=cda.number,
        agreement=agreement.number,
        total=agreement.total,
        count=count,
    )
    return agreement


@transaction.atomic(durable=True)
def active_debt_confession_issue(*, actor: Actor, property_id: int, as_of: dt.date) -> PaymentDocument:
    """Termo de confissão de dívida (3.2.9.18.8): the debtor acknowledges the open enrolled bills and
    pays them with one barcode (valid for the statement's validity); paying it settles those bills
    like any statement (3.2.8.7)."""
    reads.property_get(property_id)
    entries = reads.open_entries(property_id)
    if not entries:
        raise _no_open(property_id)
    valid_until = statement_valid_until(as_of)
    position = debt_position(property_id, valid_until, [e.bill_id for e in entries])
    if not position.items:
        raise _no_open(property_id)
    document = document_create(
        actor=actor,
        property_id=property_id,
        kind=PaymentDocument.Kind.STATEMENT,
        lines=position.items,
        as_of=as_of,
        valid_until=valid_until,
        source="debt.active_debt_confession",
        source_id=str(property_id),
    )
    on_document = {i.bill_id for i in position.items}
    _events(
        [e for e in entries if e.bill_id in on_document],
        EventKind.CONFESSION,
        as_of,
        actor,
        detail=f"termo {document.pk}",
    )
    _property_audit(
        actor,
        property_id,
        "debt.active_debt_confession",
        document=document.pk,
        total=document.amount,
        valid_until=valid_until,
    )
    return document


@transaction.atomic(durable=True)
def active_debt_certificate_file(
    *, actor: Actor, cda_id: int, court_number: str, filed_on: dt.date, today: dt.date
) -> ActiveDebtCertificate:
    """The CDA was filed in court (ajuizada, 3.2.9.18.15): its lines become "ajuizada" (later books
    never take those bills again) and an "execução fiscal" process opens on the property with the
    bills, so the legal locks follow the court's case."""
    court_number = court_number.strip()
    if not court_number:
        raise ValidationFailed(
            "Informe o número do processo judicial.", field="court_number", code=ErrorCode.INVALID
        )
    cda = _cda_for_update(cda_id)
    if cda.filed_on is not None:
        raise Conflict(
            f"A CDA {cda.number} já foi ajuizada em {cda.filed_on:%d/%m/%Y} (processo {cda.court_number}).",
            field="cda",
            code=ErrorCode.CDA_FILED,
        )
    if not cda.issued_on <= filed_on <= today:
        raise ValidationFailed(
            f"A data do ajuizamento deve estar entre a emissão da CDA ({cda.issued_on:%d/%m/%Y}) e hoje.",
            field="filed_on",
            code=ErrorCode.INVALID,
        )
    entries = list(cda.entries.filter(status=EntryStatus.LIVE))
    open_ids = {r.entry.pk for r in reads.entry_rows(cda.entries.filter(status=EntryStatus.LIVE)) if r.open}
    entries = [e for e in entries if e.pk in open_ids]
    if not entries:
        raise _no_open(cda.property_id)
    cda.filed_on = filed_on
    cda.court_number = court_number[:60]
    cda.filed_by = _username(actor)
    cda.save(update_fields=["filed_on", "court_number", "filed_by"])
    ActiveDebtEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        status=EntryStatus.FILED,
        ended_on=filed_on,
        ended_by=_username(actor),
        end_reason=f"processo {court_number}",
    )
    process = LegalProcess.objects.create(
        property_id=cda.property_id,
        kind=ProcessKind.TAX_ENFORCEMENT,
        number=court_number[:60],
        description=f"Execução fiscal da CDA {cda.number}.",
        starts_on=filed_on,
        created_by=_username(actor),
    )
    process.bills.set([e.bill_id for e in entries])
    _events(entries, EventKind.FILED, filed_on, actor, detail=f"processo {court_number}")
    _property_audit(
        actor,
        cda.property_id,
        "debt.active_debt_filed",
        cda=cda.number,
        court_number=court_number,
        filed_on=filed_on,
    )
    return cda
