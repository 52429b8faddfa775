"""Registered boletos (CNAB 240, issue #18 item 4, ADR 0216): boletos issued for the bills due, the
remittance read back field by field and by a local fake bank through the exchange folder, the bank's
answers (02 confirmed, 03 rejected, 06 paid, 09 written off) imported once through the folder poll
and the upload API, a payment of a bill already paid elsewhere kept for review, never settled twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from modules.billing.models import BillStatus
from modules.billing.services.delivery import holder
from modules.collection import boletos as bol
from modules.collection import services
from modules.collection.domain import cnab240 as layout
from modules.collection.domain.return_file import ReturnFileRejected
from modules.collection.models import BoletoFile, BoletoReturnRecord, Payment, RegisteredBoleto, Settlement
from modules.common.audit import SystemActor
from modules.common.errors import Conflict, NotFound, ValidationFailed
from tests.collection import factories as f
from tests.collection.fake_cnab_bank import FakeCnabBank
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")

ACTOR = SystemActor("tests")
PASSWORD = "Senha-forte-123"
TODAY = dt.date(2099, 3, 1)
DUE = dt.date(2099, 3, 10)
B = RegisteredBoleto.Status


def _setup(tmp_path: Path, code: str = "CB001"):
    f.agent("341")
    agreement = bol.boleto_agreement_create(
        actor=ACTOR,
        agent_code="341",
        code=code,
        branch="1234",
        account="56789",
        wallet="9",
        company_document="12345678000199",
        bank_dir=str(tmp_path / "banco"),
    )
    bank = FakeCnabBank(root=tmp_path / "banco", bank_code="341", agreement=code)
    return agreement, bank


def test_bank_barcode_and_line_carry_their_check_digits_and_the_restarted_due_factor() -> None:
    assert layout.due_factor(dt.date(2025, 2, 21)) == "9999"
    assert layout.due_factor(dt.date(2025, 2, 22)) == "1000"
    assert layout.due_factor(dt.date(2000, 7, 3)) == "1000"
    free = layout.free_field(branch="1234", wallet="9", our_number="00000000042", account="56789")
    assert free == "1234" + "09" + "00000000042" + "0056789" + "0"
    code = layout.boleto_barcode(
        bank_code="341", due=dt.date(2099, 3, 10), amount=Decimal("123.45"), free=free
    )
    assert len(code) == 44 and code[:4] == "3419" and code[9:19] == "0000012345" and code[19:] == free
    assert layout.barcode_valid(code)
    for i in (0, 7, 20, 43):  # every single-digit change of the barcode is caught by its DV
        other = code[:i] + str((int(code[i]) + 1) % 10) + code[i + 1 :]
        assert not layout.barcode_valid(other)
    line = layout.boleto_typeable_line(code)
    assert len(line) == 47 and line[32] == code[4] and line[33:] == code[5:19]


def test_issue_and_remittance_read_back_field_by_field_and_by_the_fake_bank(tmp_path: Path) -> None:
    _agreement, bank = _setup(tmp_path)
    b1 = f.bill(f.prop(), "80.10", DUE)
    b2 = f.bill(f.prop(), "45.00", DUE + dt.timedelta(days=5))
    f.bill(f.prop(), "10.00", DUE + dt.timedelta(days=60))  # due after the window
    f.bill(f.prop(), "10.00", DUE, status=BillStatus.PAID)  # not open
    issued = bol.boletos_issue(
        actor=ACTOR, agreement_code="cb001", due_until=DUE + dt.timedelta(days=10), today=TODAY
    )
    assert [b.bill_id for b in issued] == [b1.pk, b2.pk]
    assert [b.our_number for b in issued] == ["00000000001", "00000000002"]
    assert all(layout.barcode_valid(b.barcode) for b in issued)
    # a second issue of the same window makes nothing twice
    assert (
        bol.boletos_issue(
            actor=ACTOR, agreement_code="CB001", due_until=DUE + dt.timedelta(days=10), today=TODAY
        )
        == []
    )
    sent = bol.boleto_remittance_send(actor=ACTOR, agreement_code="CB001", today=TODAY)
    assert (sent.sequence, sent.title_count, sent.total, sent.summary) == (
        1,
        2,
        Decimal("125.10"),
        {"register": 2, "write_off": 0},
    )
    assert (tmp_path / "banco" / "remessa" / sent.filename).read_bytes() == sent.content.encode("latin-1")
    parsed = layout.parse_file(sent.content.encode("latin-1"))
    h = parsed.header
    assert (
        h.bank_code,
        h.agreement_code,
        h.branch,
        h.account,
        h.remittance_code,
        h.generated_on,
        h.sequence,
    ) == (
        "341",
        "CB001",
        "01234",
        "000000056789",
        "1",
        TODAY,
        1,
    )
    assert h.company_document == "12345678000199" and h.bank_name == "BANCO 341"
    assert parsed.record_count == 2 + 2 * 2 + 2 and parsed.total == Decimal("125.10")
    for title, boleto in zip(parsed.titles, issued, strict=True):
        prop = boleto.bill.property
        assert title.movement == "01" and title.our_number == boleto.our_number and title.wallet == "9"
        assert title.document_number == str(boleto.bill_id) and title.due_date == boleto.due_date
        assert (
            title.amount == boleto.amount
            and title.issued_on == TODAY
            and title.company_use == f"BOL{boleto.pk}"
        )
        assert title.payer_name == holder(prop.pk).name.upper()[:40]  # type: ignore[union-attr]
        assert title.payer_address == f"{prop.street.name} {prop.number}".upper()[:40]
        assert title.payer_kind in ("1", "2") and title.payer_document
    assert RegisteredBoleto.objects.filter(status=B.SENT, pending="").count() == 2
    # the fake bank reads the same file from the folder with its own slicing
    assert bank.process() == 2 and bank.read == [sent.filename]
    with pytest.raises(Conflict) as nothing:
        bol.boleto_remittance_send(actor=ACTOR, agreement_code="CB001", today=TODAY)
    assert nothing.value.code == "nothing_to_send"


def test_registration_payment_rejection_and_write_off_through_the_bank_folder(tmp_path: Path) -> None:
    _agreement, bank = _setup(tmp_path)
    paid_bill = f.bill(f.prop(), "80.10", DUE)
    off_bill = f.bill(f.prop(), "45.00", DUE)
    p_paid, p_off = bol.boletos_issue(actor=ACTOR, agreement_code="CB001", due_until=DUE, today=TODAY)
    bol.boleto_remittance_send(actor=ACTOR, agreement_code="CB001", today=TODAY)
    late_bill = f.bill(f.prop(), "30.00", DUE)
    (late,) = bol.boletos_issue(actor=ACTOR, agreement_code="CB001", due_until=DUE, today=TODAY)
    # sent after its due date: the bank rejects it (03, motivo 16)
    bol.boleto_remittance_send(actor=ACTOR, agreement_code="CB001", today=DUE + dt.timedelta(days=1))
    bank.process()
    bank.flush(TODAY)
    ((name, first),) = bol.boleto_bank_poll(actor=ACTOR, agreement_code="CB001")
    assert isinstance(first, BoletoFile) and first.summary == {"registered": 2, "rejected": 1}
    assert (tmp_path / "banco" / "retorno" / "processados" / name).exists()
    for b in (p_paid, p_off, late):
        b.refresh_from_db()
    assert (p_paid.status, p_off.status, late.status, late.reasons) == (
        B.REGISTERED,
        B.REGISTERED,
        B.REJECTED,
        "16",
    )
    # a rejected boleto leaves the bill free for a new one
    assert bol.boleto_for_bill(late_bill.pk) is None
    # the customer pays one; the other is written off at the utility's request
    bol.boleto_write_off_request(actor=ACTOR, boleto_id=p_off.pk, reason="Conta refaturada")
    write_off = bol.boleto_remittance_send(actor=ACTOR, agreement_code="CB001", today=DUE)
    assert write_off.summary == {"register": 0, "write_off": 1}
    assert [t.movement for t in layout.parse_file(write_off.content.encode("latin-1")).titles] == ["02"]
    bank.process()
    bank.pay(p_paid.our_number, Decimal("80.10"), DUE)
    path = bank.flush(DUE + dt.timedelta(days=1))
    assert path is not None
    copy = path.read_bytes()
    ((_, second),) = bol.boleto_bank_poll(actor=ACTOR, agreement_code="CB001")
    assert isinstance(second, BoletoFile) and second.summary == {"written_off": 1, "paid": 1}
    p_paid.refresh_from_db()
    p_off.refresh_from_db()
    paid_bill.refresh_from_db()
    off_bill.refresh_from_db()
    assert (p_paid.status, p_off.status) == (B.PAID, B.WRITTEN_OFF)
    assert paid_bill.status == BillStatus.PAID and off_bill.status == BillStatus.RELEASED
    payment = Payment.objects.get(bill=paid_bill)
    assert (payment.channel, payment.status, payment.amount, payment.fee, payment.paid_on) == (
        "boleto",
        "applied",
        Decimal("80.10"),
        Decimal("1.50"),
        DUE,
    )
    assert p_paid.payment_id == payment.pk
    # the same return dropped again settles nothing twice: refused and moved to recusados/
    (tmp_path / "banco" / "retorno" / "again.RET").write_bytes(copy)
    ((_, refused),) = bol.boleto_bank_poll(actor=ACTOR, agreement_code="CB001")
    assert refused == "Este arquivo retorno já foi importado."
    assert (tmp_path / "banco" / "retorno" / "recusados" / "again.RET").exists()
    assert Settlement.objects.filter(bill=paid_bill).count() == 1 and Payment.objects.count() == 1
    # only a sent or registered boleto can be written off
    with pytest.raises(Conflict):
        bol.boleto_write_off_request(actor=ACTOR, boleto_id=p_paid.pk, reason="x")


def test_a_boleto_paid_for_a_bill_paid_elsewhere_goes_to_review_and_unknown_titles_are_kept(
    tmp_path: Path, alpha_client: Client
) -> None:
    _agreement, bank = _setup(tmp_path)
    bill = f.bill(f.prop(), "50.00", DUE)
    (boleto,) = bol.boletos_issue(actor=ACTOR, agreement_code="CB001", due_until=DUE, today=TODAY)
    bol.boleto_remittance_send(actor=ACTOR, agreement_code="CB001", today=TODAY)
    bank.process()
    services.payment_register(actor=ACTOR, barcode=bill.barcode, amount=Decimal("50.00"), paid_on=TODAY)
    bank.pay(boleto.our_number, Decimal("50.00"), DUE)
    bank.ledger["99999999999"] = bank.ledger[boleto.our_number].__class__(
        our_number="99999999999", document="1", due=DUE, amount=Decimal("9.00"), company_use=""
    )
    bank.pay("99999999999", Decimal("9.00"), DUE)
    data = bank.flush(DUE).read_bytes()  # type: ignore[union-attr]
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)
    response = alpha_client.post(
        "/api/v1/collection/return-files", {"file": SimpleUploadedFile("cobranca.ret", data)}, **headers
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["agreement"], body["direction"], body["title_count"]) == ("CB001", "return", 3)
    rf = BoletoFile.objects.get(pk=body["id"])
    assert rf.summary == {"registered": 1, "review": 1, "unmatched": 1}
    review = BoletoReturnRecord.objects.get(outcome="review")
    assert review.boleto_id == boleto.pk and "duplic" in review.detail.lower()
    assert Settlement.objects.filter(bill=bill, reversed=False).count() == 1
    assert Payment.objects.filter(channel="boleto", status="review", review_reason="duplicate").count() == 1
    assert "99999999999" in BoletoReturnRecord.objects.get(outcome="unmatched").detail


def test_bad_cnab_input_is_refused_naming_line_and_field(tmp_path: Path) -> None:
    _agreement, bank = _setup(tmp_path)
    f.bill(f.prop(), "50.00", DUE)
    (boleto,) = bol.boletos_issue(actor=ACTOR, agreement_code="CB001", due_until=DUE, today=TODAY)
    sent = bol.boleto_remittance_send(actor=ACTOR, agreement_code="CB001", today=TODAY)
    bank.process()
    good = bank.flush(TODAY).read_bytes()  # type: ignore[union-attr]
    lines = good.decode("latin-1").split("\r\n")
    # a wrong batch total
    bad_total = lines[:]
    bad_total[-3] = bad_total[-3][:29] + "0" * 16 + "1" + bad_total[-3][46:]
    with pytest.raises(ReturnFileRejected) as raised:
        services.bank_file_import(actor=ACTOR, data="\r\n".join(bad_total).encode("latin-1"))
    assert "Linha 5, campo 030-046" in str(raised.value.problems[0])
    # a short record
    with pytest.raises(ReturnFileRejected) as short:
        services.bank_file_import(
            actor=ACTOR, data="\r\n".join([lines[0], lines[1][:200], *lines[2:]]).encode()
        )
    assert "Linha 2" in str(short.value.problems[0]) and "240" in str(short.value.problems[0])
    # a remittance is not a return
    with pytest.raises(ReturnFileRejected) as own:
        bol.boleto_return_import(actor=ACTOR, data=sent.content.encode("latin-1"))
    assert "remessa" in str(own.value.problems[0])
    # an unknown agreement
    other = good.decode("latin-1").replace("CB001", "CB999").encode("latin-1")
    with pytest.raises(ValidationFailed) as unknown:
        services.bank_file_import(actor=ACTOR, data=other)
    assert unknown.value.code == "unknown_agent"
    with pytest.raises(NotFound):
        bol.boletos_issue(actor=ACTOR, agreement_code="NOPE", due_until=DUE, today=TODAY)
    with pytest.raises(ValidationFailed):
        bol.boleto_agreement_create(actor=ACTOR, agent_code="341", code="CB002", branch="12a", account="1")
    # the good file still imports, once
    services.bank_file_import(actor=ACTOR, data=good)
    with pytest.raises(Conflict) as twice:
        services.bank_file_import(actor=ACTOR, data=good)
    assert twice.value.code == "duplicate_file"
    boleto.refresh_from_db()
    assert boleto.status == B.REGISTERED
