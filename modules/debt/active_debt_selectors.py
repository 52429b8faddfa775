"""Reads of dívida ativa (seed 001 3.2.9.18; ADR 0198): which overdue bills a run would enrol, the
entries of a property with their situation and step timeline, a CDA's balance, the reports of what
was enrolled, paid and reversed in a period, and the rows the municipality's attorney files."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from modules.billing.legal import legal_locks_for, properties_with_locks
from modules.billing.models import Bill, BillStatus
from modules.billing.selectors import HELD_BILLS
from modules.collection.models import Settlement
from modules.collection.policies import late_charge_rule
from modules.collection.selectors import PricedBill, card_review_bills, price_bill, without_fine
from modules.common.errors import NotFound, ValidationFailed
from modules.registry.models import Property, PropertyRelation

from .errors import ErrorCode
from .models import Agreement, AgreementBill
from .models_active_debt import (
    ActiveDebtBook,
    ActiveDebtCertificate,
    ActiveDebtEntry,
    ActiveDebtEvent,
    ActiveDebtNotice,
    ActiveDebtSettings,
    EntryStatus,
)

ZERO = Decimal("0.00")
# a bill on one of these lines is never enrolled again: live, court-filed, or deliberately excluded
# (3.2.9.18.11, .15). A reversed line (estorno: enrolled by mistake) frees the bill for a new line.
BARRED = (EntryStatus.LIVE, EntryStatus.FILED, EntryStatus.REMOVED)
LIVE_AGREEMENT = (Agreement.Status.AWAITING_DOWN_PAYMENT, Agreement.Status.ACTIVE)


def active_debt_settings() -> ActiveDebtSettings:
    return ActiveDebtSettings.current()


@dataclass(frozen=True)
class Criteria:
    """What a run enrols: bills due in [due_from, due_to], overdue for at least `min_days_overdue`
    days on the run's date, of properties owing at least `min_amount` in them; optionally only one
    neighbourhood."""

    due_from: dt.date
    due_to: dt.date
    min_days_overdue: int
    min_amount: Decimal
    neighbourhood_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "due_from": self.due_from.isoformat(),
            "due_to": self.due_to.isoformat(),
            "min_days_overdue": self.min_days_overdue,
            "min_amount": str(self.min_amount),
            "neighbourhood": self.neighbourhood_id,
        }

    def check(self) -> None:
        if self.due_to < self.due_from:
            raise ValidationFailed(
                f"O fim do período ({self.due_to:%d/%m/%Y}) não pode ser anterior ao início "
                f"({self.due_from:%d/%m/%Y}).",
                field="due_to",
                code=ErrorCode.INVALID,
            )


def default_criteria(as_of: dt.date) -> Criteria:
    """The settings' criteria over every due date up to the overdue limit (the ladder's run)."""
    s = active_debt_settings()
    return Criteria(
        due_from=dt.date(2000, 1, 1),
        due_to=as_of - dt.timedelta(days=s.min_days_overdue),
        min_days_overdue=s.min_days_overdue,
        min_amount=Decimal(s.min_amount),
    )


@dataclass(frozen=True)
class Debtor:
    name: str
    document: str


@dataclass(frozen=True)
class EligibleBill:
    property_id: int
    account_number: str
    debtor: Debtor
    priced: PricedBill

    @property
    def charges(self) -> Decimal:
        return self.priced.total - self.priced.original


@dataclass(frozen=True)
class Preview:
    as_of: dt.date
    criteria: Criteria
    bills: tuple[EligibleBill, ...]

    @property
    def count(self) -> int:
        return len(self.bills)

    @property
    def amount(self) -> Decimal:
        return sum((b.priced.total for b in self.bills), ZERO)

    @property
    def properties(self) -> int:
        return len({b.property_id for b in self.bills})


def debtors(property_ids: list[int]) -> dict[int, Debtor]:
    """The current holder of each property (the role order puts the owner first), one query."""
    found: dict[int, Debtor] = {}
    for rel in (
        PropertyRelation.objects.filter(property_id__in=property_ids, end__isnull=True)
        .select_related("customer")
        .order_by("property_id", "role", "id")
    ):
        found.setdefault(rel.property_id, Debtor(rel.customer.name, rel.customer.cpf_cnpj or ""))
    return found


def eligible(criteria: Criteria, as_of: dt.date) -> Preview:
    """The bills a run on `as_of` would enrol, in book order: by property (matrícula), each
    property's bills by due date (3.2.9.18.2). Skipped: bills paid, cancelled, held (payment proven,
    proceeding), in a live agreement, handed to a card operator, covered by a legal process in force
    (including an execução fiscal: ajuizadas stay out, 3.2.9.18.15), or already on a live, filed or
    excluded line."""
    criteria.check()
    last_due = min(criteria.due_to, as_of - dt.timedelta(days=criteria.min_days_overdue))
    bills = (
        Bill.objects.filter(
            status=BillStatus.RELEASED, due_date__gte=criteria.due_from, due_date__lte=last_due
        )
        .exclude(HELD_BILLS)
        .exclude(pk__in=AgreementBill.objects.filter(active=True).values("bill_id"))
        .exclude(pk__in=ActiveDebtEntry.objects.filter(status__in=BARRED).values("bill_id"))
    )
    if criteria.neighbourhood_id is not None:
        bills = bills.filter(property__neighbourhood_id=criteria.neighbourhood_id)
    rows = list(
        bills.order_by("property__account_number", "due_date", "id").values_list(
            "id", "property_id", "property__account_number", "reference", "due_date", "total"
        )
    )
    review = card_review_bills(bill_ids=[r[0] for r in rows]) if rows else {}
    locked = properties_with_locks(as_of) & {r[1] for r in rows}
    locks = legal_locks_for(locked, as_of) if locked else {}
    rule = late_charge_rule(as_of)
    holders = debtors(sorted({r[1] for r in rows}))
    per_property: dict[int, list[EligibleBill]] = defaultdict(list)
    for bill_id, property_id, account, reference, due, total in rows:
        lock = locks.get(property_id)
        if bill_id in review or (lock is not None and lock.process_over(bill_id) is not None):
            continue
        priced = price_bill(bill_id, reference, due, total, as_of, rule)
        if lock is not None and lock.no_fine:
            priced = without_fine(priced)
        per_property[property_id].append(
            EligibleBill(property_id, account, holders.get(property_id, Debtor("", "")), priced)
        )
    chosen = tuple(
        b
        for items in per_property.values()
        if sum((i.priced.total for i in items), ZERO) >= criteria.min_amount
        for b in items
    )
    return Preview(as_of, criteria, chosen)


def book_position(sequence: int, lines_per_page: int) -> tuple[int, int]:
    """(folha, linha) of the `sequence`-th line of a book (1-based), pages of `lines_per_page`."""
    return (sequence - 1) // lines_per_page + 1, (sequence - 1) % lines_per_page + 1


def books() -> QuerySet[ActiveDebtBook]:
    return ActiveDebtBook.objects.order_by("-number")


def book_get(pk: int) -> ActiveDebtBook:
    book: ActiveDebtBook | None = ActiveDebtBook.objects.filter(pk=pk).first()
    if book is None:
        raise NotFound("Livro da dívida ativa não encontrado.", code=ErrorCode.ACTIVE_DEBT_NOT_FOUND)
    return book


@dataclass(frozen=True)
class EntryRow:
    entry: ActiveDebtEntry
    situation: str  # live, paid, installments, removed, reversed, filed
    label: str
    events: tuple[ActiveDebtEvent, ...]

    @property
    def open(self) -> bool:
        return self.situation == "live"


SITUATION_LABELS = {
    "live": "Inscrita",
    "paid": "Paga",
    "installments": "Em parcelamento na dívida ativa",
    "removed": "Excluída",
    "reversed": "Estornada",
    "filed": "Ajuizada",
}


def entry_rows(entries: QuerySet[ActiveDebtEntry]) -> list[EntryRow]:
    """Each entry with its situation, read where it lives: a paid bill is paid, a bill in a live
    agreement is in installments; otherwise the line's own status."""
    items = list(
        entries.select_related("book", "bill", "cda").prefetch_related(
            Prefetch("events", queryset=ActiveDebtEvent.objects.order_by("at", "id"))
        )
    )
    in_agreement = set(
        AgreementBill.objects.filter(bill_id__in=[e.bill_id for e in items], active=True).values_list(
            "bill_id", flat=True
        )
    )
    rows = []
    for e in items:
        situation = str(e.status)
        if e.status == EntryStatus.LIVE:
            if e.bill.status == BillStatus.PAID:
                situation = "paid"
            elif e.bill_id in in_agreement:
                situation = "installments"
        rows.append(EntryRow(e, situation, SITUATION_LABELS[situation], tuple(e.events.all())))
    return rows


