"""Negotiation completeness (seed 001 3.2.9.1.8, .10–.13, 3.2.9.2.3, 3.2.9.3.1–.2, 3.2.9.4): the
re-plan folds the old plan at present value, within the policy's re-plan limits; the user picks the
bills; early payoff at present value closes the plan when its guia is paid; the new policy fields are
editable on the page and the API; the term prints the representative."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from pypdf import PdfReader

from modules.billing.models import BillItem
from modules.collection import services as collection
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.debt import services
from modules.debt.models import Agreement, AgreementBill, InstallmentPolicyVersion
from modules.debt.selectors import agreement_payoff_quote, debt_position, installment_items
from tests.collection import factories as f
from tests.conftest import bearer, make_user

ACTOR = SystemActor("tests")
TODAY = dt.date(2025, 6, 16)
FAR = TODAY + dt.timedelta(days=60)  # not yet due: no late charges
PASSWORD = "Senha-forte-123"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2025, 6, 16, 12, tzinfo=dt.UTC), tick=True):
        yield


def _deso(**extra) -> None:
    InstallmentPolicyVersion.objects.update(
        monthly_rate=Decimal("0.0163"),
        min_down_payment_rate=Decimal("0.10"),
        max_installments=12,
        standard_max_installments=12,
        min_installment=Decimal("10.00"),
        rounding="half_up",
        **extra,
    )


def _deso_agreement():
    """Seed 003's plan: 415,29, entry 41,53 paid, 6 × 65,90 at 1,63 % a month."""
    p = f.prop()
    f.bill(p, "215.29", FAR, dt.date(2025, 1, 1))
    f.bill(p, "200.00", FAR, dt.date(2025, 2, 1))
    agreement = services.agreement_create(
        actor=ACTOR, property_id=p.pk, down_payment=Decimal("41.53"), count=6, as_of=TODAY
    )
    with transaction.atomic():
        services.agreement_down_payment_paid(agreement.down_payment_document, ACTOR)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.installment_value) == (Agreement.Status.ACTIVE, Decimal("65.90"))
    return p, agreement


def _bill_installments(p, agreement, numbers):
    """Put installments on bills, as the billing run does (one bill each, due in the future)."""
    bills = []
    for number in numbers:
        installment = agreement.installments.get(number=number)
        bill = f.bill(p, str(installment.amount), FAR, dt.date(2025, 6 + number, 1))
        bill.items.all().delete()
        BillItem.objects.create(
            bill=bill,
            kind="installment",
            description=f"Parcela {number}/6",
            amount=installment.amount,
            source="debt.installment",
            source_id=str(installment.pk),
        )
        bills.append(bill)
    return bills


def test_replan_folds_the_old_plan_at_present_value_and_adds_the_billed_installments(tenant_alpha):
    _deso()
    p, old = _deso_agreement()
    _bill_installments(p, old, [1, 2])
    assert agreement_payoff_quote(old, TODAY).present_value == Decimal("253.17")
    new = services.agreement_create(
        actor=ACTOR, property_id=p.pk, down_payment=Decimal("38.50"), count=6, as_of=TODAY, reinstall=True
    )
    # 3.2.9.3.1: installments 3–6 (face 263,58) at present value 253,17; 3.2.9.3.2: the two billed
    # installments (2 × 65,90) come in as pending bills
    assert (new.previous_agreements, new.bills_total, new.total) == (
        Decimal("253.17"),
        Decimal("131.80"),
        Decimal("384.97"),
    )
    old.refresh_from_db()
    assert (old.status, new.replaces_id) == (Agreement.Status.CANCELLED, old.pk)
    assert (
        AgreementBill.objects.filter(agreement=new, active=True).count() == 4
    )  # 2 original + 2 installments


def test_replan_limits_refuse_naming_the_policy_field_and_write_nothing(tenant_alpha):
    _deso(max_replans=1, replan_max_installments=4)
    p, _ = _deso_agreement()
    with pytest.raises(ValidationFailed, match="máximo de parcelas no reparcelamento, sem infração") as exc:
        services.agreement_create(
            actor=ACTOR, property_id=p.pk, down_payment=Decimal("37.38"), count=5, as_of=TODAY, reinstall=True
        )
    assert exc.value.field == "count"
    assert Agreement.objects.filter(property=p).count() == 1
    second = services.agreement_create(
        actor=ACTOR, property_id=p.pk, down_payment=Decimal("37.38"), count=4, as_of=TODAY, reinstall=True
    )
    with transaction.atomic():
        services.agreement_down_payment_paid(second.down_payment_document, ACTOR)
    with pytest.raises(ValidationFailed, match="máximo de reparcelamentos por cliente"):
        services.agreement_create(
            actor=ACTOR, property_id=p.pk, down_payment=Decimal("37.38"), count=4, as_of=TODAY, reinstall=True
        )
    assert Agreement.objects.filter(property=p).count() == 2


