"""Dívida ativa (seed 001 3.2.9.18): the enrolment run and its book, the immutable lines, the
notification, its receipt and the CDA, installments and the confession term over enrolled bills,
exclusion, estorno, court filing, the reports, the attorney's file and the ladder hook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from modules.billing.legal import legal_locks, refuse_locked
from modules.billing.models import BillStatus
from modules.billing.models_legal import LegalProcess, ProcessKind
from modules.collection import services as collection
from modules.common.audit import SystemActor
from modules.common.errors import Conflict, PermissionDenied
from modules.common.models import AuditEntry
from modules.debt import active_debt_ladder as ladder
from modules.debt import active_debt_selectors as reads
from modules.debt import active_debt_services as da
from modules.debt.models import ActiveDebtBook, ActiveDebtEntry, Agreement, InstallmentPolicyVersion
from modules.debt.models_active_debt import ActiveDebtSettings, EntryStatus, NoticeKind
from modules.debt.selectors import certificate_verify
from modules.debt.services import agreement_create
from tests.collection import factories as f
from tests.registry import factories as reg

ACTOR = SystemActor("tests")
TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def _criteria(**kw):
    base = {
        "due_from": dt.date(2025, 1, 1),
        "due_to": dt.date(2025, 3, 31),
        "min_days_overdue": 60,
        "min_amount": Decimal("0.01"),
    }
    return reads.Criteria(**(base | kw))


@pytest.fixture
def owing(tenant_alpha):
    """Two properties with overdue bills of January–March, plus bills a run must leave alone."""
    a, b = f.prop(), f.prop()
    bills = {
        "a1": f.bill(a, "100.00", dt.date(2025, 1, 10)),
        "a2": f.bill(a, "80.00", dt.date(2025, 2, 10)),
        "b1": f.bill(b, "50.00", dt.date(2025, 3, 10)),
        "a_recent": f.bill(a, "70.00", dt.date(2025, 5, 10)),  # less than 60 days overdue
        "b_paid": f.bill(b, "40.00", dt.date(2025, 2, 12), status=BillStatus.PAID),
    }
    return a, b, bills


def test_preview_then_enrol_writes_a_gap_free_book_in_customer_order_and_is_idempotent(owing):
    a, _b, bills = owing
    ActiveDebtSettings.objects.create(pk=1, lines_per_page=2)
    preview = reads.eligible(_criteria(), TODAY)
    assert [x.priced.bill_id for x in preview.bills] == [bills["a1"].pk, bills["a2"].pk, bills["b1"].pk] or [
        x.priced.bill_id for x in preview.bills
    ] == [bills["b1"].pk, bills["a1"].pk, bills["a2"].pk]
    assert preview.count == 3 and preview.properties == 2
    assert ActiveDebtEntry.objects.count() == 0  # a preview writes nothing

    book = da.active_debt_enrol(actor=ACTOR, criteria=_criteria(), as_of=TODAY)
    assert book is not None and book.number == 1 and book.entries_count == 3 and book.total == preview.amount
    lines = list(book.entries.order_by("sequence").values_list("sequence", "page", "line", "property_id"))
    assert [(s, p, li) for s, p, li, _ in lines] == [(1, 1, 1), (2, 1, 2), (3, 2, 1)]
    # each property's bills are together, by due date
    a_lines = [row for row in lines if row[3] == a.pk]
    assert a_lines[1][0] == a_lines[0][0] + 1
    # the enrolled amounts are the calculator's on the enrolment date (fine and interest included)
    a1 = ActiveDebtEntry.objects.get(bill=bills["a1"])
    assert a1.principal == Decimal("100.00") and a1.total > a1.principal and a1.debtor_name

    # the legal locks apply: a 2ª via of an enrolled bill is refused to a profile without privilege
    with pytest.raises(PermissionDenied, match="inscrita em dívida ativa"):
        refuse_locked(property_id=a.pk, bill_ids=[bills["a1"].pk], on=TODAY, allowed=False, what="a 2ª via")
    assert legal_locks(a.pk, on=TODAY).active_debt(bills["a_recent"].pk) is None
    # the property's history shows it
    assert AuditEntry.objects.filter(
        object_type="registry.property", object_id=str(a.pk), action="debt.active_debt_enrol"
    ).exists()

    # a second run enrols nothing twice
    assert da.active_debt_enrol(actor=ACTOR, criteria=_criteria(), as_of=TODAY) is None
    assert ActiveDebtEntry.objects.count() == 3 and ActiveDebtBook.objects.count() == 1


def test_bills_in_an_agreement_below_the_minimum_or_in_another_neighbourhood_stay_out(owing):
    a, b, bills = owing
    InstallmentPolicyVersion.objects.update(
        min_installment=Decimal("1.00"), min_down_payment_rate=0, down_payment_required=False
    )
    agreement_create(actor=ACTOR, property_id=b.pk, down_payment=Decimal("0"), count=2, as_of=TODAY)
    preview = reads.eligible(_criteria(min_amount=Decimal("150.00")), TODAY)
    assert {x.priced.bill_id for x in preview.bills} == {bills["a1"].pk, bills["a2"].pk}
    assert reads.eligible(_criteria(min_amount=Decimal("9999.00")), TODAY).count == 0
    other = reg.neighbourhood("Outro Bairro")
    assert reads.eligible(_criteria(neighbourhood_id=other.pk), TODAY).count == 0
    assert reads.eligible(_criteria(neighbourhood_id=a.neighbourhood_id), TODAY).count == 2


def _raw(sql: str, pk: int) -> None:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [pk])


def test_a_book_line_cannot_be_rewritten_deleted_or_reopened_even_by_raw_sql(owing):
    book = da.active_debt_enrol(actor=ACTOR, criteria=_criteria(), as_of=TODAY)
    entry = book.entries.first()
    for sql in (
        "UPDATE debt_activedebtentry SET page = 99 WHERE id = %s",
        "UPDATE debt_activedebtentry SET total = 1 WHERE id = %s",
        "DELETE FROM debt_activedebtentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="livro da dívida ativa"):
            _raw(sql, entry.pk)
    with pytest.raises(DatabaseError, match="imutável"):
        _raw("UPDATE debt_activedebtbook SET number = 7 WHERE id = %s", book.pk)
    da.active_debt_entry_remove(actor=ACTOR, entry_id=entry.pk, reason="fatura contestada", today=TODAY)
    with pytest.raises(DatabaseError, match="encerrada"):
        _raw("UPDATE debt_activedebtentry SET status = 'live' WHERE id = %s", entry.pk)
    entry.refresh_from_db()
    assert (entry.status, entry.page, entry.line) == (EntryStatus.REMOVED, 1, 1)


def test_remove_one_invoice_restores_it_and_later_books_leave_it_out_while_a_reversal_re_enrols(owing):
    a, _b, bills = owing
    da.active_debt_enrol(actor=ACTOR, criteria=_criteria(), as_of=TODAY)
    a1 = ActiveDebtEntry.objects.get(bill=bills["a1"])
    a2 = ActiveDebtEntry.objects.get(bill=bills["a2"])
    da.active_debt_entry_remove(actor=ACTOR, entry_id=a1.pk, reason="cobrança indevida", today=TODAY)
    locks = legal_locks(a.pk, on=TODAY)
    assert locks.active_debt(bills["a1"].pk) is None and locks.active_debt(bills["a2"].pk) is not None
    with pytest.raises(Conflict, match="já está excluída"):
        da.active_debt_entry_reverse(actor=ACTOR, entry_id=a1.pk, reason="de novo", today=TODAY)

    da.active_debt_entry_reverse(actor=ACTOR, entry_id=a2.pk, reason="valor errado", today=TODAY)
    # the property's process lost its last bill: closed, so it no longer covers every bill
    process = LegalProcess.objects.get(property=a, kind=ProcessKind.ACTIVE_DEBT)
    assert process.ends_on is not None and not legal_locks(a.pk, on=TODAY).processes
    book2 = da.active_debt_enrol(actor=ACTOR, criteria=_criteria(), as_of=TODAY)
    assert book2 is not None and book2.number == 2
    assert list(book2.entries.values_list("bill_id", "page", "line")) == [(bills["a2"].pk, 1, 1)]
    rows = reads.report("reversed", TODAY, TODAY)
    assert sorted(r.detail.split(":")[0] for r in rows) == ["Estornada", "Excluída"]
    assert "cobrança indevida" in " ".join(r.detail for r in rows)


def test_the_cda_waits_for_the_notice_receipt_then_is_verifiable_and_refused_once_paid(owing):
    a, _b, bills = owing
    da.active_debt_enrol(actor=ACTOR, criteria=_criteria(), as_of=TODAY)
    with pytest.raises(Conflict, match="depois que o devedor recebe a notificação"):
        da.active_debt_certificate_issue(actor=ACTOR, property_id=a.pk, as_of=TODAY)
    notice = da.active_debt_notice_issue(actor=ACTOR, property_id=a.pk, kind=NoticeKind.NOTICE, as_of=TODAY)
    assert notice.statement["legal_basis"].startswith("Lei nº 6.830")
    assert notice.total == sum(Decimal(x["total"]) for x in notice.statement["lines"])
    with pytest.raises(Conflict, match="depois que o devedor recebe"):
        da.active_debt_certificate_issue(actor=ACTOR, property_id=a.pk, as_of=TODAY)
    with pytest.raises(Exception, match="entre a emissão"):
        da.active_debt_notice_receipt(
            actor=ACTOR, notice_id=notice.pk, received_on=TODAY + dt.timedelta(days=1), today=TODAY
        )
    da.active_debt_notice_receipt(actor=ACTOR, notice_id=notice.pk, received_on=TODAY, today=TODAY)
    cda = da.active_debt_certificate_issue(actor=ACTOR, property_id=a.pk, as_of=TODAY)
    assert cda.number == "000001/2025" and len(cda.statement["lines"]) == 2
    assert cda.total == notice.total  # same day, same calculator
    assert certificate_verify(cda.certificate.code.lower()).cda == cda
    assert ActiveDebtEntry.objects.filter(cda=cda).count() == 2
    # nothing left for a second CDA; once the bills are paid the refusal says so
    with pytest.raises(Conflict):
        da.active_debt_certificate_issue(actor=ACTOR, property_id=a.pk, as_of=TODAY)
    type(bills["a1"]).objects.filter(pk__in=[bills["a1"].pk, bills["a2"].pk]).update(status=BillStatus.PAID)
    with pytest.raises(Conflict, match="já estão pagas") as refused:
        da.active_debt_certificate_issue(actor=ACTOR, property_id=a.pk, as_of=TODAY)
    assert refused.value.code == "active_debt_already_paid"
    assert reads.cda_balance(cda) == Decimal("0.00")


def test_installments_on_the_cda_keep_its_balance_and_the_situation(owing):
    a, _b, _bills = owing
    InstallmentPolicyVersion.objects.update(
        min_installment=Decimal("1.00"), min_down_payment_rate=0, down_payment_required=False
    )
    da.active_debt_enrol(actor=ACTOR, criteria=_criteria(), as_of=TODAY)
    notice = da.active_debt_notice_issue(actor=ACTOR, property_id=a.pk, kind=NoticeKind.NOTICE, as_of=TODAY)
    da.active_debt_notice_receipt(actor=ACTOR, notice_id=notice.pk, received_on=TODAY, today=TODAY)
    cda = da.active_debt_certificate_issue(actor=ACTOR, property_id=a.pk, as_of=TODAY)
    assert reads.cda_balance(cda) == cda.total
    agreement = da.active_debt_installments_create(
        actor=ACTOR, cda_id=cda.pk, down_payment=Decimal("0"), count=3, as_of=TODAY
    )
    cda.refresh_from_db()
    assert cda.agreement == agreement and agreement.status == Agreement.Status.ACTIVE
    assert {b.bill_id for b in agreement.bills.all()} == set(cda.entries.values_list("bill_id", flat=True))
    assert {r.situation for r in reads.property_entries(a.pk)} == {"installments"}
    assert reads.cda_balance(cda) == agreement.total
    # an installment paid lowers the balance to the schedule's balance after it
    first = agreement.installments.order_by("number").first()
    bill = f.bill(a, str(first.amount), dt.date(2025, 7, 10), dt.date(2025, 6, 1), status=BillStatus.PAID)
    from modules.billing.models import BillItem

    BillItem.objects.create(
        bill=bill,
        kind="installment",
        description="Parcela",
        amount=first.amount,
        source="debt.installment",
        source_id=str(first.pk),
    )
    assert reads.cda_balance(cda) == first.balance < agreement.total
    with pytest.raises(Conflict, match="já tem o parcelamento"):
        da.active_debt_installments_create(
            actor=ACTOR, cda_id=cda.pk, down_payment=Decimal("0"), count=2, as_of=TODAY
        )


def test_the_confession_term_pays_the_enrolled_bills_and_the_payment_report_shows_it(owing):
    a, _b, bills = owing
    da.active_debt_enrol(actor=ACTOR, criteria=_criteria(), as_of=TODAY)
    document = da.active_debt_confession_issue(actor=ACTOR, property_id=a.pk, as_of=TODAY)
    assert set(document.lines.values_list("bill_id", flat=True)) == {bills["a1"].pk, bills["a2"].pk}
    f.agent()
    collection.payment_register(actor=ACTOR, barcode=document.barcode, amount=document.amount, paid_on=TODAY)
    assert {r.situation for r in reads.property_entries(a.pk)} == {"paid"}
    rows = reads.report("paid", TODAY, TODAY)
    assert {(r.book, r.line) for r in rows} == {(1, 1), (1, 2)}
    assert reads.report_total(rows) == document.amount
    enrolled = reads.report("enrolled", TODAY, TODAY)
    assert reads.report_total(enrolled) == ActiveDebtBook.objects.get().total


def test_a_cda_filed_in_court_opens_an_execution_and_its_bills_never_enter_a_later_book(owing):
    a, _b, bills = owing
    da.active_debt_enrol(actor=ACTOR, criteria=_criteria(), as_of=TODAY)
    notice = da.active_debt_notice_issue(actor=ACTOR, property_id=a.pk, kind=NoticeKind.NOTICE, as_of=TODAY)
    da.active_debt_notice_receipt(actor=ACTOR, notice_id=notice.pk, received_on=TODAY, today=TODAY)
    cda = da.active_debt_certificate_issue(actor=ACTOR, property_id=a.pk, as_of=TODAY)
    rows = reads.attorney_rows()
    assert [r["cda_numero"] for r in rows] == [cda.number, cda.number]
    assert rows[0]["codigo_autenticacao"] == cda.certificate.code and rows[0]["livro"] == "1"
    assert set(rows[0]) == set(reads.EXPORT_COLUMNS)
    da.active_debt_certificate_file(
        actor=ACTOR, cda_id=cda.pk, court_number="0001234-56.2025.8.26.0100", filed_on=TODAY, today=TODAY
    )
    assert set(cda.entries.values_list("status", flat=True)) == {EntryStatus.FILED}
    assert legal_locks(a.pk, on=TODAY).execution is not None
    assert reads.filed_certificates() == [cda]
    assert reads.attorney_rows() == []  # filed: no longer to export
    with pytest.raises(Conflict, match="ajuizada"):
        da.active_debt_entry_remove(actor=ACTOR, entry_id=cda.entries.first().pk, reason="x", today=TODAY)
    # even once the execution is closed, the filed bills stay out of later books
    LegalProcess.objects.filter(kind=ProcessKind.TAX_ENFORCEMENT).update(ends_on=TODAY - dt.timedelta(days=1))
    assert bills["a1"].pk not in {x.priced.bill_id for x in reads.eligible(_criteria(), TODAY).bills}


def test_the_ladder_hook_previews_and_runs_with_the_settings_defaults(owing):
    found = ladder.preview(TODAY)
    assert found["count"] == 3 and found["amount"] > Decimal("230.00")  # 90 days: Jan, Feb, Mar 10
    done = ladder.run(TODAY)
    assert done["count"] == 3 and done["book"] == 1 and done["amount"] == found["amount"]
    assert ladder.preview(TODAY) == {"count": 0, "amount": Decimal("0.00")}
    assert ladder.run(TODAY)["count"] == 0
