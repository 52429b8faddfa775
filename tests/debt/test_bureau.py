"""Negativação end to end against the local fake bureau (fakes/bureau.py, a real HTTP server): the
prior notice and its period, the movement and its return, exclusion after payment or agreement within
5 business days, undo, re-runs that duplicate nothing, refused return files; the staff API and pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import requests
import time_machine

from fakes.bureau import FakeBureau
from modules.collection import services as collection
from modules.common.audit import SystemActor
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from modules.debt import bureau_ladder, services
from modules.debt.models import InstallmentPolicyVersion
from modules.debt.models_bureau import BureauListing, BureauMovement, BureauPolicy, BureauRecord
from modules.debt.selectors_bureau import bureau_preview
from modules.debt.services_bureau import (
    bureau_listing_commit,
    bureau_listing_undo,
    bureau_policy_update,
    bureau_return_process,
    bureau_run,
)
from tests.collection import factories as f
from tests.conftest import bearer, make_user

ACTOR = SystemActor("tests")
TODAY = dt.date(2025, 6, 16)  # a Monday
PASSWORD = "Senha-forte-123"
S = BureauRecord.Status


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2025, 6, 16, 12, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def bureau(settings):
    with FakeBureau() as fake:
        settings.BUREAU_API_URL, settings.BUREAU_API_TOKEN = fake.url, fake.token
        yield fake


def _debtor(*amounts_days: tuple[str, int]):
    p = f.prop()
    bills = [f.bill(p, amount, TODAY - dt.timedelta(days=days)) for amount, days in amounts_days]
    return p, bills


def _listed(fake: FakeBureau) -> list[int]:
    return requests.get(f"{fake.url}/_fake/listed", timeout=5).json()


def test_listing_waits_for_the_notice_then_goes_in_and_comes_out_after_payment(tenant_alpha, bureau):
    p, (old, recent) = _debtor(("120.00", 70), ("95.50", 40))
    _, _ = _debtor(("30.00", 70))  # below the minimum debt (50,00 by default)
    preview = bureau_preview(TODAY)
    assert (preview.count, preview.amount) == (1, Decimal("215.50"))

    listing = bureau_listing_commit(actor=ACTOR, as_of=TODAY)
    (record,) = listing.records.all()
    assert (record.status, record.notified_on, record.listable_on) == (
        S.NOTIFIED,
        TODAY,
        dt.date(2025, 6, 26),
    )
    assert listing.policy["notice_days"] == 10  # the run keeps the policy it ran with

    # a second selection the same day (or the ladder's run) lists nobody twice
    assert bureau_preview(TODAY).count == 0
    assert bureau_ladder.run(TODAY) == {"count": 0, "amount": Decimal("0.00")}
    assert BureauRecord.objects.count() == 1

    # within the notice period nothing is sent (CDC art. 43 §2)
    assert bureau_run(actor=ACTOR, as_of=dt.date(2025, 6, 25))["movement"] is None
    assert BureauMovement.objects.count() == 0

    result = bureau_run(actor=ACTOR, as_of=dt.date(2025, 6, 26))
    movement = BureauMovement.objects.get()
    assert result == {"movement": movement.pk, "sent": [movement.pk], "returned": [movement.pk]}
    assert movement.content.splitlines()[1].startswith(f"I;1;{record.pk};{record.document};")
    record.refresh_from_db()
    assert (record.status, record.protocol) == (S.LISTED, "mov00001-0001")
    assert _listed(bureau) == [record.pk]
    # re-running the exchange sends nothing again
    assert bureau_run(actor=ACTOR, as_of=dt.date(2025, 6, 27)) == {
        "movement": None,
        "sent": [],
        "returned": [],
    }

    # paying one bill keeps the listing (the other is still owed); paying the last lifts it
    with time_machine.travel(dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC), tick=True):
        collection.payment_register(
            actor=ACTOR, barcode=old.barcode, amount=old.total, paid_on=dt.date(2025, 7, 1)
        )
        record.refresh_from_db()
        assert record.status == S.LISTED
        collection.payment_register(
            actor=ACTOR, barcode=recent.barcode, amount=recent.total, paid_on=dt.date(2025, 7, 1)
        )
    record.refresh_from_db()
    # Tuesday 01/07 + 5 business days (STJ Súmula 548) = Tuesday 08/07
    assert (record.status, record.settled_on, record.exclusion_due) == (
        S.EXCLUSION_PENDING,
        dt.date(2025, 7, 1),
        dt.date(2025, 7, 8),
    )
    bureau_run(actor=ACTOR, as_of=dt.date(2025, 7, 2))
    record.refresh_from_db()
    assert record.status == S.EXCLUDED
    assert _listed(bureau) == []
    actions = list(
        AuditEntry.objects.filter(object_type="registry.property", object_id=str(p.pk))
        .filter(action__startswith="debt.bureau_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "debt.bureau_notice",
        "debt.bureau_inclusion_sent",
        "debt.bureau_listed",
        "debt.bureau_exclusion_due",
        "debt.bureau_exclusion_sent",
        "debt.bureau_excluded",
    ]


def test_debt_paid_during_the_notice_period_is_never_sent(tenant_alpha, bureau):
    p, (bill,) = _debtor(("80.00", 45))
    bureau_listing_commit(actor=ACTOR, as_of=TODAY)
    collection.payment_register(actor=ACTOR, barcode=bill.barcode, amount=bill.total, paid_on=TODAY)
    record = BureauRecord.objects.get(property=p)
    assert (record.status, record.exclusion_due) == (S.CANCELLED, None)
    assert bureau_run(actor=ACTOR, as_of=dt.date(2025, 7, 1))["movement"] is None
    assert requests.get(f"{bureau.url}/_fake/movements", timeout=5).json() == []


def test_agreement_on_a_listed_debt_requests_the_exclusion(tenant_alpha, bureau):
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0"), max_installments=6)
    p, _ = _debtor(("150.00", 45))
    bureau_listing_commit(actor=ACTOR, as_of=TODAY)
    bureau_run(actor=ACTOR, as_of=dt.date(2025, 6, 26))
    record = BureauRecord.objects.get(property=p)
    assert record.status == S.LISTED
    services.agreement_create(
        actor=ACTOR, property_id=p.pk, down_payment=Decimal("0"), count=3, as_of=dt.date(2025, 6, 27)
    )
    record.refresh_from_db()
    assert (record.status, record.exclusion_due) == (S.EXCLUSION_PENDING, dt.date(2025, 7, 4))
    bureau_run(actor=ACTOR, as_of=dt.date(2025, 6, 30))
    record.refresh_from_db()
    assert record.status == S.EXCLUDED


def test_undo_removes_an_unsent_listing_and_refuses_a_sent_one(tenant_alpha, bureau):
    _debtor(("80.00", 45))
    listing = bureau_listing_commit(actor=ACTOR, as_of=TODAY)
    undone = bureau_listing_undo(actor=ACTOR, listing_id=listing.pk)
    assert (undone.status, BureauRecord.objects.count()) == (BureauListing.Status.UNDONE, 0)
    assert bureau_preview(TODAY).count == 1  # the property may be selected again

    sent = bureau_listing_commit(actor=ACTOR, as_of=TODAY)
    bureau_run(actor=ACTOR, as_of=dt.date(2025, 6, 26))
    with pytest.raises(Conflict, match="já tem 1 inclusão"):
        bureau_listing_undo(actor=ACTOR, listing_id=sent.pk)
    assert BureauRecord.objects.get(listing=sent).status == S.LISTED


def test_return_file_for_an_unknown_movement_is_refused_and_changes_nothing(tenant_alpha, bureau):
    _debtor(("80.00", 45))
    bureau_listing_commit(actor=ACTOR, as_of=TODAY)
    with pytest.raises(ValidationFailed, match="movimento 999 não foi enviado"):
        bureau_return_process(actor=ACTOR, content="H;999\n1;A;X-1\n")
    assert BureauRecord.objects.get().status == S.NOTIFIED


def test_refused_inclusion_keeps_the_bureaus_reason_and_a_replayed_return_changes_nothing(
    tenant_alpha, bureau, settings
):
    _debtor(("80.00", 45))
    bureau_listing_commit(actor=ACTOR, as_of=TODAY)
    settings.BUREAU_API_URL = "http://127.0.0.1:9"  # unreachable: the movement waits
    result = bureau_run(actor=ACTOR, as_of=dt.date(2025, 6, 26))
    movement = BureauMovement.objects.get()
    assert (movement.status, result["error"].startswith("Birô de crédito indisponível")) == (
        BureauMovement.Status.GENERATED,
        True,
    )
    with pytest.raises(ValidationFailed, match="não foi enviado"):  # never sent: its return is unknown
        bureau_return_process(actor=ACTOR, content=f"H;{movement.pk}\n1;R;CPF com restrição judicial\n")
    settings.BUREAU_API_URL = bureau.url
    bureau_run(actor=ACTOR, as_of=dt.date(2025, 6, 27))  # sent now, with the same movement
    record = BureauRecord.objects.get()
    assert record.status == S.LISTED
    assert BureauMovement.objects.count() == 1
    # the same return again: nothing moves
    movement.refresh_from_db()
    bureau_return_process(actor=ACTOR, content=movement.return_content)
    record.refresh_from_db()
    assert record.status == S.LISTED
    with pytest.raises(ValidationFailed, match="não tem a linha 7"):
        bureau_return_process(actor=ACTOR, content=f"H;{movement.pk}\n7;A;P\n")


def test_policy_filters_and_thresholds_apply_to_the_preview(tenant_alpha):
    p1, _ = _debtor(("80.00", 75), ("20.00", 35))
    _debtor(("80.00", 45))
    assert bureau_preview(TODAY).count == 2
    bureau_policy_update(actor=ACTOR, min_overdue_count=2)
    assert [c.property_id for c in bureau_preview(TODAY).candidates] == [p1.pk]
    bureau_policy_update(actor=ACTOR, min_overdue_count=1, min_days_overdue=80)
    assert bureau_preview(TODAY).count == 0
    bureau_policy_update(actor=ACTOR, min_days_overdue=30, localities=[9])
    assert bureau_preview(TODAY).count == 0
    bureau_policy_update(actor=ACTOR, localities=[], neighbourhood_ids=[p1.neighbourhood_id])
    assert bureau_preview(TODAY).count == 2  # the factory puts both in the same bairro
    with pytest.raises(ValidationFailed) as exc:
        bureau_policy_update(actor=ACTOR, exclusion_business_days=6)
    assert exc.value.field == "exclusion_business_days"
    assert BureauPolicy.current().exclusion_business_days == 5


@pytest.fixture
def admin(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return bearer(alpha_client, "chefe", PASSWORD)


def test_api_policy_preview_commit_undo_run_and_property_records(admin, alpha_client, bureau):
    p, _ = _debtor(("80.00", 45))
    bad = alpha_client.patch(
        "/api/v1/debt/bureau-policy", {"min_debt": "-1"}, content_type="application/json", **admin
    )
    assert bad.status_code == 400, bad.content
    assert "min_debt" in bad.content.decode()
    ok = alpha_client.patch(
        "/api/v1/debt/bureau-policy", {"notice_days": 15}, content_type="application/json", **admin
    )
    assert (ok.status_code, ok.json()["notice_days"], ok.json()["min_debt"]) == (200, 15, "50.00")
    preview = alpha_client.get("/api/v1/debt/bureau-listings/preview?as_of=2025-06-16", **admin).json()
    assert (preview["count"], preview["amount"], preview["candidates"][0]["property"]) == (1, "80.00", p.pk)
    assert BureauListing.objects.count() == 0
    made = alpha_client.post("/api/v1/debt/bureau-listings", {}, content_type="application/json", **admin)
    assert made.status_code == 201, made.content
    undone = alpha_client.post(f"/api/v1/debt/bureau-listings/{made.json()['id']}/undo", **admin)
    assert (undone.status_code, undone.json()["status"]) == (200, "undone")
    alpha_client.post("/api/v1/debt/bureau-listings", {}, content_type="application/json", **admin)
    run = alpha_client.post(
        "/api/v1/debt/bureau-run", {"as_of": "2025-07-01"}, content_type="application/json", **admin
    )
    assert run.status_code == 200 and run.json()["movement"] is not None
    records = alpha_client.get(f"/api/v1/properties/{p.pk}/bureau-records", **admin).json()
    assert [(r["status"], r["listable_on"], [line["result"] for line in r["lines"]]) for r in records] == [
        ("listed", "2025-07-01", ["A"])
    ]
    unknown = alpha_client.post(
        "/api/v1/debt/bureau-returns",
        {"content": "H;12345\n1;A;X\n"},
        content_type="application/json",
        **admin,
    )
    assert unknown.status_code == 400 and "12345" in unknown.json()["detail"]


def test_pages_preview_commit_and_property_history(tenant_alpha, alpha_client, bureau):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    alpha_client.login(username="chefe", password=PASSWORD)
    p, _ = _debtor(("80.00", 45))
    page = alpha_client.get("/cobranca/negativacao/?as_of=2025-06-16")
    assert page.status_code == 200
    assert "Imóveis selecionados" in page.content.decode() and "80,00" in page.content.decode()
    assert BureauListing.objects.count() == 0  # the simulation wrote nothing
    done = alpha_client.post("/cobranca/negativacao/", {"as_of": "2025-06-16"})
    assert done.status_code == 302 and BureauRecord.objects.filter(property=p).count() == 1
    settings_page = alpha_client.get("/cobranca/configuracoes/negativacao/")
    assert settings_page.status_code == 200 and "aviso prévio" in settings_page.content.decode()
    saved = alpha_client.post(
        "/cobranca/configuracoes/negativacao/",
        {
            "min_overdue_count": 1,
            "min_debt": "60,00",
            "min_days_overdue": 30,
            "notice_days": 12,
            "exclusion_business_days": 5,
            "localities": "1, 2",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    policy = BureauPolicy.current()
    assert (policy.notice_days, policy.localities, policy.min_debt) == (12, [1, 2], Decimal("60.00"))
    history = alpha_client.get(f"/cobranca/imoveis/{p.pk}/negativacao/")
    body = history.content.decode()
    assert history.status_code == 200 and "Aviso prévio de negativação emitido" in body
    prop_page = alpha_client.get(f"/cadastro/imoveis/{p.pk}/")
    assert "Negativação (SPC/Serasa)" in prop_page.content.decode()