def test_user_picks_the_bills_to_negotiate(tenant_alpha):
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0"), max_installments=6)
    p = f.prop()
    picked = f.bill(p, "120.00", FAR, dt.date(2025, 1, 1))
    left = f.bill(p, "80.00", FAR, dt.date(2025, 2, 1))
    other = f.bill(f.prop(), "50.00", FAR, dt.date(2025, 1, 1))
    with pytest.raises(ValidationFailed, match=f"não podem ser negociadas: {other.pk}") as exc:
        services.agreement_create(
            actor=ACTOR,
            property_id=p.pk,
            down_payment=Decimal("0"),
            count=2,
            as_of=TODAY,
            bill_ids=[picked.pk, other.pk],
        )
    assert exc.value.field == "bills" and not Agreement.objects.exists()
    agreement = services.agreement_create(
        actor=ACTOR, property_id=p.pk, down_payment=Decimal("0"), count=2, as_of=TODAY, bill_ids=[picked.pk]
    )
    assert (agreement.total, list(agreement.bills.values_list("bill_id", flat=True))) == (
        Decimal("120.00"),
        [picked.pk],
    )
    assert [i.bill_id for i in debt_position(p.pk, TODAY).items] == [left.pk]


@pytest.fixture
def admin(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return bearer(alpha_client, "chefe", PASSWORD)


def test_early_payoff_at_present_value_closes_the_plan_when_paid(admin, alpha_client):
    _deso()
    p, agreement = _deso_agreement()
    _bill_installments(p, agreement, [1, 2])
    answer = alpha_client.get(f"/api/v1/agreements/{agreement.pk}/payoff", **admin)
    assert answer.status_code == 200, answer.content
    quote = answer.json()
    assert (
        quote["installments"],
        quote["face_value"],
        quote["present_value"],
        quote["interest_removed"],
    ) == (
        4,
        "263.58",
        "253.17",
        "10.41",
    )
    issued = alpha_client.post(f"/api/v1/agreements/{agreement.pk}/payoff", **admin)
    assert issued.status_code == 201, issued.content
    guia = issued.json()
    assert (guia["amount"], guia["valid_until"]) == ("253.17", "2025-06-21")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE  # until the guia is paid
    collection.payment_register(actor=ACTOR, barcode=guia["barcode"], amount=Decimal("253.17"), paid_on=TODAY)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.COMPLETED
    assert installment_items([p.pk], YearMonth(2025, 9)) == {}  # no installment billed any more
    again = alpha_client.post(f"/api/v1/agreements/{agreement.pk}/payoff", **admin)
    assert again.status_code == 409


def test_policy_api_and_page_edit_the_replan_fields_and_the_term_prints_the_representative(
    admin, alpha_client
):
    base = alpha_client.get("/api/v1/debt/installment-policies", **admin).json()["results"][0]
    body = {k: v for k, v in base.items() if k not in ("id", "in_force", "agreements")}
    bad = alpha_client.post(
        "/api/v1/debt/installment-policies",
        body | {"effective_from": "2025-07-01", "replan_max_installments": base["max_installments"] + 1},
        content_type="application/json",
        **admin,
    )
    assert bad.status_code == 400 and bad.json()["field"] == "replan_max_installments"
    made = alpha_client.post(
        "/api/v1/debt/installment-policies",
        body
        | {
            "effective_from": "2025-06-16",
            "representative_name": "José Antônio Ribeiro",
            "max_replans": 2,
            "replan_max_installments": 3,
            "replan_max_installments_infraction": 2,
            "replan_min_down_payment_rate_infraction": "0.25",
        },
        content_type="application/json",
        **admin,
    )
    assert made.status_code == 201, made.content
    assert (made.json()["max_replans"], made.json()["replan_min_down_payment_rate_infraction"]) == (
        2,
        "0.2500",
    )
    page = alpha_client.get("/cobranca/configuracoes/parcelamento/")
    assert page.status_code == 302 or "Máximo de reparcelamentos por cliente" in page.content.decode()

    p = f.prop()
    f.bill(p, "300.00", FAR, dt.date(2025, 1, 1))
    InstallmentPolicyVersion.objects.filter(effective_from=TODAY).update(min_down_payment_rate=Decimal("0"))
    agreement = services.agreement_create(
        actor=ACTOR, property_id=p.pk, down_payment=Decimal("0"), count=2, as_of=TODAY
    )
    make_user("alpha", "atendente", PASSWORD, is_admin=True)
    alpha_client.login(username="atendente", password=PASSWORD)
    assert (
        "Máximo de reparcelamentos por cliente"
        in alpha_client.get("/cobranca/configuracoes/parcelamento/").content.decode()
    )
    pdf = alpha_client.get(f"/cobranca/parcelamentos/{agreement.pk}/termo.pdf").content
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "José Antônio Ribeiro, pela" in text


def test_wizard_negotiates_only_the_ticked_bills(tenant_alpha, alpha_client):
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0"), max_installments=6)
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    alpha_client.login(username="chefe", password=PASSWORD)
    p = f.prop()
    picked = f.bill(p, "120.00", FAR, dt.date(2025, 1, 1))
    left = f.bill(p, "80.00", FAR, dt.date(2025, 2, 1))
    url = f"/cobranca/imoveis/{p.pk}/parcelamento/"
    page = alpha_client.get(url).content.decode()
    assert (
        f'name="bill" value="{picked.pk}" checked' in page
        and f'name="bill" value="{left.pk}" checked' in page
    )
    simulated = alpha_client.post(
        url, {"pick": "1", "bill": [picked.pk], "down_payment": "0,00", "installments": "2"}
    )
    assert "R$ 120,00" in simulated.content.decode()
    signed = alpha_client.post(
        url, {"pick": "1", "bill": [picked.pk], "down_payment": "0,00", "installments": "2", "confirm": "1"}
    )
    assert signed.status_code == 302, signed.content.decode()[:3000]
    agreement = Agreement.objects.get(property=p)
    assert (agreement.total, list(agreement.bills.values_list("bill_id", flat=True))) == (
        Decimal("120.00"),
        [picked.pk],
    )


def test_another_units_debt_moves_into_the_plan_and_is_traced(admin, alpha_client):
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0"), max_installments=6)
    a, b = f.prop(), f.prop()
    from_a = f.bill(a, "70.00", FAR, dt.date(2025, 1, 1))
    own = f.bill(b, "130.00", FAR, dt.date(2025, 1, 1))
    made = alpha_client.post(
        "/api/v1/agreements",
        {"property": b.pk, "down_payment": "0.00", "installments": 2, "transfer_from": [a.pk]},
        content_type="application/json",
        **admin,
    )
    assert made.status_code == 201, made.content
    agreement = Agreement.objects.get(pk=made.json()["id"])
    assert (agreement.property_id, agreement.total) == (b.pk, Decimal("200.00"))
    assert sorted(agreement.bills.values_list("bill_id", flat=True)) == sorted([from_a.pk, own.pk])
    assert debt_position(a.pk, TODAY).items == ()  # A's bill is held by B's plan
    trace = AuditEntry.objects.get(action="debt.debt_transfer", object_id=str(a.pk))
    assert trace.after == {"to_property": b.pk, "agreement": agreement.pk, "bills": [from_a.pk]}
    same = alpha_client.post(
        "/api/v1/agreements",
        {"property": a.pk, "down_payment": "0.00", "installments": 2, "transfer_from": [a.pk]},
        content_type="application/json",
        **admin,
    )
    assert same.status_code == 400 and same.json()["field"] == "transfer_from"


def test_wizard_moves_another_units_debt_into_the_plan(tenant_alpha, alpha_client):
    """3.2.9.2.4 from the page: the wizard's transfer field takes the other unit's matrícula; the
    simulation and the signed plan carry its open bills, and an unknown matrícula is named."""
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0"), max_installments=6)
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    alpha_client.login(username="chefe", password=PASSWORD)
    a, b = f.prop(), f.prop()
    from_a = f.bill(a, "70.00", FAR, dt.date(2025, 1, 1))
    own = f.bill(b, "130.00", FAR, dt.date(2025, 1, 1))
    url = f"/cobranca/imoveis/{b.pk}/parcelamento/"
    assert 'name="transfer"' in alpha_client.get(url).content.decode()
    unknown = alpha_client.post(url, {"transfer": "999999999", "down_payment": "0,00", "installments": "2"})
    assert "matrícula não encontrada (999999999)" in unknown.content.decode()
    body = {"transfer": a.account_number, "down_payment": "0,00", "installments": "2"}
    simulated = alpha_client.post(url, body).content.decode()
    assert "R$ 200,00" in simulated and f'name="transfer" value="{a.account_number}"' in simulated
    signed = alpha_client.post(url, body | {"confirm": "1"})
    assert signed.status_code == 302, signed.content.decode()[:3000]
    agreement = Agreement.objects.get(property=b)
    assert agreement.total == Decimal("200.00")
    assert sorted(agreement.bills.values_list("bill_id", flat=True)) == sorted([from_a.pk, own.pk])
    assert AuditEntry.objects.filter(action="debt.debt_transfer", object_id=str(a.pk)).exists()
