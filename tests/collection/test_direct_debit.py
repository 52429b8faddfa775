"""Direct debit (débito automático, issue #18, ADR 0235) through its services and API: agreements
(several per bank, each its own file and NSA), authorisations (the bank's B records, the utility's own
enrolment, opt-out), remittances (A/E/Z read back field by field), returns (F debited, refused,
already paid elsewhere; B enrolments, unknown ones queued), freeze / force / resend, the bill printing
"débito automático", refusals that name line and field, nothing twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from modules.access.models import Profile, ProfileGrant
from modules.billing.models import BillStatus
from modules.collection import direct_debit as dd
from modules.collection import services
from modules.collection.domain import direct_debit as layout
from modules.collection.domain.return_file import ReturnFileRejected
from modules.collection.models import (
    DirectDebitAuthorization,
    DirectDebitEnrolmentQueue,
    DirectDebitItem,
    DirectDebitReturnRecord,
    Payment,
    Settlement,
)
from modules.common.audit import SystemActor
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from tests.collection import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")

ACTOR = SystemActor("tests")
PASSWORD = "Senha-forte-123"
TODAY = dt.date(2099, 3, 1)
DUE = dt.date(2099, 3, 10)


def _agreement(code: str = "DA237A", bank: str = "237"):
    f.agent(bank)
    return dd.agreement_create(actor=ACTOR, agent_code=bank, code=code, name=f"Débito {code}")


def _enrolled(agreement, branch: str = "1234", account: str = "000000567890"):
    """A property the bank enrolled (its B record): debits go under it at once."""
    p = f.prop()
    auth = DirectDebitAuthorization.objects.create(
        property=p,
        agreement=agreement,
        branch=branch,
        account=account,
        origin=DirectDebitAuthorization.Origin.BANK,
        opted_on=TODAY,
        created_by="tests",
    )
    return p, auth


def _bank_return(
    agreement,
    *,
    answers: list[layout.DebitReturn] = (),  # type: ignore[assignment]
    enrolments: list[layout.Enrolment] = (),  # type: ignore[assignment]
    nsa: int = 1,
) -> bytes:
    lines = [
        layout.header_record(
            remittance_code="2",
            agreement_code=agreement.code,
            company_name="SAAE TESTE",
            bank_code=agreement.agent.code,
            bank_name="BANCO TESTE",
            generated_on=DUE,
            sequence=nsa,
        )
    ]
    lines += [layout.enrolment_record(e) for e in enrolments]
    lines += [layout.return_record(a) for a in answers]
    total = sum((a.amount for a in answers), Decimal("0.00"))
    lines.append(layout.trailer_record(len(lines) + 1, total))
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def _answer(item: DirectDebitItem, code: str = "00", amount: Decimal | None = None) -> layout.DebitReturn:
    bill = item.bill
    return layout.DebitReturn(
        line=0,
        customer_id=bill.property.account_number,
        branch=item.authorization.branch,
        account=item.authorization.account,
        debited_on=item.due_date,
        amount=amount if amount is not None else item.amount,
        code=code,
        company_use=layout.company_use(bill.pk, bill.reference, item.attempt),
        cancel=False,
    )


def test_remittance_file_has_header_e_records_and_a_matching_trailer_read_back_field_by_field():
    agreement = _agreement()
    p1, a1 = _enrolled(agreement)
    p2, _ = _enrolled(agreement, "0042", "99887766")
    b1 = f.bill(p1, "57.30", DUE, dt.date(2099, 2, 1))
    b2 = f.bill(p2, "120.05", dt.date(2099, 3, 20), dt.date(2099, 2, 1))
    f.bill(f.prop(), "10.00", DUE)  # no authorisation: not sent
    f.bill(p1, "11.00", dt.date(2099, 4, 30), dt.date(2099, 3, 1))  # due after due_until
    (rem,) = dd.remittance_create(actor=ACTOR, agent_code="237", due_until=dt.date(2099, 3, 31), today=TODAY)
    assert (rem.sequence, rem.debit_count, rem.total) == (1, 2, Decimal("177.35"))
    lines = rem.content.split("\r\n")[:-1]
    assert all(len(line) == 150 for line in lines)
    parsed = layout.parse_debit_file(rem.content.encode("latin-1"))
    h = parsed.header
    assert (
        h.remittance_code,
        h.agreement_code,
        h.bank_code,
        h.sequence,
        h.generated_on,
        h.layout_version,
    ) == (
        "1",
        "DA237A",
        "237",
        1,
        TODAY,
        "05",
    )
    assert lines[0][81:98] == "DEBITO AUTOMATICO"
    assert parsed.record_count == 4 and parsed.total == Decimal("177.35")
    first, second = parsed.debits
    assert (first.customer_id, first.branch, first.account, first.due_date, first.amount) == (
        p1.account_number,
        "1234",
        "000000567890",
        DUE,
        Decimal("57.30"),
    )
    assert (first.bill_id, first.reference, first.attempt, first.cancel) == (
        b1.pk,
        dt.date(2099, 2, 1),
        1,
        False,
    )
    assert (second.bill_id, second.amount, second.due_date) == (
        b2.pk,
        Decimal("120.05"),
        dt.date(2099, 3, 20),
    )
    assert lines[1][67:69] == "03"  # E.07 currency: real
    assert DirectDebitItem.objects.get(bill=b1).authorization == a1
    # the bill says so and prints no barcode to pay elsewhere
    b1.refresh_from_db()
    assert b1.direct_debit == "Débito automático – Banco 237"
    assert AuditEntry.objects.filter(action="collection.debit_remittance_create").count() == 1
    # generated again: nothing is sent twice
    with pytest.raises(Conflict) as exc:
        dd.remittance_create(actor=ACTOR, agent_code="237", due_until=dt.date(2099, 3, 31), today=TODAY)
    assert exc.value.code == "nothing_to_send"


def test_two_agreements_of_one_bank_make_two_files_with_their_own_nsa():
    a = _agreement("DA237A")
    b = dd.agreement_create(actor=ACTOR, agent_code="237", code="DA237B")
    pa, _ = _enrolled(a)
    pb, _ = _enrolled(b)
    ba, bb = f.bill(pa, "10.00", DUE), f.bill(pb, "20.00", DUE)
    made = dd.remittance_create(actor=ACTOR, agent_code="237", due_until=DUE, today=TODAY)
    assert [(r.agreement.code, r.sequence, r.debit_count) for r in made] == [
        ("DA237A", 1, 1),
        ("DA237B", 1, 1),
    ]
    assert [d.bill_id for d in layout.parse_debit_file(made[0].content.encode()).debits] == [ba.pk]
    assert [d.bill_id for d in layout.parse_debit_file(made[1].content.encode()).debits] == [bb.pk]


def test_return_settles_debited_bills_marks_refusals_and_never_settles_a_bill_paid_elsewhere():
    agreement = _agreement()
    bills = []
    for total in ("50.00", "60.00", "70.00"):
        p, _ = _enrolled(agreement)
        bills.append(f.bill(p, total, DUE))
    ok, refused, paid_elsewhere = bills
    (rem,) = dd.remittance_create(actor=ACTOR, agent_code="237", due_until=DUE, today=TODAY)
    # the third bill is paid at the counter while the debit is pending
    services.payment_register(
        actor=ACTOR, barcode=paid_elsewhere.barcode, amount=Decimal("70.00"), paid_on=TODAY
    )
    items = {i.bill_id: i for i in rem.items.select_related("bill__property", "authorization")}
    data = _bank_return(
        agreement,
        answers=[_answer(items[ok.pk]), _answer(items[refused.pk], "01"), _answer(items[paid_elsewhere.pk])],
    )
    rf = services.bank_file_import(actor=ACTOR, data=data, filename="retorno.ret")
    assert (rf.debited_count, rf.refused_count, rf.review_count) == (1, 1, 1)
    ok.refresh_from_db()
    refused.refresh_from_db()
    assert ok.status == BillStatus.PAID
    payment = Payment.objects.get(bill=ok, status="applied")
    assert (payment.channel, payment.amount, payment.paid_on) == ("direct_debit", Decimal("50.00"), DUE)
    # refused: open again, printing its barcode, with the bank's reason
    assert refused.status == BillStatus.RELEASED and refused.direct_debit == ""
    item = DirectDebitItem.objects.get(bill=refused)
    assert (item.status, item.return_code, item.return_label) == (
        "refused",
        "01",
        "Débito não efetuado – insuficiência de fundos",
    )
    # debited but already paid at the counter: a payment in review, one settlement only
    assert Settlement.objects.filter(bill=paid_elsewhere, reversed=False).count() == 1
    review = Payment.objects.get(bill=paid_elsewhere, channel="direct_debit")
    assert (review.status, review.review_reason) == ("review", "duplicate")
    assert DirectDebitReturnRecord.objects.filter(return_file=rf).count() == 3
    # the same file again: refused, nothing twice
    with pytest.raises(Conflict) as exc:
        services.bank_file_import(actor=ACTOR, data=data, filename="retorno.ret")
    assert exc.value.code == "duplicate_file"
    assert Payment.objects.filter(channel="direct_debit").count() == 2


def test_a_refused_bill_goes_again_only_when_resent_with_a_reason():
    agreement = _agreement()
    p, _ = _enrolled(agreement)
    bill = f.bill(p, "33.00", DUE)
    (rem,) = dd.remittance_create(actor=ACTOR, agent_code="237", due_until=DUE, today=TODAY)
    item = rem.items.select_related("bill__property", "authorization").get()
    services.bank_file_import(actor=ACTOR, data=_bank_return(agreement, answers=[_answer(item, "01")]))
    with pytest.raises(Conflict):
        dd.remittance_create(actor=ACTOR, agent_code="237", due_until=DUE, today=TODAY)
    with pytest.raises(ValidationFailed) as exc:
        dd.bill_resend(actor=ACTOR, bill_id=bill.pk, reason="  ")
    assert exc.value.field == "reason"
    dd.bill_resend(actor=ACTOR, bill_id=bill.pk, reason="Cliente depositou o saldo")
    (again,) = dd.remittance_create(actor=ACTOR, agent_code="237", due_until=DUE, today=TODAY)
    second = again.items.get()
    assert (second.attempt, second.resend_reason, again.sequence) == (2, "Cliente depositou o saldo", 2)
    assert layout.parse_debit_file(again.content.encode()).debits[0].attempt == 2
    # the answer to attempt 2 settles it
    second = again.items.select_related("bill__property", "authorization").get()
    services.bank_file_import(actor=ACTOR, data=_bank_return(agreement, answers=[_answer(second)], nsa=2))
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID


def test_a_frozen_bill_is_in_no_file_and_a_forced_bill_only_in_its_agreement_file():
    a = _agreement("DA237A")
    other = _agreement("DA001", "001")
    p1, _ = _enrolled(a)
    p2, _ = _enrolled(a)
    frozen, forced = f.bill(p1, "10.00", DUE), f.bill(p2, "20.00", DUE)
    # p2 also had an account at bank 001 before (its authorisation there cancelled)
    DirectDebitAuthorization.objects.create(
        property=p2,
        agreement=other,
        branch="0001",
        account="111",
        origin="bank",
        opted_on=TODAY,
        status="cancelled",
        created_by="tests",
    )
    dd.bill_control_set(actor=ACTOR, bill_id=frozen.pk, frozen=True, forced_agreement_id=None, reason="Saldo")
    dd.bill_control_set(
        actor=ACTOR, bill_id=forced.pk, frozen=False, forced_agreement_id=other.pk, reason="Troca de banco"
    )
    with pytest.raises(Conflict):
        dd.remittance_create(actor=ACTOR, agent_code="237", due_until=DUE, today=TODAY)
    (rem,) = dd.remittance_create(actor=ACTOR, agent_code="001", due_until=DUE, today=TODAY)
    (debit,) = layout.parse_debit_file(rem.content.encode()).debits
    assert (debit.bill_id, debit.branch, debit.account) == (forced.pk, "0001", "111")
    assert AuditEntry.objects.filter(action="collection.debit_bill_control").count() == 2


def test_bank_b_records_enrol_and_cancel_and_an_unknown_customer_waits_in_the_queue():
    agreement = _agreement()
    p = f.prop()
    data = _bank_return(
        agreement,
        enrolments=[
            layout.Enrolment(p.account_number, "1234", "55555", TODAY, include=True),
            layout.Enrolment("999999-9", "4321", "777", TODAY, include=True),
        ],
    )
    rf = services.bank_file_import(actor=ACTOR, data=data, filename="cadastro.ret")
    assert (rf.enrolment_count, rf.unidentified_count) == (1, 1)
    auth = DirectDebitAuthorization.objects.get(property=p)
    assert (auth.status, auth.origin, auth.branch, auth.account) == ("active", "bank", "1234", "55555")
    entry = DirectDebitEnrolmentQueue.objects.get()
    assert (entry.record.customer_id, entry.record.line, entry.status) == ("999999-9", 3, "open")
    other = f.prop()
    dd.enrolment_link(
        actor=ACTOR, queue_id=entry.pk, property_id=other.pk, reason="Matrícula digitada errada"
    )
    assert DirectDebitAuthorization.objects.get(property=other).account == "777"
    with pytest.raises(Conflict):
        dd.enrolment_link(actor=ACTOR, queue_id=entry.pk, property_id=other.pk, reason="de novo")
    # the bank's exclusion cancels it
    services.bank_file_import(
        actor=ACTOR,
        data=_bank_return(
            agreement, enrolments=[layout.Enrolment(p.account_number, "1234", "55555", DUE, False)], nsa=2
        ),
    )
    auth.refresh_from_db()
    assert (auth.status, auth.cancelled_on) == ("cancelled", DUE)


def test_the_utilitys_own_enrolment_is_sent_as_a_b_record_and_debits_start_after():
    agreement = _agreement()
    p = f.prop()
    auth = dd.authorization_create(
        actor=ACTOR,
        property_id=p.pk,
        agreement_id=agreement.pk,
        branch="0101",
        account="12345",
        opted_on=TODAY,
    )
    f.bill(p, "40.00", DUE)
    (rem,) = dd.remittance_create(actor=ACTOR, agent_code="237", due_until=DUE, today=TODAY)
    parsed = layout.parse_debit_file(rem.content.encode())
    assert (rem.debit_count, rem.enrolment_count) == (0, 1)
    (b,) = parsed.enrolments
    assert (b.customer_id, b.branch, b.account, b.include) == (p.account_number, "0101", "12345", True)
    # the next remittance debits it
    (nxt,) = dd.remittance_create(actor=ACTOR, agent_code="237", due_until=DUE, today=TODAY)
    assert nxt.debit_count == 1
    with pytest.raises(Conflict) as exc:
        dd.authorization_create(
            actor=ACTOR, property_id=p.pk, agreement_id=agreement.pk, branch="1", account="2"
        )
    assert exc.value.field == "property"
    # opt-out: an exclusion B record goes in the next remittance
    dd.authorization_cancel(actor=ACTOR, authorization_id=auth.pk, reason="Pedido do cliente")
    f.bill(p, "41.00", dt.date(2099, 3, 25), dt.date(2099, 3, 1))
    (out,) = dd.remittance_create(actor=ACTOR, agent_code="237", due_until=dt.date(2099, 3, 31), today=TODAY)
    parsed = layout.parse_debit_file(out.content.encode())
    assert (out.debit_count, [e.include for e in parsed.enrolments]) == (0, [False])


def test_bad_input_is_refused_with_line_and_field():
    f.agent("341")
    with pytest.raises(ValidationFailed) as exc:
        dd.remittance_create(actor=ACTOR, agent_code="341", due_until=DUE, today=TODAY)
    assert (exc.value.field, exc.value.code) == ("agent", "no_debit_agreement")
    agreement = _agreement()
    # an F record for no debit we sent: kept, for review
    p, _auth = _enrolled(agreement)
    stray = layout.DebitReturn(
        0, p.account_number, "1234", "1", DUE, Decimal("5.00"), "00", "000000000120990101", False
    )
    rf = services.bank_file_import(actor=ACTOR, data=_bank_return(agreement, answers=[stray]))
    record = DirectDebitReturnRecord.objects.get(return_file=rf)
    assert record.outcome == "unmatched" and "campo F.02" in record.detail
    # a broken trailer
    data = _bank_return(agreement, answers=[stray], nsa=2).replace(b"Z000003", b"Z000009")
    with pytest.raises(ReturnFileRejected) as rej:
        services.bank_file_import(actor=ACTOR, data=data)
    assert "Linha 3, campo Z.02" in str(rej.value.problems[0])
    # an unknown convênio
    other = _bank_return(agreement, answers=[stray], nsa=3).replace(b"DA237A", b"XX999X")
    with pytest.raises(ValidationFailed) as unk:
        services.bank_file_import(actor=ACTOR, data=other)
    assert "linha 1, campo A.03" in unk.value.message


def _dd_user(client: Client, username: str, *, change: bool) -> dict[str, str]:
    profile = Profile.objects.create(name=f"Débito {username}")
    ProfileGrant.objects.create(
        profile=profile, function="collection.direct_debit", can_view=True, can_add=True, can_change=change
    )
    ProfileGrant.objects.create(
        profile=profile, function="collection.return_files", can_view=True, can_add=True
    )
    make_user("alpha", username, PASSWORD).profiles.add(profile)
    return bearer(client, username, PASSWORD)


def test_api_fixed_points_remittance_file_and_return_through_return_files(alpha_client: Client):
    headers = _dd_user(alpha_client, "debito", change=True)
    agreement = _agreement()
    p, _ = _enrolled(agreement)
    bill = f.bill(p, "80.00", dt.date(2099, 12, 10))
    r = alpha_client.post(
        "/api/v1/collection/direct-debit/remittances",
        {"agent": "237", "due_until": "2099-12-31"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    file = alpha_client.get(f"/api/v1/collection/direct-debit/remittances/{rid}/file", **headers)
    assert file.status_code == 200
    lines = file.content.decode("latin-1").split("\r\n")[:-1]
    assert lines[0][:2] == "A1" and lines[1][0] == "E" and lines[-1][0] == "Z"
    assert int(lines[-1][1:7]) == len(lines) == 3 and int(lines[-1][7:24]) == 8000
    item = DirectDebitItem.objects.select_related("bill__property", "authorization").get(bill=bill)
    upload = SimpleUploadedFile("ret.ret", _bank_return(agreement, answers=[_answer(item)]))
    r = alpha_client.post("/api/v1/collection/return-files", {"file": upload}, **headers)
    assert r.status_code == 201, r.content
    assert (r.json()["debited_count"], r.json()["agreement"]) == (1, "DA237A")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    # an agent without an agreement: 400 naming the field
    f.agent("104")
    r = alpha_client.post(
        "/api/v1/collection/direct-debit/remittances",
        {"agent": "104", "due_until": "2099-12-31"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and r.json()["field"] == "agent"


def test_debit_management_needs_the_change_right_and_is_audited(alpha_client: Client):
    agreement = _agreement()
    p, auth = _enrolled(agreement)
    bill = f.bill(p, "10.00", DUE)
    viewer = _dd_user(alpha_client, "olha", change=False)
    body = {"frozen": True, "reason": "Saldo insuficiente"}
    url = f"/api/v1/collection/direct-debit/bills/{bill.pk}/control"
    assert alpha_client.post(url, body, content_type="application/json", **viewer).status_code == 403
    assert (
        alpha_client.post(
            f"/api/v1/collection/direct-debit/authorizations/{auth.pk}/cancel",
            {"reason": "x"},
            content_type="application/json",
            **viewer,
        ).status_code
        == 403
    )
    manager = _dd_user(alpha_client, "gerente", change=True)
    assert alpha_client.post(url, body, content_type="application/json", **manager).status_code == 200
    entry = AuditEntry.objects.get(action="collection.debit_bill_control")
    assert entry.reason == "Saldo insuficiente"
    listed = alpha_client.get(f"/api/v1/collection/direct-debit/authorizations?property={p.pk}", **viewer)
    assert listed.status_code == 200 and listed.json()["results"][0]["account"] == "****7890"


def test_a_bill_under_direct_debit_prints_so_and_is_not_offered_online_until_refused():
    import io

    from pypdf import PdfReader

    from modules.billing.pdf import render_bill_pdf, render_bill_pdf_lean
    from modules.collection.gateway import gateway_charge_create

    agreement = _agreement()
    p, _ = _enrolled(agreement)
    bill = f.bill(p, "45.00", DUE)
    (rem,) = dd.remittance_create(actor=ACTOR, agent_code="237", due_until=DUE, today=TODAY)
    bill.refresh_from_db()
    assert render_bill_pdf_lean(bill) is None  # the reference lays out the notice
    text = " ".join((pg.extract_text() or "") for pg in PdfReader(io.BytesIO(render_bill_pdf(bill))).pages)
    assert "DÉBITO AUTOMÁTICO" in text and "Banco 237" in text
    with pytest.raises(Conflict) as exc:
        gateway_charge_create(actor=ACTOR, property_id=p.pk, bill_ids=[bill.pk], method="pix", today=TODAY)
    assert (exc.value.code, exc.value.field) == ("bills_in_direct_debit", "bills")
    item = rem.items.select_related("bill__property", "authorization").get()
    services.bank_file_import(actor=ACTOR, data=_bank_return(agreement, answers=[_answer(item, "04")]))
    bill.refresh_from_db()
    assert bill.direct_debit == "" and "DÉBITO AUTOMÁTICO" not in " ".join(
        (pg.extract_text() or "") for pg in PdfReader(io.BytesIO(render_bill_pdf(bill))).pages
    )


def test_the_bank_debits_on_the_group_schedules_automatic_debit_date():
    """S12.1-01: the month's bills go to the bank with the schedule's debit date; a bill due on another
    day (a rebill) and a property outside any scheduled group keep their due date."""
    from modules.reading.models import ReadingSchedule
    from tests.billing import factories as bf

    group = bf.group(31)
    ReadingSchedule.objects.create(
        group=group,
        reference=dt.date(2099, 2, 1),
        reading_start=dt.date(2099, 2, 2),
        reading_end=dt.date(2099, 2, 20),
        billing_date=dt.date(2099, 2, 25),
        due_date=DUE,
        debit_date=dt.date(2099, 3, 6),
    )
    agreement = _agreement()
    p1, _ = _enrolled(agreement)
    p2, _ = _enrolled(agreement, "0042", "99887766")
    p3, _ = _enrolled(agreement, "0043", "11223344")
    for p in (p1, p2):
        p.billing_group = group
        p.save(update_fields=["billing_group"])
    b1 = f.bill(p1, "57.30", DUE, dt.date(2099, 2, 1))
    b2 = f.bill(p2, "20.00", dt.date(2099, 3, 12), dt.date(2099, 2, 1))  # a rebill with its own date
    b3 = f.bill(p3, "30.00", DUE, dt.date(2099, 2, 1))  # no group
    (rem,) = dd.remittance_create(actor=ACTOR, agent_code="237", due_until=dt.date(2099, 3, 31), today=TODAY)
    sent = {d.bill_id: d.due_date for d in layout.parse_debit_file(rem.content.encode("latin-1")).debits}
    assert sent == {b1.pk: dt.date(2099, 3, 6), b2.pk: dt.date(2099, 3, 12), b3.pk: DUE}
    assert DirectDebitItem.objects.get(bill=b1).due_date == dt.date(2099, 3, 6)

    late = dd.remittance_create  # the schedule's debit day already past: the bill goes on its due date
    DirectDebitItem.objects.all().delete()
    rem.delete()
    (again,) = late(actor=ACTOR, agent_code="237", due_until=dt.date(2099, 3, 31), today=dt.date(2099, 3, 8))
    sent = {d.bill_id: d.due_date for d in layout.parse_debit_file(again.content.encode("latin-1")).debits}
    assert sent[b1.pk] == DUE
