"""Defect check (issue 12): "a bill already paid is still listed on the citizen's debt statement". A
bill settled for real — by a bank return file, by the gateway's webhook, or inside a paid statement —
leaves the debt on every door the citizen sees: it is no longer an open, selectable row of the
statement page (VA-12 still shows it, blue and disabled, as "Paga"), it is out of the updated
total, out of the open-debts notice and the citizen API's debts, and a statement cannot include it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import requests
import time_machine
from django.test import Client

from modules.billing.models import BillStatus
from modules.collection import services as collection
from modules.collection.models import GatewayCharge, PaymentDocument
from modules.common.audit import SystemActor
from modules.debt import services as debt
from modules.debt.selectors import debt_position, statement_valid_until
from portal import selectors
from tests.collection import factories as f

from .conftest import WEBHOOK_BASIC as BASIC
from .conftest import WEBHOOK_TOKEN as TOKEN
from .conftest import Citizen, sign_in
from .test_api import _token

TODAY = dt.date(2025, 6, 15)
ACTOR = SystemActor("tests")


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def _two_open_bills(citizen: Citizen) -> tuple[Any, Any]:
    p = citizen.home
    return (
        f.bill(p, "57.30", dt.date(2025, 6, 10), dt.date(2025, 5, 1)),
        f.bill(p, "61.00", dt.date(2025, 7, 10), dt.date(2025, 6, 1)),
    )


def _assert_paid_bill_is_off_the_debt(client: Client, citizen: Citizen, paid: Any, still_open: Any) -> None:
    paid.refresh_from_db()
    assert paid.status == BillStatus.PAID
    page = client.get(f"/agencia/imoveis/{citizen.home.pk}/extrato/")
    assert page.status_code == 200
    rows = {r.bill_id: r for r in page.context["rows"]}
    assert rows[paid.pk].state == "paid" and not rows[paid.pk].selectable
    assert rows[still_open.pk].state == "open"
    assert page.context["selected"] == {still_open.pk}
    open_total = debt_position(citizen.home.pk, statement_valid_until(TODAY)).items[0].total
    assert page.context["total_all"] == open_total
    body = page.content.decode()
    assert f'id="bill-{paid.pk}" data-total="{paid.total}" disabled' in body
    assert f'data-testid="status-{paid.pk}">Paga<' in body

    summary = selectors.open_debts_summary(citizen.home)
    assert summary.open_bills == 1
    debts = client.get(
        f"/agencia/api/v1/properties/{citizen.home.pk}/debts",
        **_token(Client(HTTP_HOST=client.defaults["HTTP_HOST"]), citizen),
    ).json()
    assert [i["bill_id"] for i in debts["items"]] == [still_open.pk]

    statements = PaymentDocument.objects.filter(kind=PaymentDocument.Kind.STATEMENT).count()
    refused = client.post(
        f"/agencia/imoveis/{citizen.home.pk}/extrato/", {"bills": [paid.pk], "action": "emitir"}
    )
    assert refused.status_code == 400
    assert PaymentDocument.objects.filter(kind=PaymentDocument.Kind.STATEMENT).count() == statements


def _pay_by_pix(alpha_client: Client, citizen: Citizen, fake: Any, bill: Any, paid: dict[str, Any]) -> str:
    """The signed-in citizen pays `bill` by PIX from the agency; the fake gateway settles the charge with
    `paid` (its whole amount when empty) and its webhook reaches us. Answers the property's agency path."""
    base = f"/agencia/imoveis/{citizen.home.pk}"
    assert alpha_client.post(f"{base}/pagar/", {"bills": [bill.pk], "method": "pix"}).status_code == 302
    charge = GatewayCharge.objects.get(document__property=citizen.home)
    event = requests.post(f"{fake.url}/_fake/charges/{charge.charge_id}/pay", json=paid, timeout=5).json()
    hook = alpha_client.post(f"/webhooks/pagarme/{TOKEN}", event, content_type="application/json", **BASIC)
    assert hook.status_code == 200
    return base


def test_a_bill_paid_by_a_bank_return_file_leaves_the_statement(
    alpha_client: Client, citizen: Citizen
) -> None:
    paid, still_open = _two_open_bills(citizen)
    f.agent()
    collection.return_file_import(actor=ACTOR, data=f.return_file([(paid.barcode, "57.30")]))
    sign_in(alpha_client, citizen.home, citizen.cpf)

    _assert_paid_bill_is_off_the_debt(alpha_client, citizen, paid, still_open)


