"""VA-16 / VA-17 (ADR 0213): the 2ª via of an agreement's booklet lists every installment not yet paid,
each with a valid FEBRABAN line that pays it today — the bill's own line for one on a bill not yet
due, a new extrato updated to today with the late-charge rule in force (R-03) for one whose bill is
past due, a slip of its own for one not yet billed (paid ahead, billing never bills it) — and leaves
the paid ones out; the same for an agreement over dívida ativa; on the agency's pages (print, e-mail),
the citizen API, the staff's agreement page and the staff API."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from modules.billing.domain.febraban import parse_typeable_line
from modules.billing.models import BillItem, BillStatus
from modules.collection import services as collection
from modules.collection.models import LateChargePolicyVersion, PaymentDocument
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.domain.documents import mask_document
from modules.debt import active_debt_selectors as reads
from modules.debt import active_debt_services as da
from modules.debt import services as debt_services
from modules.debt.models import Agreement, InstallmentPolicyVersion
from modules.debt.models_active_debt import NoticeKind
from modules.debt.selectors import installment_items
from tests.collection import factories as cf
from tests.conftest import bearer, make_user

from .conftest import Citizen, sign_in
from .test_api import _token

ACTOR = SystemActor("testes")
TODAY = dt.date(2025, 6, 15)
PASSWORD = "Senha-Forte-123"


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def rules(tenant_alpha: Any) -> None:
    """A fixed rule set: Price at 1,63 % a.m. (seed 003), 2 % fine and 1 % a month pro rata die with
    no index and no interest on the fine, rounded half up (the golden cents below)."""
    InstallmentPolicyVersion.objects.update(
        monthly_rate=Decimal("0.0163"),
        min_down_payment_rate=Decimal("0.10"),
        max_installments=6,
        standard_max_installments=6,
        min_installment=Decimal("10.00"),
    )
    LateChargePolicyVersion.objects.update(
        fine_rate=Decimal("0.02"),
        interest_method=LateChargePolicyVersion.Method.PRO_RATA_DIE,
        interest_rate=Decimal("0.01"),
        interest_on_fine=False,
        interest_index=None,
        correction_index=None,
        rounding="half_up",
        accrues_from=None,
    )


def _carry(bill: Any, installment: Any) -> None:
    BillItem.objects.create(
        bill=bill,
        kind="installment",
        description=f"Parcela {installment.number}",
        amount=installment.amount,
        source="debt.installment",
        source_id=str(installment.pk),
    )


def _four_installments(citizen: Citizen) -> tuple[Agreement, dict[str, Any]]:
    """Seed 003's debt (415,29, entry 41,53) in 4 installments of 97,28 (its n = 4): the first on a
    paid bill, the second alone on a bill past due since 03/06, the third on a bill due 10/07, the
    fourth not billed yet."""
    far = TODAY + dt.timedelta(days=60)
    cf.bill(citizen.home, "215.29", far, dt.date(2025, 1, 1))
    cf.bill(citizen.home, "200.00", far, dt.date(2025, 2, 1))
    agreement = debt_services.agreement_create(
        actor=ACTOR, property_id=citizen.home.pk, down_payment=Decimal("41.53"), count=4, as_of=TODAY
    )
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.ACTIVE)
    agreement.refresh_from_db()
    first, second, third, fourth = agreement.installments.order_by("number")
    assert second.amount == Decimal("97.28")
    paid = cf.bill(citizen.home, "120.00", dt.date(2025, 5, 5), dt.date(2025, 4, 1), status=BillStatus.PAID)
    overdue = cf.bill(citizen.home, str(second.amount), dt.date(2025, 6, 3), dt.date(2025, 5, 1))
    BillItem.objects.filter(bill=overdue).delete()  # the bill carries the installment alone
    coming = cf.bill(citizen.home, "150.00", dt.date(2025, 7, 10), dt.date(2025, 6, 1))
    for bill, installment in ((paid, first), (overdue, second), (coming, third)):
        _carry(bill, installment)
    return agreement, {"paid": paid, "overdue": overdue, "coming": coming, "fourth": fourth}


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(content)).pages)


def test_the_booklet_gives_each_open_installment_a_line_that_pays_it_today(
    alpha_client: Client, citizen: Citizen, rules: None
) -> None:
    agreement, b = _four_installments(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"
    menu = alpha_client.get(f"{base}/").content.decode()
    assert f'href="{base}/carnes/"' in menu  # VA-08: a service of its own in the menu
    listing = alpha_client.get(f"{base}/carnes/").content.decode()
    assert f'href="{base}/parcelamentos/{agreement.pk}/carne/"' in listing
    detail = alpha_client.get(f"{base}/parcelamentos/{agreement.pk}/").content.decode()
    assert 'data-testid="agreement-booklet"' in detail

    page = alpha_client.get(f"{base}/parcelamentos/{agreement.pk}/carne/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="slip-1"' not in html  # paid: not listed
    assert 'data-testid="slip-2" data-kind="updated"' in html
    assert 'data-testid="slip-3" data-kind="bill"' in html
    assert 'data-testid="slip-4" data-kind="ahead"' in html

    # VA-17 golden cents: 97,28 due 03/06, the extrato's last day 22/06 (7 days): 19 days late,
    # fine 2 % = 1,9456 → 1,95, interest 1 % × 19/30 on 97,28 = 0,6161 → 0,62; 97,28 + 2,57 = 99,85
    updated = PaymentDocument.objects.get(
        property=citizen.home, kind=PaymentDocument.Kind.STATEMENT, lines__bill=b["overdue"]
    )
    assert (updated.amount, updated.valid_until, updated.as_of) == (
        Decimal("99.85"),
        dt.date(2025, 6, 22),
        TODAY,
    )
    line = updated.lines.get()
    assert (line.original, line.fine, line.interest, line.correction) == (
        Decimal("97.28"),
        Decimal("1.95"),
        Decimal("0.62"),
        Decimal("0.00"),
    )
    assert parse_typeable_line(updated.typeable_line).amount == Decimal("99.85")
    # not yet due: unchanged, paid with its own bill's line
    assert b["coming"].typeable_line in html and "150,00" in html
    # not yet billed: its own slip of the installment's value
    slip = PaymentDocument.objects.get(source="debt.installment_slip", source_id=str(b["fourth"].pk))
    assert slip.kind == PaymentDocument.Kind.INSTALLMENT and slip.amount == b["fourth"].amount
    assert parse_typeable_line(slip.typeable_line).amount == b["fourth"].amount
    assert slip.typeable_line in html

    # printing again the same day issues nothing twice
    documents = PaymentDocument.objects.count()
    pdf = alpha_client.get(f"{base}/parcelamentos/{agreement.pk}/carne.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert PaymentDocument.objects.count() == documents
    text = _pdf_text(pdf.content)
    assert f"2ª VIA DO CARNÊ · PARCELAMENTO {agreement.number}" in text.upper()
    assert "Parcela 1/4" not in text and "Parcela 2/4" in text and "Parcela 4/4" in text
    assert "99,85" in text and "150,00" in text
    assert mask_document(citizen.cpf) in text and citizen.cpf not in text  # the CPF is masked

    # a slip of an installment not yet billed keeps it off the next bill while it is open
    offered = installment_items([citizen.home.pk], YearMonth(2025, 7))
    assert [i.source_id for i in offered.get(citizen.home.pk, [])] == []

    # paid at the counter: the installment is paid ahead, never billed, and the booklet drops it
    collection.payment_register(
        actor=ACTOR, barcode=slip.barcode, amount=slip.amount, paid_on=TODAY, authentication="CX1"
    )
    b["fourth"].refresh_from_db()
    assert b["fourth"].paid_document_id == slip.pk
    again = alpha_client.get(f"{base}/parcelamentos/{agreement.pk}/carne/").content.decode()
    assert 'data-testid="slip-4"' not in again and 'data-testid="slip-2"' in again


def test_the_booklet_by_email_and_through_the_citizen_api(
    alpha_client: Client, citizen: Citizen, stranger: Citizen, rules: None
) -> None:
    agreement, b = _four_installments(citizen)
    citizen.customer.email = "maria@example.com"
    citizen.customer.save(update_fields=["email"])
    auth = _token(alpha_client, citizen)
    api = f"/agencia/api/v1/properties/{citizen.home.pk}/agreements/{agreement.pk}/booklet"
    answer = alpha_client.get(api, **auth)
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert [s["installment"] for s in data["slips"]] == [2, 3, 4] and data["paid"] == 1
    kinds = {s["installment"]: s for s in data["slips"]}
    assert kinds[2]["kind"] == "updated" and kinds[2]["to_pay"] == "99.85" and kinds[2]["charges"] == "2.57"
    assert (
        kinds[3]["kind"] == "bill"
        and kinds[3]["bill_id"] == b["coming"].pk
        and kinds[3]["to_pay"] == "150.00"
    )
    assert kinds[4]["kind"] == "ahead" and kinds[4]["to_pay"] == "97.28"
    for s in data["slips"]:
        assert parse_typeable_line(s["typeable_line"]).amount == Decimal(s["to_pay"])
    pdf = alpha_client.get(f"{api}/pdf", **auth)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    sent = alpha_client.post(f"{api}/email", **auth)
    assert sent.status_code == 202 and sent.json()["sent_to"] == "m•••a@example.com"
    (message,) = mail.outbox
    assert message.to == ["maria@example.com"] and message.attachments[0][0] == f"carne-{agreement.pk}.pdf"
    assert kinds[4]["typeable_line"] in message.body  # the lines themselves in the message
    # without a token 401; another citizen's agreement 404
    assert alpha_client.get(api).status_code == 401
    other = _token(alpha_client, stranger)
    refused = alpha_client.get(
        f"/agencia/api/v1/properties/{stranger.home.pk}/agreements/{agreement.pk}/booklet", **other
    )
    assert refused.status_code == 404
    # a booklet is of an agreement in progress: cancelled, a clear pt-BR refusal
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.CANCELLED)
    cancelled = alpha_client.get(api, **auth)
    assert cancelled.status_code == 409 and "em andamento" in cancelled.json()["detail"]


def test_an_agreement_over_active_debt_has_its_booklet_naming_the_cda(
    alpha_client: Client, citizen: Citizen, rules: None
) -> None:
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=0, down_payment_required=False)
    home = citizen.home
    cf.bill(home, "100.00", dt.date(2025, 1, 10), dt.date(2024, 12, 1))
    cf.bill(home, "80.00", dt.date(2025, 2, 10), dt.date(2025, 1, 1))
    criteria = reads.Criteria(dt.date(2025, 1, 1), dt.date(2025, 3, 31), 60, Decimal("0.01"))
    da.active_debt_enrol(actor=ACTOR, criteria=criteria, as_of=TODAY)
    notice = da.active_debt_notice_issue(
        actor=ACTOR, property_id=home.pk, kind=NoticeKind.NOTICE, as_of=TODAY
    )
    da.active_debt_notice_receipt(actor=ACTOR, notice_id=notice.pk, received_on=TODAY, today=TODAY)
    cda = da.active_debt_certificate_issue(actor=ACTOR, property_id=home.pk, as_of=TODAY)
    agreement = da.active_debt_installments_create(
        actor=ACTOR, cda_id=cda.pk, down_payment=Decimal("0"), count=3, as_of=TODAY
    )
    assert agreement.status == Agreement.Status.ACTIVE
    sign_in(alpha_client, home, citizen.cpf)
    base = f"/agencia/imoveis/{home.pk}"
    listing = alpha_client.get(f"{base}/carnes/").content.decode()
    assert f"CDA {cda.number}" in listing
    html = alpha_client.get(f"{base}/parcelamentos/{agreement.pk}/carne/").content.decode()
    assert f"CDA nº {cda.number}" in html
    slips = PaymentDocument.objects.filter(source="debt.installment_slip").order_by("source_id")
    assert slips.count() == 3  # none billed yet: three slips, each with a valid line
    for slip in slips:
        assert parse_typeable_line(slip.typeable_line).amount == slip.amount and slip.typeable_line in html
    text = _pdf_text(alpha_client.get(f"{base}/parcelamentos/{agreement.pk}/carne.pdf").content)
    assert f"Parcelamento de dívida ativa: CDA nº {cda.number}" in text


def test_staff_print_the_same_booklet_from_the_agreement_page_and_the_api(
    alpha_client: Client, citizen: Citizen, rules: None
) -> None:
    agreement, _b = _four_installments(citizen)
    make_user("alpha", "atendente", PASSWORD, is_admin=True, full_name="Atendente Teste")
    headers = bearer(alpha_client, "atendente", PASSWORD)
    answer = alpha_client.get(f"/api/v1/agreements/{agreement.pk}/booklet", **headers)
    assert answer.status_code == 200, answer.content
    assert [s["installment"] for s in answer.json()["slips"]] == [2, 3, 4]
    assert (
        alpha_client.post("/conta/entrar/", {"username": "atendente", "password": PASSWORD}).status_code
        == 302
    )
    page = alpha_client.get(f"/cobranca/parcelamentos/{agreement.pk}/").content.decode()
    assert 'data-testid="staff-booklet"' in page
    pdf = alpha_client.get(f"/cobranca/parcelamentos/{agreement.pk}/carne.pdf")
    assert pdf.status_code == 200 and "Parcela 3/4" in _pdf_text(pdf.content)
