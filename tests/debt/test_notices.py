"""Cut notices and cut orders under the policy (seed 001 3.2.9.7–3.2.9.15): the notice parameters
select, the ladder's preview shows what its run commits and a second run writes nothing, protected
units are never selected, cancel / new cut day / block with their history, a payment or an agreement
settles the pending notice at once, and expired notices become cut orders (service orders) by
priority within the daily cap, never on a day the law forbids."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from modules.billing.models import Bill, BillStatus
from modules.collection.documents import bills_paid
from modules.common.audit import SystemActor
from modules.debt import ladder, notices
from modules.debt.cutoff_policy import cutoff_policy_put
from modules.debt.models import CollectionEvent, CutNotice
from modules.registry.models import Property
from modules.registry.services.connections import connection_create
from modules.service.models import ServiceOrder
from modules.service.services import units
from tests.collection import factories as cf
from tests.conftest import TENANTS, bearer, host_client, make_user
from tests.registry import factories as reg
from tests.service import factories as sf

ACTOR = SystemActor("tests")
MONDAY = dt.date(2026, 4, 13)
CUT_DAY = dt.date(2026, 4, 28)  # Monday + 15 days: a Tuesday, no holiday near
PASSWORD = "Senha-forte-123"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(dt.datetime(2026, 4, 13, 13, tzinfo=dt.UTC), tick=True):
        yield


def _owing(
    *amounts: str,
    categories: tuple[tuple[str, int], ...] = (("RES", 1),),
    due: dt.date = dt.date(2026, 3, 10),
) -> Property:
    p = reg.prop(holder=reg.customer(), categories=categories)
    connection_create(
        actor=ACTOR, prop=p, kind="water", situation="connected", since=dt.date(2020, 1, 1), today=MONDAY
    )
    for i, amount in enumerate(amounts):
        cf.bill(p, amount, due - dt.timedelta(days=31 * i))
    return p


def _policy(**values: Any) -> None:
    cutoff_policy_put(actor=ACTOR, values=values, today=MONDAY)


def test_the_notice_parameters_select_and_the_preview_shows_what_the_run_commits(tenant_alpha: Any) -> None:
    _policy(min_overdue_bills=2, min_debt="100.00", min_days_overdue=30)
    two = _owing("60.00", "50.00")  # 2 bills, 110,00 → selected
    _owing("60.00")  # one bill only
    _owing("40.00", "50.00")  # 90,00: below the minimum debt
    _owing("80.00", "80.00", due=dt.date(2026, 3, 20))  # the newer bill is 24 days overdue: 1 counts
    seen = ladder.preview("cut_notice", as_of=MONDAY)
    assert (seen.properties, seen.bills, seen.amount) == (1, 2, Decimal("110.00"))
    assert not CutNotice.objects.exists()
    done = ladder.run("cut_notice", as_of=MONDAY, actor=ACTOR)
    assert (done.properties, done.bills, done.amount, done.written) == (1, 2, Decimal("110.00"), 1)
    notice = CutNotice.objects.get()
    assert notice.property_id == two.pk
    assert (notice.delivered_on, notice.cut_from, notice.amount) == (MONDAY, CUT_DAY, Decimal("110.00"))
    assert sorted(notice.bill_ids) == sorted(Bill.objects.filter(property=two).values_list("id", flat=True))
    again = ladder.run("cut_notice", as_of=MONDAY, actor=ACTOR)
    assert again.written == 0
    assert CutNotice.objects.count() == 1
    assert (
        CollectionEvent.objects.filter(property=two, step="notice", action="issued", citizen=True).count()
        == 1
    )


def test_protected_blocked_and_already_noticed_units_are_never_selected(tenant_alpha: Any) -> None:
    _policy(protected_categories=["PUB"])
    plain = _owing("70.00")
    _owing("70.00", categories=(("PUB", 1),))  # a school: the policy's protected category
    hospital = _owing("70.00")
    Property.objects.filter(pk=hospital.pk).update(cut_notice_allowed=False)  # health-dependent / hospital
    blocked = _owing("70.00")
    notices.block_create(
        actor=ACTOR, property_id=blocked.pk, scope="notices", ends_on=None, reason="Liminar", today=MONDAY
    )
    held = _owing("70.00")
    Bill.objects.filter(property=held).update(hold="Pagamento comprovado")
    assert [s.property_id for s in notices.notice_selection(MONDAY)] == [plain.pk]
    assert CollectionEvent.objects.filter(property=blocked, step="block").count() == 1
    notices.notices_issue(actor=ACTOR, as_of=MONDAY)
    # a pending notice: no second one the next day while multiple notices are off…
    assert notices.notice_selection(MONDAY + dt.timedelta(days=1)) == []
    _policy(allow_multiple_pending=True)
    assert [s.property_id for s in notices.notice_selection(MONDAY + dt.timedelta(days=1))] == [plain.pk]


def test_cancel_and_a_new_cut_day_keep_the_history_and_the_law(tenant_alpha: Any) -> None:
    p = _owing("70.00")
    notice = notices.notices_issue(actor=ACTOR, as_of=MONDAY)[0]
    from modules.common.errors import Conflict, ValidationFailed

    with pytest.raises(ValidationFailed, match="não pode ser antes de 28/04/2026"):
        notices.notice_reschedule(actor=ACTOR, notice_id=notice.pk, cut_from=dt.date(2026, 4, 27), reason="x")
    with pytest.raises(ValidationFailed, match="sexta-feira"):
        notices.notice_reschedule(actor=ACTOR, notice_id=notice.pk, cut_from=dt.date(2026, 5, 8), reason="x")
    moved = notices.notice_reschedule(
        actor=ACTOR, notice_id=notice.pk, cut_from=dt.date(2026, 5, 5), reason="Pedido do cliente"
    )
    assert moved.cut_from == dt.date(2026, 5, 5)
    notices.notice_cancel(actor=ACTOR, notice_id=notice.pk, reason="Débito contestado")
    with pytest.raises(Conflict):
        notices.notice_cancel(actor=ACTOR, notice_id=notice.pk, reason="de novo")
    actions = list(CollectionEvent.objects.filter(property=p).order_by("id").values_list("action", flat=True))
    assert actions == ["issued", "rescheduled", "cancelled"]
    assert notices.order_selection(dt.date(2026, 5, 5)) == []  # a cancelled notice never becomes an order


def test_a_payment_settles_the_pending_notice_at_once(tenant_alpha: Any) -> None:
    p = _owing("70.00", "30.00")
    notice = notices.notices_issue(actor=ACTOR, as_of=MONDAY)[0]
    first, second = Bill.objects.filter(property=p).order_by("id")
    Bill.objects.filter(pk=first.pk).update(status=BillStatus.PAID)
    bills_paid([first.pk], ACTOR)
    notice.refresh_from_db()
    assert notice.status == CutNotice.Status.PENDING  # one bill still open
    Bill.objects.filter(pk=second.pk).update(status=BillStatus.PAID)
    bills_paid([second.pk], ACTOR)
    notice.refresh_from_db()
    assert notice.status == CutNotice.Status.SETTLED
    assert notices.order_selection(CUT_DAY) == []


def test_a_payment_imported_late_in_the_evening_settles_the_notice_on_the_utilitys_day(
    tenant_alpha: Any,
) -> None:
    # a return file imported by the worker at 22:30 in São Paulo (01:30 UTC of the next day): no
    # request activated the utility's zone, and the notice is closed on the utility's date
    p = _owing("70.00")
    notice = notices.notices_issue(actor=ACTOR, as_of=MONDAY)[0]
    Bill.objects.filter(property=p).update(status=BillStatus.PAID)
    with time_machine.travel(dt.datetime(2026, 4, 14, 1, 30, tzinfo=dt.UTC), tick=False):
        bills_paid(list(Bill.objects.filter(property=p).values_list("id", flat=True)), ACTOR)
    notice.refresh_from_db()
    assert (notice.status, notice.closed_on) == (CutNotice.Status.SETTLED, MONDAY)


def _cut_codes() -> None:
    for code, effect in {"CORTE-C": "cut_meter_stand", "RELIG-C": "reconnect_meter_stand"}.items():
        sf.code(code, description=f"Serviço {code}", price="25.00")
        units.code_effect_set(actor=ACTOR, code=code, effect=effect)


def test_expired_notices_become_cut_orders_by_amount_within_the_daily_cap(tenant_alpha: Any) -> None:
    _cut_codes()
    _policy(max_orders_per_day=2, order_priority="amount", min_notice_amount="20.00")
    small, large, middle, tiny = (_owing(a) for a in ("30.00", "90.00", "60.00", "10.00"))
    notices.notices_issue(actor=ACTOR, as_of=MONDAY)
    assert notices.order_selection(CUT_DAY - dt.timedelta(days=1)) == []  # not expired yet
    assert [n.property_id for n in notices.order_selection(CUT_DAY)] == [large.pk, middle.pk]
    done = ladder.run("cut_order", as_of=CUT_DAY, actor=ACTOR)
    assert done.written == 2
    orders = ServiceOrder.objects.filter(code__code="CORTE-C").order_by("id")
    assert [o.property_id for o in orders] == [large.pk, middle.pk]
    assert ladder.run("cut_order", as_of=CUT_DAY, actor=ACTOR).written == 0  # the cap is spent today
    next_day = CUT_DAY + dt.timedelta(days=1)
    assert [n.property_id for n in notices.order_selection(next_day)] == [small.pk]  # carried over
    assert tiny.pk not in {n.property_id for n in notices.order_selection(next_day)}  # below the minimum
    assert CutNotice.objects.get(property=large).order_id == orders[0].pk


def test_no_cut_order_on_a_day_the_law_forbids_nor_for_a_unit_blocked_for_orders(tenant_alpha: Any) -> None:
    _cut_codes()
    p = _owing("70.00")
    q = _owing("80.00")
    notices.notices_issue(actor=ACTOR, as_of=MONDAY)
    notices.block_create(
        actor=ACTOR, property_id=q.pk, scope="orders", ends_on=None, reason="Hospital", today=MONDAY
    )
    assert notices.order_selection(dt.date(2026, 4, 30)) == []  # Thursday, eve of 1 May
    assert notices.order_selection(dt.date(2026, 5, 1)) == []  # the holiday
    assert [n.property_id for n in notices.order_selection(dt.date(2026, 5, 4))] == [p.pk]


def test_the_ladder_api_previews_runs_and_answers_an_unknown_step_with_400(tenant_alpha: Any) -> None:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(host_client(TENANTS["alpha"]), "chefe", PASSWORD)
    _owing("70.00")
    client = host_client(TENANTS["alpha"])
    body = {"step": "cut_notice", "as_of": "2026-04-13"}
    preview = client.post("/api/v1/debt/ladder/preview", body, content_type="application/json", **headers)
    assert preview.status_code == 200
    assert (preview.json()["properties"], preview.json()["amount"]) == (1, "70.00")
    assert not CutNotice.objects.exists()
    run = client.post("/api/v1/debt/ladder/run", body, content_type="application/json", **headers)
    assert run.json()["written"] == 1 and CutNotice.objects.count() == 1
    unknown = client.post(
        "/api/v1/debt/ladder/preview",
        {"step": "protest", "as_of": "2026-04-13"},
        content_type="application/json",
        **headers,
    )
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_ladder_step" and unknown.json()["field"] == "step"
    assert "protest" in unknown.json()["detail"]


def test_the_notice_pdf_lists_the_bills_the_cut_day_and_a_barcode_that_settles_them(
    tenant_alpha: Any,
) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from modules.billing.domain.febraban import format_typeable_line, parse_barcode
    from modules.debt.pdf import cut_notice_pdf

    _policy(notice_message="Evite o corte: pague ou parcele.", print_barcode=True)
    p = _owing("70.00", "30.00")
    notice = notices.notices_issue(actor=ACTOR, as_of=MONDAY)[0]
    doc = notice.document
    assert doc is not None and doc.valid_until == CUT_DAY - dt.timedelta(days=1)
    assert sorted(doc.lines.values_list("bill_id", flat=True)) == sorted(notice.bill_ids)
    parsed = parse_barcode(doc.barcode)
    assert parsed.amount == doc.amount
    assert doc.amount >= Decimal("100.00")  # the bills plus late charges up to the day before the cut
    text = " ".join(
        " ".join(pg.extract_text() or "" for pg in PdfReader(BytesIO(cut_notice_pdf(notice))).pages).split()
    )
    assert "Corte a partir de 28/04/2026" in text
    assert p.account_number in text
    assert "Evite o corte: pague ou parcele." in text
    assert format_typeable_line(doc.typeable_line) in text
    _policy(print_barcode=False)
    q = _owing("50.00")
    later = notices.notices_issue(actor=ACTOR, as_of=MONDAY + dt.timedelta(days=1))
    assert [n.property_id for n in later] == [q.pk] and later[0].document is None


def test_the_reminder_step_sends_sms_and_e_mail_once_a_day_through_the_provider(
    tenant_alpha: Any, settings: Any
) -> None:
    from django.core import mail

    from fakes.sms import FakeSms

    _policy(reminder_days_overdue=3)
    maria = reg.customer("Maria Lembrada", email="maria@example.com", phone="(79) 99876-5432")
    p = reg.prop(holder=maria)
    cf.bill(p, "45.50", dt.date(2026, 4, 9))  # 4 days overdue
    recent = _owing("20.00", due=dt.date(2026, 4, 12))  # one day: too early
    with FakeSms(token="sms-test-token") as fake:
        settings.SMS_API_URL, settings.SMS_API_TOKEN = fake.url, "sms-test-token"
        seen = ladder.preview("reminder", as_of=MONDAY)
        assert (seen.properties, seen.amount) == (1, Decimal("45.50"))
        assert not fake.outbox and not mail.outbox
        done = ladder.run("reminder", as_of=MONDAY, actor=ACTOR)
        assert done.written == 1
        (sms,) = fake.outbox
        assert sms["to"] == "+5579998765432" and p.account_number in sms["text"] and "45,50" in sms["text"]
        assert [m.to for m in mail.outbox] == [["maria@example.com"]]
        assert ladder.run("reminder", as_of=MONDAY, actor=ACTOR).written == 0
        assert len(fake.outbox) == 1 and len(mail.outbox) == 1
    event = CollectionEvent.objects.get(property=p, step="reminder")
    assert event.citizen and "SMS e e-mail" in event.summary
    assert not CollectionEvent.objects.filter(property=recent, step="reminder").exists()


def test_a_refusing_provider_writes_no_reminder_and_the_next_run_tries_again(
    tenant_alpha: Any, settings: Any
) -> None:
    from fakes.sms import FakeSms

    maria = reg.customer("Maria Sem E-mail", phone="(79) 99876-5432")
    p = reg.prop(holder=maria)
    cf.bill(p, "45.50", dt.date(2026, 4, 1))
    with FakeSms(token="sms-test-token") as fake:
        settings.SMS_API_URL, settings.SMS_API_TOKEN = fake.url, "wrong"
        assert ladder.run("reminder", as_of=MONDAY, actor=ACTOR).written == 0
        assert not CollectionEvent.objects.filter(property=p).exists()
        settings.SMS_API_TOKEN = "sms-test-token"
        assert ladder.run("reminder", as_of=MONDAY, actor=ACTOR).written == 1
        assert len(fake.outbox) == 1


def test_a_charged_notice_puts_its_fee_on_the_next_bill_once(tenant_alpha: Any) -> None:
    from modules.billing.hooks import pending_items
    from modules.common.domain.dates import YearMonth

    _policy(notice_fee="7.50")
    p = _owing("70.00")
    notice = notices.notices_issue(actor=ACTOR, as_of=MONDAY)[0]
    items = [
        i for i in pending_items([p.pk], YearMonth(2026, 5))[p.pk] if i.source == notices.NOTICE_FEE_SOURCE
    ]
    assert [(i.amount, i.source_id, i.kind) for i in items] == [(Decimal("7.50"), str(notice.pk), "service")]
    notices.notice_cancel(actor=ACTOR, notice_id=notice.pk, reason="Erro de emissão")
    assert not [
        i
        for i in pending_items([p.pk], YearMonth(2026, 5)).get(p.pk, [])
        if i.source == notices.NOTICE_FEE_SOURCE
    ]


def test_the_notice_and_block_apis_cancel_reschedule_and_block_naming_bad_input(tenant_alpha: Any) -> None:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(host_client(TENANTS["alpha"]), "chefe", PASSWORD)
    client = host_client(TENANTS["alpha"])
    p = _owing("70.00")
    notice = notices.notices_issue(actor=ACTOR, as_of=MONDAY)[0]

    def post(path: str, body: dict[str, Any]) -> Any:
        return client.post(path, body, content_type="application/json", **headers)

    early = post(f"/api/v1/debt/notices/{notice.pk}/reschedule", {"cut_from": "2026-04-20", "reason": "x"})
    assert early.status_code == 400 and early.json()["code"] == "cut_day_not_allowed"
    moved = post(
        f"/api/v1/debt/notices/{notice.pk}/reschedule", {"cut_from": "2026-05-05", "reason": "Pedido"}
    )
    assert moved.status_code == 200 and moved.json()["cut_from"] == "2026-05-05"
    gone = post(f"/api/v1/debt/notices/{notice.pk}/cancel", {"reason": "Contestação"})
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    again = post(f"/api/v1/debt/notices/{notice.pk}/cancel", {"reason": "de novo"})
    assert again.status_code == 409 and again.json()["code"] == "cut_notice_not_pending"
    block = post(f"/api/v1/properties/{p.pk}/collection-block", {"scope": "orders", "reason": "Liminar"})
    assert block.status_code == 201 and block.json()["scope"] == "orders"
    assert post("/api/v1/properties/999999/collection-block", {"reason": "x"}).status_code == 404
    # 3.2.9.9, .10, .15 through the API: one automatic service order per accepted change
    orders = ServiceOrder.objects.filter(property=p, code__code="COBADM").order_by("id")
    assert [o.opened_by for o in orders] == ["chefe"] * 3
    assert [o.description.split(". Parecer: ")[-1] for o in orders] == ["Pedido", "Contestação", "Liminar"]


def test_already_cut_units_follow_the_policys_flag(tenant_alpha: Any) -> None:
    from modules.registry.models import ServiceConnection

    cut = _owing("70.00")
    ServiceConnection.objects.filter(property=cut).update(situation="cut")
    plain = _owing("70.00")
    assert [s.property_id for s in notices.notice_selection(MONDAY)] == [plain.pk]
    _policy(notify_already_cut=True)
    assert sorted(s.property_id for s in notices.notice_selection(MONDAY)) == sorted([cut.pk, plain.pk])


@pytest.mark.parametrize("priority", ["notice_due", "location"])
def test_orders_come_out_in_the_chosen_priority_with_the_policys_message(
    tenant_alpha: Any, priority: str
) -> None:
    _cut_codes()
    _policy(order_priority=priority, order_message="Corte por débito: leve o aviso.")
    first = _owing("30.00")  # lower inscription (lot) and issued first
    second = _owing("90.00")
    notices.notices_issue(actor=ACTOR, as_of=MONDAY)
    later = _owing("60.00")
    notices.notices_issue(actor=ACTOR, as_of=MONDAY + dt.timedelta(days=1))  # its cut day is a day later
    day = dt.date(2026, 4, 29)
    assert [n.property_id for n in notices.order_selection(day)] == [first.pk, second.pk, later.pk]
    notices.cut_orders_generate(actor=ACTOR, as_of=day)
    assert set(ServiceOrder.objects.values_list("description", flat=True)) == {
        "Corte por débito: leve o aviso."
    }


def test_a_step_registered_by_another_module_with_plain_figures_previews_and_runs(tenant_alpha: Any) -> None:
    calls: list[dt.date] = []

    def fake_preview(as_of: dt.date) -> dict[str, Any]:
        return {"count": 2, "amount": Decimal("10.50")}

    def fake_run(as_of: dt.date) -> dict[str, Any]:
        calls.append(as_of)
        return {"count": 2 if len(calls) == 1 else 0, "amount": Decimal("10.50")}

    previous = ladder._STEPS.get("protest")
    ladder.register_step("protest", preview=fake_preview, run=fake_run)
    try:
        seen = ladder.preview("protest", as_of=MONDAY)
        assert (seen.properties, seen.amount, seen.written, seen.committed) == (2, Decimal("10.50"), 0, False)
        assert ladder.run("protest", as_of=MONDAY, actor=ACTOR).written == 2
        assert ladder.run("protest", as_of=MONDAY, actor=ACTOR).written == 0
        assert calls == [MONDAY, MONDAY]
        with pytest.raises(ValueError, match="unknown ladder step code"):
            ladder.register_step("spam", preview=fake_preview, run=fake_run)
    finally:
        ladder._STEPS.pop("protest", None)
        if previous is not None:
            ladder._STEPS["protest"] = previous


def test_first_level_orders_are_generated_only_inside_their_weekdays_and_hours(tenant_alpha: Any) -> None:
    """3.2.9.12.6: the meter-stand (1st level) window — Tuesdays and Wednesdays, 08:00–12:00 in
    Brasília — lets the orders out only inside it; on the page and the API the window is saved."""
    _cut_codes()
    p = _owing("70.00")
    _policy(level_windows={"meter_stand": {"weekdays": [1, 2], "hours": ["08:00", "12:00"]}})
    notices.notices_issue(actor=ACTOR, as_of=MONDAY)
    tuesday, thursday = CUT_DAY, CUT_DAY + dt.timedelta(days=2)
    with time_machine.travel(dt.datetime.combine(tuesday, dt.time(15, 30), tzinfo=dt.UTC), tick=False):
        assert notices.order_selection(tuesday) == []  # 12:30 in Brasília: after the window
        assert ladder.run("cut_order", as_of=tuesday, actor=ACTOR).written == 0
    with time_machine.travel(dt.datetime.combine(thursday, dt.time(13), tzinfo=dt.UTC), tick=False):
        assert notices.order_selection(thursday) == []  # 10:00, but a Thursday
    with time_machine.travel(dt.datetime.combine(tuesday, dt.time(13), tzinfo=dt.UTC), tick=False):
        assert [n.property_id for n in notices.order_selection(tuesday)] == [p.pk]  # 10:00 Tuesday
        assert ladder.run("cut_order", as_of=tuesday, actor=ACTOR).written == 1


def test_the_level_windows_are_saved_by_the_api_and_refused_naming_the_bad_part(tenant_alpha: Any) -> None:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    client = host_client(TENANTS["alpha"])
    headers = bearer(client, "chefe", PASSWORD)

    def put(body: dict[str, Any]) -> Any:
        return client.put("/api/v1/debt/cutoff-policy", body, content_type="application/json", **headers)

    windows = {"meter_stand": {"weekdays": [1, 2]}, "branch": {"weekdays": [3], "hours": ["08:00", "10:00"]}}
    saved = put({"level_windows": windows})
    assert saved.status_code == 200 and saved.json()["level_windows"] == windows
    bad = put({"level_windows": {"branch": {"hours": ["10:00", "08:00"]}}})
    assert bad.status_code == 400 and bad.json()["field"] == "level_windows.branch.hours"
    assert put({"level_windows": {"third": {}}}).json()["field"] == "level_windows"


def test_an_overdue_services_only_bill_gets_a_debt_notice_never_a_cut(tenant_alpha: Any) -> None:
    """3.2.9.7.4: a unit whose overdue bills carry no water charge, only other services, gets a
    debt notice (not a cut notice): no fee, no cut day on its PDF, never a cut order; a unit with a
    water bill beside it gets the cut notice."""
    from io import BytesIO

    from pypdf import PdfReader

    from modules.billing.models import BillItem
    from modules.debt.pdf import cut_notice_pdf

    _cut_codes()
    _policy(notice_fee="4.50")
    services_only = _owing("45.00")
    BillItem.objects.filter(bill__property=services_only).update(kind="service", description="Religação")
    water = _owing("70.00")
    issued = {n.property_id: n for n in ladder_issue()}
    debt, cut = issued[services_only.pk], issued[water.pk]
    assert (debt.kind, debt.fee, cut.kind, cut.fee) == ("debt", Decimal("0.00"), "cut", Decimal("4.50"))
    text = " ".join(
        " ".join(pg.extract_text() or "" for pg in PdfReader(BytesIO(cut_notice_pdf(debt))).pages).split()
    )
    assert "Aviso de débito" in text and "não leva ao corte" in text and "Corte a partir de" not in text
    assert [n.property_id for n in notices.order_selection(CUT_DAY)] == [water.pk]
    summary = CollectionEvent.objects.get(property=services_only, action="issued").summary
    assert summary.startswith("Aviso de débito nº") and "sem corte" in summary


def ladder_issue() -> list[CutNotice]:
    assert ladder.run("cut_notice", as_of=MONDAY, actor=ACTOR).written == 2
    return list(CutNotice.objects.all())


def test_the_daily_notices_are_set_based_and_price_each_unit_as_one_at_a_time_would(
    tenant_alpha: Any,
) -> None:
    """ADR 0211: the run's statements do not grow with the units selected (3 units or 9, the same
    count), and each notice's document is what `debt_position` and `document_create` make for one
    unit: the same priced lines, the amount, a barcode carrying the document's own id."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modules.collection.documents import document_barcode
    from modules.debt.selectors import debt_position

    _policy(print_barcode=True)
    for _ in range(3):
        _owing("70.00", "30.00")
    with CaptureQueriesContext(connection) as few:
        first = notices.notices_issue(actor=ACTOR, as_of=MONDAY)
    for _ in range(9):
        _owing("45.50")
    with CaptureQueriesContext(connection) as many:
        second = notices.notices_issue(actor=ACTOR, as_of=MONDAY + dt.timedelta(days=1))
    assert (len(first), len(second)) == (3, 9)
    assert len(many.captured_queries) == len(few.captured_queries)
    for notice in [*first, *second]:
        stored = CutNotice.objects.select_related("document").get(pk=notice.pk)
        doc = stored.document
        assert doc is not None and doc.source_id == str(stored.pk)
        one = debt_position(stored.property_id, doc.valid_until, list(stored.bill_ids))
        lines = sorted(doc.lines.values_list("bill_id", "original", "fine", "interest", "total"))
        assert lines == sorted((i.bill_id, i.original, i.fine, i.interest, i.total) for i in one.items)
        assert doc.amount == sum((i.total for i in one.items), Decimal("0.00"))
        assert (doc.barcode, doc.typeable_line) == document_barcode(doc.pk, doc.amount, doc.valid_until)
        assert CollectionEvent.objects.filter(
            property_id=stored.property_id, step="notice", action="issued", summary__contains=stored.number
        ).exists()