def test_a_bill_paid_through_the_gateway_leaves_the_statement(
    alpha_client: Client, citizen: Citizen, fake: Any
) -> None:
    paid, still_open = _two_open_bills(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    _pay_by_pix(alpha_client, citizen, fake, paid, {})

    _assert_paid_bill_is_off_the_debt(alpha_client, citizen, paid, still_open)


def test_a_bill_paid_inside_a_statement_leaves_the_next_statement(
    alpha_client: Client, citizen: Citizen
) -> None:
    paid, still_open = _two_open_bills(citizen)
    document = debt.statement_create(
        actor=ACTOR,
        property_id=citizen.home.pk,
        as_of=TODAY,
        valid_until=statement_valid_until(TODAY),
        bill_ids=[paid.pk],
    )
    assert document.amount > Decimal("57.30")  # overdue: priced with its late charges
    f.agent()
    collection.return_file_import(
        actor=ACTOR,
        data=f.return_file(
            [(document.barcode, str(document.amount))],
            paid_on=TODAY,
            credited_on=TODAY + dt.timedelta(days=1),
        ),
    )
    document.refresh_from_db()
    assert document.status == PaymentDocument.Status.PAID
    sign_in(alpha_client, citizen.home, citizen.cpf)

    _assert_paid_bill_is_off_the_debt(alpha_client, citizen, paid, still_open)


# --- a payment received but not yet matched (in the utility's review queue) ----------------------------
# Issue 12 again, reproduced: the citizen paid, the money arrived, but the matcher could not settle it
# by itself (a statement paid at the bank after its "não receber após", a PIX paid for less) and sent it
# to review. Until the utility decides, the bill was still an open, selectable row priced with late
# charges, and the gateway would take a second payment for it. It is *em conferência* now: shown, not
# selectable, not payable, out of the citizen's debts.


def _assert_in_review_and_not_offered(client: Client, citizen: Citizen, paid: Any, still_open: Any) -> None:
    paid.refresh_from_db()
    assert paid.status == BillStatus.RELEASED  # nothing settled it: the staff's review decides
    page = client.get(f"/agencia/imoveis/{citizen.home.pk}/extrato/")
    assert page.status_code == 200
    rows = {r.bill_id: r for r in page.context["rows"]}
    assert rows[paid.pk].state == "review" and not rows[paid.pk].selectable
    assert rows[paid.pk].label == "Em conferência (pagamento recebido, em análise pela empresa)"
    assert page.context["selected"] == {still_open.pk}
    body = page.content.decode()
    assert f'id="bill-{paid.pk}" data-total="{rows[paid.pk].total}" disabled' in body

    bills_page = client.get(f"/agencia/imoveis/{citizen.home.pk}/contas/")
    assert {r.bill.pk: r for r in bills_page.context["rows"]}[paid.pk].payable is False

    api = Client(HTTP_HOST=client.defaults["HTTP_HOST"])
    auth = _token(api, citizen)
    debts = api.get(f"/agencia/api/v1/properties/{citizen.home.pk}/debts", **auth).json()
    assert [i["bill_id"] for i in debts["items"]] == [still_open.pk]

    statements = PaymentDocument.objects.filter(kind=PaymentDocument.Kind.STATEMENT).count()
    refused = client.post(
        f"/agencia/imoveis/{citizen.home.pk}/extrato/", {"bills": [paid.pk], "action": "emitir"}
    )
    assert refused.status_code == 400
    assert "em conferência" in refused.content.decode()
    by_api = api.post(
        f"/agencia/api/v1/properties/{citizen.home.pk}/statements",
        {"bills": [paid.pk]},
        content_type="application/json",
        **auth,
    )
    assert by_api.status_code == 409 and by_api.json()["code"] == "bills_in_review"
    assert PaymentDocument.objects.filter(kind=PaymentDocument.Kind.STATEMENT).count() == statements


def test_a_statement_paid_at_the_bank_after_its_validity_is_not_offered_again(
    alpha_client: Client, citizen: Citizen
) -> None:
    paid, still_open = _two_open_bills(citizen)
    document = debt.statement_create(
        actor=ACTOR,
        property_id=citizen.home.pk,
        as_of=TODAY,
        valid_until=statement_valid_until(TODAY),
        bill_ids=[paid.pk],
    )
    late = document.valid_until + dt.timedelta(days=3)
    f.agent()
    collection.return_file_import(
        actor=ACTOR,
        data=f.return_file(
            [(document.barcode, str(document.amount))], paid_on=late, credited_on=late + dt.timedelta(days=1)
        ),
    )
    [payment] = document.payments.all()
    assert payment.status == payment.Status.REVIEW
    sign_in(alpha_client, citizen.home, citizen.cpf)

    _assert_in_review_and_not_offered(alpha_client, citizen, paid, still_open)


def test_a_pix_paid_for_less_is_not_offered_again_until_the_utility_decides(
    alpha_client: Client, citizen: Citizen, fake: Any
) -> None:
    paid, still_open = _two_open_bills(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = _pay_by_pix(alpha_client, citizen, fake, paid, {"amount": 1000})

    _assert_in_review_and_not_offered(alpha_client, citizen, paid, still_open)
    again = alpha_client.post(f"{base}/pagar/", {"bills": [paid.pk], "method": "pix"})
    assert GatewayCharge.objects.filter(document__property=citizen.home).count() == 1, again


def test_once_the_utility_refunds_the_payment_the_bill_is_open_again(
    alpha_client: Client, citizen: Citizen
) -> None:
    paid, _still_open = _two_open_bills(citizen)
    f.agent()
    collection.return_file_import(actor=ACTOR, data=f.return_file([(paid.barcode, "50.00")]))
    [payment] = collection.Payment.objects.filter(bill=paid)
    assert payment.status == payment.Status.REVIEW
    sign_in(alpha_client, citizen.home, citizen.cpf)
    page = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/extrato/")
    assert {r.bill_id: r for r in page.context["rows"]}[paid.pk].state == "review"

    collection.payment_review_resolve(actor=ACTOR, payment_id=payment.pk, action="refund", reason="devolvido")

    page = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/extrato/")
    assert {r.bill_id: r for r in page.context["rows"]}[paid.pk].state == "open"
