"""PIX on the bill (issue #18 item 4, ADR 0217): the static BR Code a bill prints (key, exact amount,
txid naming the bill, CRC16 checked independently with binascii), the PDF showing the QR and the
"copia e cola", none for a bill under direct debit or paid; the bank's receipts in the BACEN webhook
body reconciled with the bill by txid, each once, unknown or repeated ones kept for review."""

from __future__ import annotations

import binascii
import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from modules.billing.models import Bill, BillStatus
from modules.billing.pdf import render_bill_pdf
from modules.collection.domain.pix import parse_fields, parse_payload
from modules.collection.models import Payment, Settlement
from modules.collection.pix_bill import (
    bill_of_txid,
    bill_pix_payload,
    bill_txid,
    pix_receipts_import,
    pix_receiver_set,
)
from modules.common.audit import SystemActor
from modules.common.errors import ValidationFailed
from tests.collection import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")

ACTOR = SystemActor("tests")
PASSWORD = "Senha-forte-123"
DUE = dt.date(2099, 3, 10)
KEY = "12345678000195"


def _receiver():
    f.agent("001")
    return pix_receiver_set(
        actor=ACTOR, agent_code="001", key=KEY, merchant_name="SAAE São José", merchant_city="São José"
    )


def _e2e(n: int) -> str:
    return f"E00000000209903101200{n:011d}"


def test_the_bill_carries_a_static_br_code_with_its_amount_and_txid() -> None:
    _receiver()
    bill = f.bill(f.prop(), "87.45", DUE)
    payload = bill_pix_payload(bill)
    # CRC16/CCITT-FALSE over everything up to and including "6304", computed here by binascii
    assert payload[-4:] == f"{binascii.crc_hqx(payload[:-4].encode(), 0xFFFF):04X}"
    fields = parse_payload(payload)
    assert fields["00"] == "01" and "01" not in fields  # static: no point-of-initiation "12"
    account = parse_fields(fields["26"])
    assert account == {"00": "br.gov.bcb.pix", "01": KEY}
    assert (fields["52"], fields["53"], fields["54"], fields["58"]) == ("0000", "986", "87.45", "BR")
    assert (fields["59"], fields["60"]) == ("SAAE Sao Jose", "Sao Jose")
    assert parse_fields(fields["62"]) == {"05": bill_txid(bill.pk)}
    assert bill_of_txid(bill_txid(bill.pk)) == bill.pk
    wrong = bill_txid(bill.pk)[:-1] + str((int(bill_txid(bill.pk)[-1]) + 1) % 10)
    assert bill_of_txid(wrong) is None  # a mistyped txid names no bill
    # none for a bill under direct debit, nor a paid one
    Bill.objects.filter(pk=bill.pk).update(direct_debit="Débito automático – Banco 237")
    bill.refresh_from_db()
    assert bill_pix_payload(bill) == ""
    assert bill_pix_payload(f.bill(f.prop(), "10.00", DUE, status=BillStatus.PAID)) == ""


def test_the_bill_pdf_shows_the_qr_and_the_copy_paste_code(tmp_path: Path) -> None:
    _receiver()
    bill = f.bill(f.prop(), "87.45", DUE)
    pdf = tmp_path / "fatura.pdf"
    pdf.write_bytes(render_bill_pdf(bill))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Pague com Pix" in text and bill_txid(bill.pk) in text.replace("\n", "").replace(" ", "")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    assert any(tmp_path.glob("page*.png"))


def test_receipts_settle_their_bill_once_and_unknown_or_repeated_ones_go_to_review(
    alpha_client: Client,
) -> None:
    _receiver()
    bill = f.bill(f.prop(), "87.45", DUE)
    other = f.bill(f.prop(), "20.00", DUE)
    body = {
        "pix": [
            {
                "endToEndId": _e2e(1),
                "txid": bill_txid(bill.pk),
                "valor": "87.45",
                "horario": "2099-03-09T23:30:00-03:00",
            },
            {
                "endToEndId": _e2e(2),
                "txid": "FAT99999999990",
                "valor": "5.00",
                "horario": "2099-03-09T10:00:00Z",
            },
        ]
    }
    made = pix_receipts_import(actor=ACTOR, payload=body)
    assert [(p.status, p.review_reason) for p in made] == [("applied", ""), ("review", "unknown")]
    assert made[0].paid_on == dt.date(2099, 3, 9) and made[0].authentication == _e2e(1)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    # the bank repeats the webhook: nothing twice
    assert pix_receipts_import(actor=ACTOR, payload=body) == []
    # a second PIX for the paid bill (another endToEndId) is a duplicate for review, through the API
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)
    r = alpha_client.post(
        "/api/v1/collection/pix/receipts",
        {
            "pix": [
                {
                    "endToEndId": _e2e(3),
                    "txid": bill_txid(bill.pk),
                    "valor": "87.45",
                    "horario": "2099-03-10T08:00:00-03:00",
                },
                {
                    "endToEndId": _e2e(4),
                    "txid": bill_txid(other.pk),
                    "valor": "20.00",
                    "horario": "2099-03-10T08:00:00-03:00",
                },
            ]
        },
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 201, r.content
    assert [(p["status"], p["review_reason"]) for p in r.json()] == [("review", "duplicate"), ("applied", "")]
    assert Settlement.objects.filter(bill=bill, reversed=False).count() == 1
    assert Payment.objects.filter(channel="pix").count() == 4
    # bad input names the field
    r = alpha_client.post(
        "/api/v1/collection/pix/receipts",
        {"pix": [{"endToEndId": "curto", "txid": "x", "valor": "1.00", "horario": "2099-03-10T08:00:00Z"}]},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and r.json()["field"] == "pix[0].endToEndId"
    with pytest.raises(ValidationFailed) as raised:
        pix_receipts_import(
            actor=ACTOR,
            payload={
                "pix": [
                    {"endToEndId": _e2e(5), "txid": "x", "valor": "1.001", "horario": "2099-03-10T08:00:00Z"}
                ]
            },
        )
    assert raised.value.field == "pix[0].valor"
    assert Decimal("87.45") == Payment.objects.get(authentication=_e2e(1)).amount