def property_entries(property_id: int) -> list[EntryRow]:
    return entry_rows(ActiveDebtEntry.objects.filter(property_id=property_id).order_by("due_date", "id"))


def open_entries(property_id: int) -> list[ActiveDebtEntry]:
    """The property's live lines whose bill is still owed and not in installments."""
    return [r.entry for r in property_entries(property_id) if r.open]


def property_notices(property_id: int) -> list[ActiveDebtNotice]:
    return list(ActiveDebtNotice.objects.filter(property_id=property_id).order_by("-created_at"))


def property_certificates(property_id: int) -> list[ActiveDebtCertificate]:
    return list(
        ActiveDebtCertificate.objects.filter(property_id=property_id)
        .select_related("certificate", "agreement", "notice")
        .order_by("-created_at")
    )


def notice_get(pk: int) -> ActiveDebtNotice:
    notice: ActiveDebtNotice | None = (
        ActiveDebtNotice.objects.select_related("property").filter(pk=pk).first()
    )
    if notice is None:
        raise NotFound("Notificação não encontrada.", code=ErrorCode.ACTIVE_DEBT_NOT_FOUND)
    return notice


def cda_get(pk: int) -> ActiveDebtCertificate:
    cda: ActiveDebtCertificate | None = (
        ActiveDebtCertificate.objects.select_related("certificate", "property", "agreement", "notice")
        .filter(pk=pk)
        .first()
    )
    if cda is None:
        raise NotFound("Certidão de dívida ativa não encontrada.", code=ErrorCode.ACTIVE_DEBT_NOT_FOUND)
    return cda


