"""The guia avulsa (ADR 0228): lines to the cent, a barcode that parses back to its amount, paid by
its barcode like any document, its API and PDF; credits with their ledger: refunded in part, offset
against open bills (settling them), the balance carried to the next bill, and a move above the
balance or above what the bills can take refused on `amount` with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from modules.billing.domain.febraban import parse_barcode, parse_typeable_line
from modules.billing.models import BillStatus
from modules.collection import credits, services, slips
from modules.collection import exceptions as ex
from modules.collection.models import CreditMove, DocumentItem, Payment, PaymentAdjustment, PaymentDocument
from modules.collection.slips_pdf import render_document_html
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from tests.billing.factories import set_company_code
from tests.collection import factories as f
from tests.conftest import bearer, make_user

pytestmark = [pytest.mark.usefixtures("tenant_alpha")]
ACTOR = SystemActor("tests")
TODAY = dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC)
VALID = dt.date(2025, 6, 30)  # a Monday
PAID, CREDITED = dt.date(2025, 5, 30), dt.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def frozen(tenant_alpha: object) -> object:
    set_company_code("0562")
    with time_machine.travel(TODAY, tick=False):
        yield


def _slip(p: object) -> PaymentDocument:
    return slips.slip_create(
        actor=ACTOR,
        property_id=p.pk,  # type: ignore[attr-defined]
        valid_until=VALID,
        lines=[
            slips.SlipLine("Religação a pedido", Decimal("45.90")),
            slips.SlipLine("Aferição de hidrômetro", Decimal("32.15")),
        ],
    )


def test_a_slip_sums_its_lines_and_its_barcode_parses_back_to_the_amount() -> None:
    doc = _slip(f.prop())
    assert (doc.kind, doc.status, doc.amount, doc.valid_until) == (
        "service_charge",
        "open",
        Decimal("78.05"),
        VALID,
    )
    assert list(DocumentItem.objects.filter(document=doc).values_list("description", "amount")) == [
        ("Religação a pedido", Decimal("45.90")),
        ("Aferição de hidrômetro", Decimal("32.15")),
    ]
    assert parse_barcode(doc.barcode).amount == Decimal("78.05")
    assert parse_typeable_line(doc.typeable_line).amount == Decimal("78.05")
    assert parse_typeable_line(doc.typeable_line).digits == doc.barcode
    html = render_document_html(doc)
    assert "Guia de recolhimento avulsa" in html and "Religação a pedido" in html and "78,05" in html


def test_a_slip_is_paid_by_its_barcode_like_any_document() -> None:
    doc = _slip(f.prop())
    f.agent()
    services.return_file_import(
        actor=ACTOR,
        data=f.return_file([(doc.barcode, "78.05")], paid_on=PAID, credited_on=CREDITED),
        filename="r.ret",
    )
    doc.refresh_from_db()
    assert doc.status == "paid"
    assert Payment.objects.get().document_id == doc.pk


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [slips.SlipLine("x", Decimal("0.00"))]}, "lines[0].amount"),
        ({"lines": [slips.SlipLine("x", Decimal("1.001"))]}, "lines[0].amount"),
        ({"lines": [slips.SlipLine(" ", Decimal("1.00"))]}, "lines[0].description"),
        ({"valid_until": dt.date(2025, 6, 1)}, "valid_until"),
        ({"valid_until": dt.date(2025, 6, 28)}, "valid_until"),  # a Saturday
        ({"valid_until": dt.date(2025, 12, 1)}, "valid_until"),  # beyond 90 days
        ({"property_id": None}, "property"),
    ],
)
def test_a_bad_slip_names_its_field_and_writes_nothing(kwargs: dict[str, object], field: str) -> None:
    p = f.prop()
    args: dict[str, object] = {
        "actor": ACTOR,
        "property_id": p.pk,
        "valid_until": VALID,
        "lines": [slips.SlipLine("Serviço", Decimal("10.00"))],
    } | kwargs
    before = (PaymentDocument.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as raised:
        slips.slip_create(**args)  # type: ignore[arg-type]
    assert raised.value.field == field
    assert (PaymentDocument.objects.count(), AuditEntry.objects.count()) == before


def test_the_documents_api_creates_answers_and_prints(alpha_client: Client) -> None:
    make_user("alpha", "caixa", is_admin=True)
    h = bearer(alpha_client, "caixa", "Senha-forte-123")
    p = f.prop()
    made = alpha_client.post(
        "/api/v1/documents/slips",
        {
            "property": p.pk,
            "valid_until": "2025-06-30",
            "lines": [{"description": "Ligação", "amount": "120.40"}],
        },
        content_type="application/json",
        **h,
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["amount"], body["kind_label"], body["items"][0]["amount"]) == (
        "120.40",
        "Cobrança avulsa de serviço",
        "120.40",
    )
    got = alpha_client.get(f"/api/v1/documents/{body['id']}", **h)
    assert got.status_code == 200 and got.json()["typeable_line"] == body["typeable_line"]
    assert parse_typeable_line(got.json()["typeable_line"]).amount == Decimal("120.40")
    pdf = alpha_client.get(f"/api/v1/documents/{body['id']}/pdf", **h)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert alpha_client.get("/api/v1/documents/999999", **h).status_code == 404
    bad = alpha_client.post(
        "/api/v1/documents/slips",
        {"property": p.pk, "valid_until": "2025-06-30", "lines": [{"description": "x", "amount": "-1.00"}]},
        content_type="application/json",
        **h,
    )
    assert bad.status_code == 400 and bad.json()["field"] == "lines[0].amount"


def _credit(p: object, amount: str) -> PaymentAdjustment:
    bill = f.bill(p, "40.00", dt.date(2025, 6, 5), dt.date(2025, 4, 1))
    f.agent()
    services.return_file_import(
        actor=ACTOR,
        data=f.return_file(
            [(bill.barcode, "40.00"), (bill.barcode, amount)], paid_on=PAID, credited_on=CREDITED
        ),
        filename="c.ret",
    )
    dup = Payment.objects.get(review_reason="duplicate", status="review")
    ex.payment_credit(actor=ACTOR, payment_id=dup.pk, reason="Pagou duas vezes")
    return PaymentAdjustment.objects.get(kind="credit")


def test_a_credit_refunded_in_part_then_offset_against_an_open_bill_with_its_ledger() -> None:
    p = f.prop()
    credit = _credit(p, "40.00")
    assert credits.credit_balance(credit) == Decimal("40.00")
    credits.credit_refund(
        actor=ACTOR, credit_id=credit.pk, amount=Decimal("12.50"), reason="Pedido do cliente"
    )
    assert credits.credit_balance(credit) == Decimal("27.50")
    # the next bill would carry only the balance
    (item,) = ex.adjustment_items([p.pk], YearMonth(2025, 7))[p.pk]
    assert (item.kind, item.amount) == ("credit", Decimal("-27.50"))
    open_bill = f.bill(p, "27.50", dt.date(2025, 6, 25), dt.date(2025, 5, 1))
    credits.credit_offset(
        actor=ACTOR,
        credit_id=credit.pk,
        bill_ids=[open_bill.pk],
        amount=Decimal("27.50"),
        reason="Compensação",
    )
    open_bill.refresh_from_db()
    assert open_bill.status == BillStatus.PAID
    assert credits.credit_balance(credit) == Decimal("0.00")
    assert ex.adjustment_items([p.pk], YearMonth(2025, 7)) == {}
    ledger = credits.credit_ledger(credit)
    assert [(ln.kind, ln.amount, ln.balance) for ln in ledger] == [
        ("granted", Decimal("40.00"), Decimal("40.00")),
        ("refund", Decimal("-12.50"), Decimal("27.50")),
        ("offset", Decimal("-27.50"), Decimal("0.00")),
    ]


def test_a_move_above_the_balance_or_above_what_can_be_offset_is_refused_on_amount() -> None:
    p = f.prop()
    credit = _credit(p, "40.00")
    small = f.bill(p, "25.00", dt.date(2025, 6, 25), dt.date(2025, 5, 1))
    before = (CreditMove.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as raised:
        credits.credit_refund(actor=ACTOR, credit_id=credit.pk, amount=Decimal("40.01"), reason="x")
    assert raised.value.field == "amount"
    assert raised.value.message == "O valor (R$ 40,01) é maior que o saldo do crédito (R$ 40,00)."
    with pytest.raises(ValidationFailed) as raised:
        credits.credit_offset(
            actor=ACTOR, credit_id=credit.pk, bill_ids=[small.pk], amount=Decimal("30.00"), reason="x"
        )
    assert (raised.value.field, raised.value.code) == ("amount", "credit_exceeded")
    assert "maior que o que pode ser compensado: as faturas escolhidas somam R$ 25,00" in raised.value.message
    small.refresh_from_db()
    assert small.status == BillStatus.RELEASED
    assert (CreditMove.objects.count(), AuditEntry.objects.count()) == before


def test_the_credit_api_answers_the_ledger_and_refuses_by_field(alpha_client: Client) -> None:
    make_user("alpha", "caixa", is_admin=True)
    h = bearer(alpha_client, "caixa", "Senha-forte-123")
    credit = _credit(f.prop(), "40.00")
    refused = alpha_client.post(
        f"/api/v1/collection/credits/{credit.pk}/refund",
        {"amount": "50.00", "reason": "x"},
        content_type="application/json",
        **h,
    )
    assert refused.status_code == 400 and refused.json()["field"] == "amount"
    done = alpha_client.post(
        f"/api/v1/collection/credits/{credit.pk}/refund",
        {"amount": "10.00", "reason": "Devolução"},
        content_type="application/json",
        **h,
    )
    assert done.status_code == 201 and done.json()["balance"] == "30.00"
    got = alpha_client.get(f"/api/v1/collection/credits/{credit.pk}", **h).json()
    assert [ln["kind"] for ln in got["ledger"]] == ["granted", "refund"]


def test_the_staff_pages_issue_a_slip_show_it_and_use_a_credit(alpha_client: Client) -> None:
    from modules.access.models import User

    make_user("alpha", "caixa", is_admin=True)
    alpha_client.force_login(User.objects.get(username="caixa"))
    p = f.prop()
    form = alpha_client.get("/arrecadacao/guias/nova/")
    assert form.status_code == 200 and "Nova guia avulsa" in form.content.decode()
    refused = alpha_client.post(
        "/arrecadacao/guias/nova/",
        {
            "account_number": p.account_number,
            "valid_until": "2025-06-30",
            "description_1": "x",
            "amount_1": "0",
        },
    )
    assert refused.status_code == 200 and "Item 1: o valor deve ser positivo" in refused.content.decode()
    assert not PaymentDocument.objects.exists()
    made = alpha_client.post(
        "/arrecadacao/guias/nova/",
        {
            "account_number": p.account_number,
            "valid_until": "2025-06-30",
            "description_1": "Ligação",
            "amount_1": "1.234,56",
        },
    )
    assert made.status_code == 302
    doc = PaymentDocument.objects.get()
    assert doc.amount == Decimal("1234.56") and made["Location"] == f"/arrecadacao/documentos/{doc.pk}/"
    page = alpha_client.get(made["Location"]).content.decode()
    assert "Guia avulsa nº" in page and "1.234,56" in page and doc.typeable_line in page
    pdf = alpha_client.get(f"/arrecadacao/documentos/{doc.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    credit = _credit(p, "40.00")
    ledger = alpha_client.get(f"/arrecadacao/creditos/{credit.pk}/").content.decode()
    assert "Extrato do crédito" in ledger and "Crédito concedido" in ledger
    alpha_client.post(
        f"/arrecadacao/creditos/{credit.pk}/", {"op": "refund", "amount": "10,00", "reason": "Devolução"}
    )
    assert credits.credit_balance(credit) == Decimal("30.00")


def test_a_slip_for_a_customer_without_a_property(tenant_alpha: object) -> None:
    """3.2.7.11: a circus or a fair with no unit gets a payable document with its barcode."""
    from tests.registry import factories as rf

    circus = rf.customer("Circo Estrela Ltda")
    doc = slips.slip_create(
        actor=ACTOR,
        customer_id=circus.pk,
        valid_until=VALID,
        lines=[slips.SlipLine("Fornecimento de água por caminhão-pipa", Decimal("310.00"))],
    )
    assert (doc.property_id, doc.customer_id, doc.amount) == (None, circus.pk, Decimal("310.00"))
    assert parse_barcode(doc.barcode).amount == Decimal("310.00")
    assert "Circo Estrela Ltda" in render_document_html(doc)
