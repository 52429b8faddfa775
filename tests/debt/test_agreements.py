"""Installments through the API (seed 003's table, both simulate forms), agreements with their down
payment paid by return file, installments offered to the next billing run, cancellation, certificates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from modules.billing.hooks import pending_items
from modules.billing.models import BillItem
from modules.collection import services as collection
from modules.collection.models import PaymentDocument
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict
from modules.debt import services
from modules.debt.models import Agreement, Certificate, InstallmentPolicyVersion
from tests.collection import factories as f
from tests.conftest import bearer, make_user

ACTOR = SystemActor("tests")
TODAY = dt.date(2025, 6, 15)
PASSWORD = "Senha-forte-123"
SEED_003 = ["379.85", "191.46", "128.67", "97.28", "78.45", "65.90"]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def admin(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return bearer(alpha_client, "chefe", PASSWORD)


def _deso_policy() -> None:
    InstallmentPolicyVersion.objects.update(
        monthly_rate=Decimal("0.0163"),
        min_down_payment_rate=Decimal("0.10"),
        max_installments=6,
        standard_max_installments=6,
        min_installment=Decimal("10.00"),
        rounding="half_up",
    )


def _property_owing_415_29():
    p = f.prop()
    far = TODAY + dt.timedelta(days=60)  # not yet due: no late charges, the total is 415,29
    f.bill(p, "215.29", far, dt.date(2025, 1, 1))
    f.bill(p, "200.00", far, dt.date(2025, 2, 1))
    return p


def _post(client, path, body, headers):
    return client.post(path, body, content_type="application/json", **headers)


def test_simulation_by_property_reproduces_seed_003(admin, alpha_client):
    _deso_policy()
    p = _property_owing_415_29()
    all_rows = _post(
        alpha_client, "/api/v1/installments/simulate", {"property": p.pk, "down_payment": "41.53"}, admin
    )
    assert all_rows.status_code == 200, all_rows.content
    body = all_rows.json()
    assert (body["total"], body["down_payment"], body["monthly_interest_percent"]) == (
        "415.29",
        "41.53",
        "1.63",
    )
    assert [r["installment_value"] for r in body["options"]] == SEED_003
    one = _post(
        alpha_client,
        "/api/v1/installments/simulate",
        {"property": p.pk, "down_payment": "41.53", "installments": 6},
        admin,
    )
    assert one.json()["options"] == [
        {"installments": 6, "down_payment": "41.53", "installment_value": "65.90", "total": "436.93"}
    ]
    small = _post(
        alpha_client, "/api/v1/installments/simulate", {"property": p.pk, "down_payment": "40.00"}, admin
    )
    assert small.status_code == 400 and "entrada mínimo é R$ 41,53" in small.json()["detail"]
    many = _post(
        alpha_client,
        "/api/v1/installments/simulate",
        {"property": p.pk, "down_payment": "41.53", "installments": 7},
        admin,
    )
    assert many.status_code == 400 and "máximo de parcelas é 6" in many.json()["detail"]


def test_what_if_simulation_reproduces_seed_003(admin, alpha_client):
    response = _post(
        alpha_client,
        "/api/v1/installments/simulate",
        {
            "debt_total": "415.29",
            "down_payment": "41.53",
            "installments": [1, 2, 3, 4, 5, 6],
            "monthly_interest_percent": "1.63",
        },
        admin,
    )
    assert response.status_code == 200, response.content
    rows = response.json()["options"]
    assert [(r["installments"], r["down_payment"], r["installment_value"]) for r in rows] == [
        (n, "41.53", v) for n, v in zip(range(1, 7), SEED_003, strict=True)
    ]


def test_agreement_lifecycle_down_payment_by_return_file_installments_on_bills_and_certificate(
    admin, alpha_client
):
    _deso_policy()
    p = _property_owing_415_29()
    created = _post(
        alpha_client,
        "/api/v1/agreements",
        {"property": p.pk, "down_payment": "41.53", "installments": 6},
        admin,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    amounts = [Decimal(i["amount"]) for i in body["installments"]]
    assert amounts[:5] == [Decimal("65.90")] * 5 and sum(amounts) == Decimal("373.76") + sum(
        Decimal(i["interest"]) for i in body["installments"]
    )
    assert body["installments"][-1]["balance"] == "0.00"
    assert body["status"] == "awaiting"
    # the negotiated bills left the debt position; the agreement is not yet in force
    assert alpha_client.get(f"/api/v1/properties/{p.pk}/debts", **admin).json()["items"] == []
    assert pending_items([p.pk], YearMonth(2025, 7)) == {}
    # the down payment is paid by return file
    f.agent()
    collection.return_file_import(actor=ACTOR, data=f.return_file([(body["down_payment_barcode"], "41.53")]))
    agreement = Agreement.objects.get(pk=body["id"])
    assert agreement.status == "active"
    items = pending_items([p.pk], YearMonth(2025, 7))[p.pk]
    assert [(i.kind, i.amount, i.description[:11]) for i in items] == [
        ("installment", Decimal("65.90"), "Parcela 1/6")
    ]
    # billed on July's bill: August offers the second, July never again
    july = f.bill(p, "80.00", TODAY + dt.timedelta(days=90), dt.date(2025, 7, 1))
    BillItem.objects.create(
        bill=july,
        kind="installment",
        description=items[0].description,
        amount=items[0].amount,
        source=items[0].source,
        source_id=items[0].source_id,
    )
    assert pending_items([p.pk], YearMonth(2025, 7)) == {}
    assert pending_items([p.pk], YearMonth(2025, 8))[p.pk][0].description.startswith("Parcela 2/6")
    # the July bill is open but not overdue: positive with negative effect
    certificate = _post(alpha_client, f"/api/v1/properties/{p.pk}/certificates", {}, admin)
    assert certificate.status_code == 201, certificate.content
    cert = certificate.json()
    assert cert["kind"] == "positiva_com_efeito_de_negativa"
    page = alpha_client.get(cert["verification_url"])
    assert (
        page.status_code == 200
        and cert["code"] in page.content.decode()
        and "efeito de negativa" in page.content.decode()
    )
    assert alpha_client.get("/certidoes/verificar/?codigo=0000-0000-0000-0000-0000").status_code == 404


def test_agreement_outside_policy_and_cancellation_restore_the_debts(tenant_alpha):
    _deso_policy()
    p = _property_owing_415_29()
    with pytest.raises(Exception, match="entrada mínimo"):
        services.agreement_create(
            actor=ACTOR, property_id=p.pk, down_payment=Decimal("10.00"), count=3, as_of=TODAY
        )
    agreement = services.agreement_create(
        actor=ACTOR, property_id=p.pk, down_payment=Decimal("41.53"), count=3, as_of=TODAY
    )
    with pytest.raises(Conflict, match="já tem o parcelamento"):
        services.agreement_create(
            actor=ACTOR, property_id=p.pk, down_payment=Decimal("41.53"), count=3, as_of=TODAY
        )
    # the down payment expires unpaid: the agreement is cancelled and the bills are debts again
    later = TODAY + dt.timedelta(days=30)
    assert services.agreements_enforce(actor=ACTOR, today=later) == [agreement.pk]
    from modules.debt.selectors import debt_position

    assert len(debt_position(p.pk, TODAY).items) == 2


def test_certificate_refused_with_open_debts_and_annual_declaration(tenant_alpha):
    p = f.prop()
    overdue = f.bill(p, "33.00", dt.date(2024, 3, 10), dt.date(2024, 2, 1))
    with pytest.raises(Conflict, match="Certidão negativa recusada: há 1 débito vencido"):
        services.certificate_issue(actor=ACTOR, property_id=p.pk, today=dt.date(2025, 6, 1))
    with pytest.raises(Conflict, match="02/2024 está em aberto"):
        services.annual_declaration_issue(actor=ACTOR, property_id=p.pk, year=2024, today=dt.date(2025, 6, 1))
    collection.payment_register(
        actor=ACTOR, barcode=overdue.barcode, amount=Decimal("33.00"), paid_on=dt.date(2024, 3, 9)
    )
    declaration = services.annual_declaration_issue(
        actor=ACTOR, property_id=p.pk, year=2024, today=dt.date(2025, 6, 1)
    )
    assert (
        declaration.statement["total"] == "33.00"
        and declaration.statement["lines"][0]["paid_on"] == "2024-03-09"
    )
    negative = services.certificate_issue(actor=ACTOR, property_id=p.pk, today=dt.date(2025, 6, 1))
    assert negative.kind == "negativa" and negative.code.count("-") == 4


def test_statement_and_certificate_pdfs_are_branded_and_carry_the_barcode(admin, alpha_client):
    p = f.prop()
    f.bill(p, "33.00", dt.date(2025, 3, 10), dt.date(2025, 2, 1))
    made = _post(alpha_client, f"/api/v1/properties/{p.pk}/statement", {"valid_until": "2025-06-20"}, admin)
    assert made.status_code == 201, made.content
    pdf = alpha_client.get(made.json()["pdf"], **admin)
    assert pdf.status_code == 302 or pdf.content.startswith(b"%PDF")
    from modules.collection.models import PaymentDocument
    from modules.debt import pdf as debt_pdf

    document = PaymentDocument.objects.get(pk=made.json()["document"])
    assert debt_pdf.statement_pdf(document).startswith(b"%PDF")
    assert document.amount > Decimal("33.00")  # overdue: fine and interest up to the validity date


@pytest.mark.parametrize("year", [0, -5, 40000])
def test_an_annual_declaration_for_an_impossible_year_is_a_400(admin, alpha_client, year):
    """Found by the fuzzer (issue 11): the certificate year was unbounded and built dates from it."""
    p = f.prop()
    response = _post(
        alpha_client, f"/api/v1/properties/{p.pk}/certificates", {"kind": "annual", "year": year}, admin
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "year"
    assert not Certificate.objects.exists()


def test_a_statement_valid_until_the_far_future_is_a_400(admin, alpha_client):
    """Found by the fuzzer (issue 11): a far-future validity was priced and encoded as a 500."""
    p = _property_owing_415_29()
    for valid_until in ("9999-12-31", "2026-06-16"):
        response = _post(
            alpha_client, f"/api/v1/properties/{p.pk}/statement", {"valid_until": valid_until}, admin
        )
        assert response.status_code == 400, response.content
        assert response.json()["errors"] == {
            "valid_until": ["A validade do extrato vai no máximo até 15/06/2026 (365 dias)."]
        }
    assert not PaymentDocument.objects.exists()
    assert (
        _post(
            alpha_client, f"/api/v1/properties/{p.pk}/statement", {"valid_until": "2026-06-15"}, admin
        ).status_code
        == 201
    )


def test_replan_folds_the_old_plans_unbilled_installments_at_present_value(tenant_alpha):
    """3.2.9.3.1: the unbilled installments enter the re-plan without the interest they had not yet
    earned — DESO's plan after two installments: 4 × 65,90 − 1,06 … = 253,17, not their face 263,58."""
    from modules.billing.models import BillStatus

    _deso_policy()
    p = _property_owing_415_29()
    actor = make_user("alpha", "negociadora", is_admin=True)
    old = services.agreement_create(
        actor=actor, property_id=p.pk, down_payment=Decimal("41.53"), count=6, as_of=TODAY
    )
    Agreement.objects.filter(pk=old.pk).update(status=Agreement.Status.ACTIVE)  # entry paid
    installments = list(old.installments.order_by("number"))
    for n, installment in enumerate(installments[:2], start=1):  # two installments billed and paid
        bill = f.bill(p, str(installment.amount), TODAY + dt.timedelta(days=30 * n), dt.date(2025, 6 + n, 1))
        BillItem.objects.create(
            bill=bill,
            kind="installment",
            description=f"Parcela {n}/6",
            amount=installment.amount,
            source="debt.installment",
            source_id=str(installment.pk),
        )
        type(bill).objects.filter(pk=bill.pk).update(status=BillStatus.PAID)
    face_value = sum((i.amount for i in installments[2:]), Decimal("0"))

    new = services.agreement_create(
        actor=actor, property_id=p.pk, down_payment=Decimal("25.32"), count=6, as_of=TODAY, reinstall=True
    )

    assert face_value == Decimal("263.58")
    assert new.previous_agreements == installments[1].balance == Decimal("253.17")
    assert new.total == Decimal("253.17")
    old.refresh_from_db()
    assert old.status == Agreement.Status.CANCELLED