def entry_get(pk: int) -> ActiveDebtEntry:
    entry: ActiveDebtEntry | None = ActiveDebtEntry.objects.select_related("book").filter(pk=pk).first()
    if entry is None:
        raise NotFound("Inscrição em dívida ativa não encontrada.", code=ErrorCode.ACTIVE_DEBT_NOT_FOUND)
    return entry


def cda_balance(cda: ActiveDebtCertificate) -> Decimal:
    """What is still owed on the CDA (3.2.9.18.14). Without installments: the certified total of its
    bills not yet paid. With them: the plan's balance after the last paid installment (the down
    payment counts once its guia is paid), so the balance falls as the installments are paid."""
    from .selectors import installment_states

    agreement = cda.agreement
    if agreement is None or agreement.status == Agreement.Status.CANCELLED:
        lines = cda.statement.get("lines", [])
        paid = set(
            Bill.objects.filter(
                pk__in=[int(x["bill_id"]) for x in lines], status=BillStatus.PAID
            ).values_list("pk", flat=True)
        )
        return sum((Decimal(x["total"]) for x in lines if int(x["bill_id"]) not in paid), ZERO)
    if agreement.status == Agreement.Status.COMPLETED:
        return ZERO
    balance = Decimal(agreement.total)
    if agreement.status == Agreement.Status.ACTIVE:
        balance -= Decimal(agreement.down_payment)
    for state in installment_states(agreement):
        if state.paid:
            balance = min(balance, Decimal(state.installment.balance))
    return balance


# --- reports (3.2.9.18.9, .10) and the reversals -------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    on: dt.date
    book: int
    page: int
    line: int
    account_number: str
    debtor: str
    reference: dt.date
    amount: Decimal
    detail: str


REPORTS = {
    "enrolled": "Valores inscritos",
    "paid": "Pagamentos de faturas inscritas",
    "reversed": "Exclusões e estornos",
}


