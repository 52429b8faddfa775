"""The agency's money pages: open-debts notice (VA-09), second copy with PDF, typeable line and
e-mail (VA-11, VA-15), debt statement (VA-12, VA-14), online payment through the fake Pagar.me
(VA-11, VA-13), payments (VA-22) and consumption (VA-21); every object through the citizen's scope."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
import time_machine
from django.core import mail
from django.test import Client

from modules.billing.domain.febraban import parse_typeable_line as validate_typeable_line
from modules.billing.models import BillStatus
from modules.collection.models import GatewayCharge, Payment, PaymentDocument
from modules.debt import services as debt
from modules.debt.models import InstallmentPolicyVersion
from modules.debt.selectors import debt_position
from portal import selectors
from tests.collection import factories as f

from .conftest import WEBHOOK_BASIC as BASIC
from .conftest import WEBHOOK_TOKEN as TOKEN
from .conftest import Citizen, sign_in

TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def _page(client: Client, citizen: Citizen, tail: str = "") -> str:
    response = client.get(f"/agencia/imoveis/{citizen.home.pk}/{tail}")
    assert response.status_code == 200, response.content
    return response.content.decode()


def _owing(citizen: Citizen) -> list[Any]:
    """Two overdue bills and one not yet due; one paid bill of last year."""
    p = citizen.home
    return [
        f.bill(p, "57.30", dt.date(2025, 3, 10), dt.date(2025, 2, 1)),
        f.bill(p, "42.70", dt.date(2025, 4, 10), dt.date(2025, 3, 1)),
        f.bill(p, "61.00", dt.date(2025, 7, 10), dt.date(2025, 6, 1)),
        f.bill(p, "38.00", dt.date(2024, 12, 10), dt.date(2024, 11, 1), status=BillStatus.PAID),
    ]


# --- VA-09 ------------------------------------------------------------------------------------------


def test_open_debts_notice_shows_count_and_updated_total(alpha_client: Client, citizen: Citizen) -> None:
    _owing(citizen)
    expected = debt_position(citizen.home.pk, TODAY).totals["total"]
    assert expected > Decimal("161.00")  # late charges on the overdue ones
    summary = selectors.open_debts_summary(citizen.home)
    assert summary.available and summary.open_bills == 3 and summary.updated_total == expected
    assert isinstance(summary.updated_total, Decimal)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    body = _page(alpha_client, citizen)
    assert "3 contas em aberto" in body
    total = f"{expected:.2f}".replace(".", ",")
    assert f"R$ {total}" in body


# --- VA-11 / VA-15 ---------------------------------------------------------------------------------


def test_second_copy_lists_bills_prints_copies_the_line_and_emails(
    alpha_client: Client, citizen: Citizen
) -> None:
    overdue, _, current, _paid = _owing(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    body = _page(alpha_client, citizen, "contas/")
    assert "02/2025" in body and "11/2024" in body and "Paga" in body and "Vencida" in body
    assert "R$ 161,00" in body  # open bills without charges

    pdf = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/contas/{overdue.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    line = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/contas/{current.pk}/linha/?formato=texto")
    digits = line.content.decode()
    assert len(digits) == 48 and digits.isdigit() and digits == current.typeable_line
    validate_typeable_line(digits)
    assert digits[1] == "2"  # segment 2, saneamento
    page = _page(alpha_client, citizen, f"contas/{current.pk}/linha/")
    assert f"{digits[:11]}-{digits[11]}" in page and "data-copy-target" in page
    assert "portal/js/bills.js" in page and "<script>" not in page

    sent = alpha_client.post(f"/agencia/imoveis/{citizen.home.pk}/contas/{current.pk}/email/")
    assert sent.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["maria@example.com"]
    name, content, kind = mail.outbox[0].attachments[0]
    assert kind == "application/pdf" and content.startswith(b"%PDF") and name == "conta-2025-06.pdf"


def test_another_citizens_bill_and_another_tenants_host_answer_404(
    alpha_client: Client, beta_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    mine = f.bill(citizen.home, "57.30", dt.date(2025, 7, 10))
    theirs = f.bill(stranger.home, "99.00", dt.date(2025, 7, 10))
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"
    for tail in ("pdf/", "linha/", "linha/?formato=texto"):
        # their bill under my property, and their property with their bill
        assert alpha_client.get(f"{base}/contas/{theirs.pk}/{tail}").status_code == 404
        assert (
            alpha_client.get(f"/agencia/imoveis/{stranger.home.pk}/contas/{theirs.pk}/{tail}").status_code
            == 404
        )
        assert alpha_client.get(f"{base}/contas/987654321/{tail}").status_code == 404
    assert alpha_client.post(f"{base}/contas/{theirs.pk}/email/").status_code == 404
    assert alpha_client.get(f"/agencia/imoveis/{stranger.home.pk}/contas/").status_code == 404
    assert alpha_client.get(f"{base}/pagar/?bills={theirs.pk}").content.decode().count("R$ 99,00") == 0
    assert len(mail.outbox) == 0
    # the same session cookie on another utility's host reaches nothing
    beta_client.cookies = alpha_client.cookies
    assert beta_client.get(f"{base}/contas/{mine.pk}/pdf/").status_code == 302
    assert beta_client.get(f"{base}/contas/").status_code == 302


def test_no_second_copy_in_the_agency_under_execution_or_for_a_bill_in_active_debt(
    alpha_client: Client, citizen: Citizen
) -> None:
    """TR S10.13-03: a citizen never holds the special privilege; the bill is still listed."""
    from modules.billing.services.legal import process_close, process_create
    from modules.common.audit import SystemActor

    overdue, second, current, _paid = _owing(citizen)
    home = citizen.home.pk
    sign_in(alpha_client, citizen.home, citizen.cpf)
    legal = SystemActor("juridico")
    inscribed = process_create(
        actor=legal, property_id=home, kind="active_debt", number="DA 77/2025",
        starts_on=dt.date(2025, 6, 1), bill_ids=[overdue.pk],
    )  # fmt: skip
    refused = alpha_client.get(f"/agencia/imoveis/{home}/contas/{overdue.pk}/pdf/", follow=True)
    assert refused.redirect_chain == [(f"/agencia/imoveis/{home}/", 302)]
    assert "inscrita em dívida ativa. Procure um posto de atendimento" in refused.content.decode()
    assert alpha_client.get(f"/agencia/imoveis/{home}/contas/{overdue.pk}/linha/").status_code == 302
    outbox = len(mail.outbox)
    assert alpha_client.post(f"/agencia/imoveis/{home}/contas/{overdue.pk}/email/").status_code == 302
    assert len(mail.outbox) == outbox
    assert alpha_client.get(f"/agencia/imoveis/{home}/contas/{second.pk}/pdf/").status_code == 200
    token = alpha_client.post(
        "/agencia/api/v1/auth/token",
        {"account": citizen.home.account_number, "document": citizen.cpf},
        content_type="application/json",
    ).json()["token"]
    api = alpha_client.get(
        f"/agencia/api/v1/properties/{home}/bills/{overdue.pk}/pdf", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert api.status_code == 403 and api.json()["code"] == "legal_locked"
    process_close(actor=legal, process_id=inscribed.pk, ends_on=dt.date(2025, 6, 14), reason="quitado")
    assert alpha_client.get(f"/agencia/imoveis/{home}/contas/{overdue.pk}/pdf/").status_code == 200
    process_create(
        actor=legal,
        property_id=home,
        kind="tax_enforcement",
        number="EF 9/2025",
        starts_on=dt.date(2025, 6, 1),
    )
    assert alpha_client.get(f"/agencia/imoveis/{home}/contas/{current.pk}/pdf/").status_code == 302
    assert "02/2025" in _page(alpha_client, citizen, "contas/")  # still listed


# --- VA-12 / VA-14 ---------------------------------------------------------------------------------


def test_statement_selects_open_bills_only_and_prints_the_selected_total(
    alpha_client: Client, citizen: Citizen
) -> None:
    InstallmentPolicyVersion.objects.update(
        min_down_payment_rate=Decimal("0.10"), min_installment=Decimal("1")
    )
    p = citizen.home
    held = f.bill(p, "300.00", dt.date(2025, 1, 10), dt.date(2024, 12, 1))
    debt.agreement_create(
        actor=_actor(), property_id=p.pk, down_payment=Decimal("100.00"), count=2, as_of=TODAY
    )
    a, b, c, paid = _owing(citizen)
    sign_in(alpha_client, p, citizen.cpf)
    body = _page(alpha_client, citizen, "extrato/")
    assert f'value="{held.pk}" id="bill-{held.pk}" data-total="300.00" disabled' in body.replace(
        " checked", ""
    )
    assert "agency-debt--agreement" in body and "agency-debt--paid" in body and 'aria-disabled="true"' in body
    valid_until = TODAY + dt.timedelta(days=7)
    position = {i.bill_id: i for i in debt_position(p.pk, valid_until).items}
    assert set(position) == {a.pk, b.pk, c.pk}

    # without JS: "recalcular" sums the ticked rows (a paid/agreement id is ignored)
    url = f"/agencia/imoveis/{p.pk}/extrato/"
    recalc = alpha_client.post(url, {"bills": [a.pk, c.pk, paid.pk, held.pk], "action": "recalcular"})
    selected = position[a.pk].total + position[c.pk].total
    assert f"{selected:.2f}".replace(".", ",") in recalc.content.decode()

    issued = alpha_client.post(url, {"bills": [a.pk, c.pk], "action": "emitir"})
    assert issued.status_code == 302
    doc = PaymentDocument.objects.get(property=p, kind=PaymentDocument.Kind.STATEMENT)
    assert doc.amount == selected and doc.valid_until == valid_until
    validate_typeable_line(doc.typeable_line)
    assert issued["Location"] == f"/agencia/imoveis/{p.pk}/extrato/{doc.pk}/pdf/"
    pdf = alpha_client.get(issued["Location"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # nothing selected is refused
    assert alpha_client.post(url, {"action": "emitir"}).status_code == 400


def _actor() -> Any:
    from modules.common.audit import SystemActor

    return SystemActor("tests")


# --- online payment --------------------------------------------------------------------------------


def test_pix_payment_shows_the_qr_code_and_turns_paid_when_the_webhook_settles_it(
    alpha_client: Client, citizen: Citizen, stranger: Citizen, fake: Any
) -> None:
    bill = f.bill(citizen.home, "57.30", dt.date(2025, 7, 10))
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"
    choose = alpha_client.get(f"{base}/pagar/?bills={bill.pk}").content.decode()
    assert "R$ 57,30" in choose
    created = alpha_client.post(f"{base}/pagar/", {"bills": [bill.pk], "method": "pix"})
    assert created.status_code == 302, created.content
    charge = GatewayCharge.objects.get(document__property=citizen.home)
    assert created["Location"] == f"{base}/pagar/{charge.pk}/"
    page = alpha_client.get(created["Location"]).content.decode()
    assert 'src="data:image/svg+xml' in page and charge.qr_code in page
    assert "Aguardando pagamento" in page and "data-charge-poll" in page
    status_url = f"{base}/pagar/{charge.pk}/situacao.json"
    assert alpha_client.get(status_url).json()["paid"] is False

    # the gateway settles it and delivers its webhook
    event = requests.post(f"{fake.url}/_fake/charges/{charge.charge_id}/pay", json={}, timeout=5).json()
    hook = alpha_client.post(f"/webhooks/pagarme/{TOKEN}", event, content_type="application/json", **BASIC)
    assert hook.status_code == 200
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert alpha_client.get(status_url).json() == {"status": "paid", "label": "Pago", "paid": True}
    page = alpha_client.get(created["Location"]).content.decode()
    assert "Pago" in page and "data-charge-poll" not in page
    history = _page(alpha_client, citizen, "pagamentos/")
    assert "57,30" in history and "Pagar.me" in history
    assert Payment.objects.filter(gateway_charge=charge, status="applied").count() == 1

    # another citizen's session reaches neither the charge nor its status
    other = Client(HTTP_HOST=alpha_client.defaults["HTTP_HOST"])
    sign_in(other, stranger.home, stranger.cpf)
    assert other.get(status_url).status_code == 404
    assert other.get(f"/agencia/imoveis/{stranger.home.pk}/pagar/{charge.pk}/").status_code == 404


def test_boleto_and_card_charges(alpha_client: Client, citizen: Citizen, fake: Any) -> None:
    """Boleto is charged on the spot; card goes to the operator screen (VA-13); the pasted card token
    of the old page is no longer taken on the web (the citizen API keeps it for the mobile app)."""
    first = f.bill(citizen.home, "57.30", dt.date(2025, 7, 10))
    second = f.bill(citizen.home, "42.70", dt.date(2025, 8, 10), dt.date(2025, 7, 1))
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"
    boleto = alpha_client.post(f"{base}/pagar/", {"bills": [first.pk], "method": "boleto"})
    assert boleto.status_code == 302
    assert "Boleto" in alpha_client.get(boleto["Location"]).content.decode()
    choose = alpha_client.get(f"{base}/pagar/?bills={second.pk}").content.decode()
    assert 'name="card_token"' not in choose and 'value="card"' in choose
    pasted = alpha_client.post(
        f"{base}/pagar/", {"bills": [second.pk], "method": "credit_card", "card_token": "card_tok_teste"}
    )
    assert pasted.status_code == 400 and "Escolha a forma de pagamento" in pasted.content.decode()
    card = alpha_client.post(f"{base}/pagar/", {"bills": [second.pk], "method": "card"})
    assert card.status_code == 302 and card["Location"] == f"{base}/pagar/cartao/?bills={second.pk}"
    assert not GatewayCharge.objects.filter(method="credit_card", document__property=citizen.home).exists()


# --- VA-21 -----------------------------------------------------------------------------------------


def test_consumption_chart_and_table_carry_the_same_figures(alpha_client: Client, citizen: Citizen) -> None:
    for month, m3 in ((1, 12), (2, 15), (3, 9), (4, 20)):
        bill = f.bill(citizen.home, "50.00", dt.date(2025, month + 1, 10), dt.date(2025, month, 1))
        bill.consumption_m3 = m3
        bill.save(update_fields=["consumption_m3"])
    sign_in(alpha_client, citizen.home, citizen.cpf)
    body = _page(alpha_client, citizen, "consumo/?meses=18")
    assert '<svg role="img"' in body and "18 meses" in body
    assert body.count("<rect ") == 4
    table = body.split('data-testid="consumption-table"')[1]
    for month, m3 in (("01/2025", 12), ("02/2025", 15), ("03/2025", 9), ("04/2025", 20)):
        assert f'<td data-label="Mês/Ano">{month}</td>' in table
        assert f'<td class="num" data-label="Cons. faturado">{m3}</td>' in table
    assert (
        _page(alpha_client, citizen, "consumo/?meses=99").count('<strong aria-current="page">12 meses') == 1
    )


# node comes with the machine and `make install` builds the agency's assets with it: under CI a
# missing node is a broken install, so the test runs (and fails) instead of being skipped.
@pytest.mark.skipif(not shutil.which("node") and not os.environ.get("CI"), reason="node ausente")
def test_the_statement_script_sums_the_ticked_totals_in_cents() -> None:
    """VA-12 as a JS unit: the live "Selecionados" is the sum of the ticked, enabled rows' totals."""
    script = (Path(__file__).resolve().parents[2] / "portal/static/portal/js/bills.js").read_text()
    probe = """
    const boxes = [
      {checked: true, disabled: false, getAttribute: () => "60.21"},
      {checked: true, disabled: false, getAttribute: () => "0.10"},
      {checked: false, disabled: false, getAttribute: () => "44.42"},
      {checked: true, disabled: true, getAttribute: () => "300.00"},
      {checked: true, disabled: false, getAttribute: () => "1234.5"},
    ];
    const b = window.ManancialBills;
    console.log(JSON.stringify([b.selectedCents(boxes), b.brl(b.selectedCents(boxes)), b.brl(5), b.brl(0)]));
    """
    out = subprocess.run(
        ["node", "-e", "var window = {};\n" + script + "\n" + probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert json.loads(out) == [129481, "1.294,81", "0,05", "0,00"]
