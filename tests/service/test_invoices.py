"""The attendant's invoice functions (seed 001 3.2.13.9, 3.2.13.10.16/.20): a bill issued early or
after the group's run left it out (preview, annotation), services changed on a bill, holds that take
a bill out of collection (debt position, certificates, late charges, cut-off selection), the bills
by status, and selected bills by e-mail and SMS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail

from fakes.sms import FakeSms
from modules.access.models import User
from modules.billing.models import Bill, BillItem, BillNote, BillStatus, RunError
from modules.billing.services import runs
from modules.billing.services.rebill import BillChanges, ServiceLine, rebill
from modules.common.models import AuditEntry
from modules.debt.domain.certificates import CertificateKind
from modules.debt.selectors import certificate_decision, debt_position
from modules.registry.models import Category, PropertyCategory
from tests.billing import factories as f
from tests.billing.test_bills_api import _billed, staff  # noqa: F401  (the fixture)
from tests.conftest import bearer


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


def _get(staff: Any, path: str) -> Any:  # noqa: F811
    """GET with a token taken now (a test that travels in time outlives the first one)."""
    return staff.client.get(path, **bearer(staff.client, "gestora", "Senha-forte-123"))


def _counts() -> tuple[int, int, int, int]:
    return (
        Bill.objects.count(),
        BillItem.objects.count(),
        BillNote.objects.count(),
        AuditEntry.objects.count(),
    )


def _read(staff: Any, p: Any, value: int = 16) -> None:  # noqa: F811
    r = staff.post(
        "/api/v1/readings",
        {"account_number": p.account_number, "reference": "2025-05", "read_on": "2025-05-10", "value": value},
    )
    assert r.status_code == 201, r.content


def _run(staff: Any, g: Any) -> int:  # noqa: F811
    run = staff.post("/api/v1/billing/runs", {"group": g.code, "reference": "2025-05"})
    assert run.status_code == 201, run.content
    for chunk_id in runs.RunChunk.objects.filter(run_id=run.json()["id"]).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    return int(run.json()["id"])


def _released(staff: Any) -> Bill:  # noqa: F811
    _p, run_id = _billed(staff)
    runs.run_release(actor=f.ACTOR, run=runs.BillingRun.objects.get(pk=run_id))
    return Bill.objects.get(run_id=run_id)


def test_an_early_bill_is_previewed_issued_annotated_and_never_issued_again_by_the_run(staff: Any) -> None:  # noqa: F811
    g = f.group()
    f.schedule(g, f.YearMonth(2025, 5))
    p = f.billable(g)
    _read(staff, p)
    body = {"property": p.pk, "reference": "2025-05", "kind": "early", "reason": "Mudança do cliente"}
    before = _counts()
    preview = staff.post("/api/v1/bills/issue?preview=1", body)
    assert preview.status_code == 200, preview.content
    assert preview.json()["preview"] is True and preview.json()["bill"]["consumption_m3"] == 16
    assert _counts() == before  # nothing written
    issued = staff.post("/api/v1/bills/issue", body)
    assert issued.status_code == 201, issued.content
    bill = Bill.objects.get(pk=issued.json()["id"])
    assert bill.status == BillStatus.RELEASED and bill.run_id is None and bill.issued_at is not None
    # the very figures of the preview: one pricing path
    assert str(bill.total) == preview.json()["bill"]["total"] and bill.consumption_m3 == 16
    note = BillNote.objects.get(bill=bill)
    assert note.kind == "early" and note.reason == "Mudança do cliente" and note.created_by == "gestora"
    assert AuditEntry.objects.filter(action="billing.bill_issue_early").count() == 1
    again = staff.post("/api/v1/bills/issue", body)
    assert again.status_code == 409 and Bill.objects.filter(property=p).count() == 1
    run_id = _run(staff, g)  # the group's run skips the unit already billed for the month
    assert Bill.objects.filter(property=p).count() == 1 and not Bill.objects.filter(run_id=run_id).exists()
    late = staff.post("/api/v1/bills/issue", {**body, "property": f.billable(g).pk})
    assert late.status_code == 409 and "já foi executado" in late.json()["detail"]


def test_a_bill_the_run_missed_joins_the_run_and_clears_its_error(staff: Any) -> None:  # noqa: F811
    g = f.group()
    f.schedule(g, f.YearMonth(2025, 5))
    p = f.billable(g)
    _read(staff, p)
    PropertyCategory.objects.filter(property=p).delete()  # the run cannot bill it
    run_id = _run(staff, g)
    assert RunError.objects.filter(run_id=run_id, property=p).exists()
    PropertyCategory.objects.create(property=p, category=Category.objects.get(code="RES"), economies=1)
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    url = f"/servicos/atendimento/imovel/{p.pk}/emitir-fatura/"
    assert client.get(url).status_code == 200
    form = {"reference": "2025-05", "kind": "missed", "reason": "Economia cadastrada depois do faturamento"}
    before = _counts()
    previewed = client.post(url, {**form, "op": "preview"})
    assert previewed.status_code == 200 and "Prévia" in previewed.content.decode()
    assert _counts() == before
    confirmed = client.post(url, {**form, "op": "confirm"})
    assert confirmed.status_code == 302
    bill = Bill.objects.get(property=p)
    assert confirmed["Location"] == f"/faturamento/faturas/{bill.pk}/"
    assert bill.run_id == run_id and bill.status == BillStatus.DRAFT  # released with the run
    run = runs.BillingRun.objects.get(pk=run_id)
    assert not RunError.objects.filter(run=run, property=p).exists()
    assert (run.errors_count, run.bills_count, run.total_amount) == (0, 1, bill.total)
    assert BillNote.objects.get(bill=bill).kind == "missed"
    refused = client.post(url, {**form, "kind": "early", "op": "preview"})
    assert "já foi executado" in refused.content.decode()


def test_services_are_added_carried_and_dropped_through_the_rebill(staff: Any) -> None:  # noqa: F811
    bill = _released(staff)
    total = bill.total
    added = rebill(
        actor=f.ACTOR,
        bill_id=bill.pk,
        changes=BillChanges(add_services=(ServiceLine("Aferição de hidrômetro", Decimal("35.40")),)),
        reason="Serviço executado",
    )
    assert added.kind == "reissue" and added.bill is not None
    assert added.bill.total == total + Decimal("35.40")
    service = added.bill.items.get(kind="service")
    # a later correction of the consumption keeps the service added by hand
    corrected = rebill(
        actor=f.ACTOR, bill_id=added.bill.pk, changes=BillChanges(consumption_m3=16), reason="Conferência"
    )
    assert (
        corrected.bill is not None and corrected.bill.items.filter(description=service.description).exists()
    )
    key = f"{service.source}:{service.source_id}"
    response = staff.post(
        f"/api/v1/bills/{corrected.bill.pk}/rebill", {"reason": "Cobrado indevidamente", "drop_items": [key]}
    )
    assert response.status_code == 201, response.content
    dropped = Bill.objects.get(pk=response.json()["id"])
    assert dropped.total == total and not dropped.items.filter(kind="service").exists()
    unknown = staff.post(
        f"/api/v1/bills/{dropped.pk}/rebill", {"reason": "x", "drop_items": ["debt.installment:9"]}
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "drop_items"


def test_held_bills_leave_the_debt_the_certificate_and_the_cut_selection(staff: Any) -> None:  # noqa: F811
    bill = _released(staff)
    other = _released_second(staff)
    forbidden = _released_second(staff)
    forbidden.property.cut_order_allowed = False
    forbidden.property.save(update_fields=["cut_order_allowed"])
    rebill(actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(hold="in_process"), reason="Processo 42/2025")
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=False):
        as_of = dt.date(2025, 8, 1)
        assert debt_position(bill.property_id, as_of).items == ()
        debts = _get(staff, f"/api/v1/properties/{bill.property_id}/debts").json()
        assert debts["items"] == [] and debts["totals"]["total"] == "0.00"
        decision = certificate_decision(bill.property_id, as_of)
        assert decision.kind == CertificateKind.POSITIVE_WITH_NEGATIVE_EFFECT
        assert certificate_decision(other.property_id, as_of).kind == CertificateKind.REFUSED
        open_position = debt_position(other.property_id, as_of).items
        assert len(open_position) == 1 and open_position[0].fine > 0  # the unheld bill accrues charges
        orders = _get(staff, "/api/v1/service/cut-candidates?purpose=order&days=30").json()["results"]
        assert [r["property"] for r in orders] == [other.property_id]
        notices = _get(staff, "/api/v1/service/cut-candidates?purpose=notice&days=30").json()["results"]
        assert sorted(r["property"] for r in notices) == sorted([other.property_id, forbidden.property_id])
        assert _get(staff, "/api/v1/service/cut-candidates?purpose=notice&days=60").json()["results"] == []
        page = staff.client
        page.force_login(User.objects.get(username="gestora"))
        text = page.get("/servicos/corte/selecao/?purpose=order&days=30").content.decode()
        assert other.property.account_number in text and bill.property.account_number not in text
    rebill(actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(hold=""), reason="Processo encerrado")
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=False):
        assert len(debt_position(bill.property_id, dt.date(2025, 8, 1)).items) == 1


def _released_second(staff: Any) -> Bill:  # noqa: F811
    """Another released bill in the same group and month (the run of the month exists already)."""
    g = f.group()
    p = f.billable(g)
    _read(staff, p)
    run = runs.BillingRun.objects.get(group=g, reference=dt.date(2025, 5, 1))
    out = staff.post(
        "/api/v1/bills/issue", {"property": p.pk, "reference": "2025-05", "kind": "missed", "reason": "x"}
    )
    assert out.status_code == 201, out.content
    assert run.status == "released"
    return Bill.objects.get(pk=out.json()["id"])


def test_the_bills_by_status_on_the_page_and_the_api(staff: Any) -> None:  # noqa: F811
    bill = _released(staff)
    out = rebill(
        actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(consumption_m3=10), reason="Leitura errada"
    )
    assert out.bill is not None
    new = out.bill
    url = f"/api/v1/properties/{bill.property_id}/bills"
    assert [b["id"] for b in staff.get(url + "?status=open").json()["results"]] == [new.pk]
    rebilled = staff.get(url + "?status=rebilled").json()["results"]
    assert [b["id"] for b in rebilled] == [bill.pk] and rebilled[0]["replaced_by"] == new.pk
    rebill(actor=f.ACTOR, bill_id=new.pk, changes=BillChanges(hold="awaiting_payment"), reason="Comprovante")
    assert staff.get(url + "?status=open").json()["results"] == []
    assert [b["id"] for b in staff.get(url + "?status=awaiting_payment").json()["results"]] == [new.pk]
    assert staff.get(url + "?status=bogus").status_code == 400
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=False):
        rebill(actor=f.ACTOR, bill_id=new.pk, changes=BillChanges(hold=""), reason="Baixa não veio")
        (row,) = _get(staff, url + "?status=overdue").json()["results"]
        assert Decimal(row["fine"]) > 0 and Decimal(row["interest"]) > 0
        assert Decimal(row["updated_total"]) == Decimal(row["total"]) + Decimal(row["fine"]) + Decimal(
            row["interest"]
        ) + Decimal(row["correction"])
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    desk = client.get(f"/servicos/atendimento/imovel/{bill.property_id}/").content.decode()
    assert f"/servicos/atendimento/imovel/{bill.property_id}/faturas/" in desk
    page = client.get(f"/servicos/atendimento/imovel/{bill.property_id}/faturas/?status=rebilled")
    text = page.content.decode()
    assert page.status_code == 200 and "Refaturadas" in text and f"/faturamento/faturas/{new.pk}/" in text


def test_selected_bills_by_email_and_sms(staff: Any, settings: Any) -> None:  # noqa: F811
    bill = _released(staff)
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    url = f"/servicos/atendimento/imovel/{bill.property_id}/faturas/"
    before = _counts()
    nobody = client.post(url, {"bills": [bill.pk], "op": "email"})
    assert "Não há e-mail cadastrado" in nobody.content.decode() and not mail.outbox
    assert _counts() == before  # refused: nothing noted
    sent = client.post(url, {"bills": [bill.pk], "to": "cliente@example.com", "op": "email"})
    assert sent.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["cliente@example.com"] and bill.typeable_line in message.body
    assert message.attachments[0][0] == f"fatura-2025-05-{bill.pk}.pdf"
    assert message.attachments[0][1] == client.get(f"/faturamento/faturas/{bill.pk}/pdf/").getvalue()
    assert BillNote.objects.filter(bill=bill, kind="email").count() == 1
    with FakeSms(token="sms-test-token") as fake:
        settings.SMS_API_URL, settings.SMS_API_TOKEN = fake.url, "sms-test-token"
        bad = staff.post(
            f"/api/v1/properties/{bill.property_id}/bills/send",
            {"bills": [bill.pk], "channel": "sms", "to": "123"},
        )
        assert bad.status_code == 400 and not fake.outbox
        ok = staff.post(
            f"/api/v1/properties/{bill.property_id}/bills/send",
            {"bills": [bill.pk], "channel": "sms", "to": "(15) 99876-5432"},
        )
        assert ok.status_code == 200, ok.content
        (sms,) = fake.outbox
        assert sms["to"] == "+5515998765432" and bill.typeable_line in sms["text"]
        assert "R$ " in sms["text"] and f"{bill.due_date:%d/%m/%Y}" in sms["text"]
        settings.SMS_API_TOKEN = "wrong"  # the provider refuses: nothing recorded as sent
        notes = BillNote.objects.count()
        refused = staff.post(
            f"/api/v1/properties/{bill.property_id}/bills/send",
            {"bills": [bill.pk], "channel": "sms", "to": "15998765432"},
        )
        assert refused.status_code == 502 and BillNote.objects.count() == notes and len(fake.outbox) == 1


def test_cut_permission_from_the_page_and_the_api(staff: Any) -> None:  # noqa: F811
    bill = _released(staff)
    p = bill.property
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    url = f"/servicos/atendimento/imovel/{p.pk}/permissoes-de-corte/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"cut_notice_allowed": "on"}).status_code == 302
    p.refresh_from_db()
    assert (p.cut_notice_allowed, p.cut_order_allowed) == (True, False)
    audit = AuditEntry.objects.filter(action="registry.property_update").latest("id")
    assert audit.before["cut_order_allowed"] is True and audit.after["cut_order_allowed"] is False
    api = staff.client.put(
        f"/api/v1/properties/{p.pk}/cut-permission",
        {"cut_notice_allowed": False, "cut_order_allowed": True},
        content_type="application/json",
        **bearer(staff.client, "gestora", "Senha-forte-123"),
    )
    assert api.status_code == 200, api.content
    assert api.json() == {"cut_notice_allowed": False, "cut_order_allowed": True}
    p.refresh_from_db()
    assert (p.cut_notice_allowed, p.cut_order_allowed) == (False, True)