def report(kind: str, start: dt.date, end: dt.date) -> list[ReportRow]:
    """Rows of a period, by date: what was enrolled (the enrolled total), what was paid on enrolled
    bills (the settlement's amount and date), and the lines excluded or reversed (with the reason)."""
    if kind not in REPORTS:
        raise ValidationFailed("Relatório desconhecido.", field="kind", code=ErrorCode.INVALID)
    if end < start:
        raise ValidationFailed("O fim do período é anterior ao início.", field="end", code=ErrorCode.INVALID)
    entries = ActiveDebtEntry.objects.select_related("book", "property")
    if kind == "enrolled":
        return [
            ReportRow(
                e.enrolled_on,
                e.book.number,
                e.page,
                e.line,
                e.property.account_number,
                e.debtor_name,
                e.reference,
                e.total,
                "",
            )
            for e in entries.filter(enrolled_on__range=(start, end)).order_by(
                "enrolled_on", "book__number", "sequence"
            )
        ]
    if kind == "reversed":
        return [
            ReportRow(
                e.ended_on or e.enrolled_on,
                e.book.number,
                e.page,
                e.line,
                e.property.account_number,
                e.debtor_name,
                e.reference,
                e.total,
                f"{e.get_status_display()}: {e.end_reason} ({e.ended_by})",
            )
            for e in entries.filter(
                status__in=[EntryStatus.REMOVED, EntryStatus.REVERSED], ended_on__range=(start, end)
            ).order_by("ended_on", "book__number", "sequence")
        ]
    settled = {
        s.bill_id: s
        for s in Settlement.objects.filter(
            reversed=False, paid_on__range=(start, end), bill_id__in=entries.values("bill_id")
        )
    }
    return sorted(
        (
            ReportRow(
                settled[e.bill_id].paid_on,
                e.book.number,
                e.page,
                e.line,
                e.property.account_number,
                e.debtor_name,
                e.reference,
                Decimal(settled[e.bill_id].amount),
                f"inscrita por R$ {e.total}",
            )
            for e in entries.filter(bill_id__in=list(settled)).exclude(status=EntryStatus.REVERSED)
        ),
        key=lambda r: (r.on, r.book, r.page, r.line),
    )


def report_total(rows: list[ReportRow]) -> Decimal:
    return sum((r.amount for r in rows), ZERO)


def filed_certificates() -> list[ActiveDebtCertificate]:
    """The CDAs filed in court (3.2.9.18.15): they stay visible, their bills out of later books."""
    return list(
        ActiveDebtCertificate.objects.filter(filed_on__isnull=False)
        .select_related("property", "certificate")
        .order_by("-filed_on", "-id")
    )


# the attorney's file (docs/active-debt-export.md): one row per bill of each CDA not yet filed
EXPORT_COLUMNS = (
    "cda_numero",
    "cda_emitida_em",
    "codigo_autenticacao",
    "livro",
    "folha",
    "linha",
    "inscrita_em",
    "devedor_nome",
    "devedor_cpf_cnpj",
    "matricula",
    "endereco",
    "referencia",
    "vencimento",
    "principal",
    "multa",
    "juros",
    "correcao",
    "total_atualizado",
    "notificacao_numero",
    "notificacao_recebida_em",
    "saldo_cda",
    "fundamentacao_legal",
)


def attorney_rows(include_filed: bool = False) -> list[dict[str, str]]:
    cdas = ActiveDebtCertificate.objects.select_related("certificate", "notice", "agreement").order_by(
        "year", "sequence"
    )
    if not include_filed:
        cdas = cdas.filter(filed_on__isnull=True)
    rows = []
    for cda in cdas:
        s = cda.statement
        balance = cda_balance(cda)
        for line in s.get("lines", []):
            rows.append(
                {
                    "cda_numero": cda.number,
                    "cda_emitida_em": cda.issued_on.isoformat(),
                    "codigo_autenticacao": cda.certificate.code,
                    "livro": str(line["book"]),
                    "folha": str(line["page"]),
                    "linha": str(line["line"]),
                    "inscrita_em": line["enrolled_on"],
                    "devedor_nome": s.get("holder", ""),
                    "devedor_cpf_cnpj": s.get("holder_document", ""),
                    "matricula": s.get("account_number", ""),
                    "endereco": s.get("address", ""),
                    "referencia": line["reference"],
                    "vencimento": line["due_date"],
                    "principal": line["principal"],
                    "multa": line["fine"],
                    "juros": line["interest"],
                    "correcao": line["correction"],
                    "total_atualizado": line["total"],
                    "notificacao_numero": cda.notice.number,
                    "notificacao_recebida_em": cda.notice.received_on.isoformat()
                    if cda.notice.received_on
                    else "",
                    "saldo_cda": str(balance),
                    "fundamentacao_legal": s.get("legal_basis", ""),
                }
            )
    return rows


def property_get(property_id: int) -> Property:
    prop: Property | None = Property.objects.filter(pk=property_id).first()
    if prop is None:
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    return prop


def live_locations(bill_ids: list[int]) -> dict[int, str]:
    """Where each of these bills is enrolled (live lines only): "livro 3, folha 2, linha 14"."""
    return {
        e.bill_id: e.location
        for e in ActiveDebtEntry.objects.filter(bill_id__in=bill_ids, status=EntryStatus.LIVE).select_related(
            "book"
        )
    }
