"""Alteração de fatura (seed 001 3.2.13.9, 3.2.7.13): one `rebill` service for the due date, the
reading, the consumption, the water or sewer removed, categories and economias, the leak discount
and the holds; each change annotated and audited, and a preview that writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from modules.billing.domain.febraban import parse_typeable_line
from modules.billing.domain.pricing import UnitFact
from modules.billing.models import Bill, BillItem, BillNote, BillStatus
from modules.billing.selectors import HELD_BILLS, bill_is_held
from modules.billing.services import runs
from modules.billing.services.rebill import BillChanges, rebill
from modules.billing.services.settings import billing_settings_update
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.services import ReadingInput, reading_register
from tests.billing import factories as f

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def ready() -> Any:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    f.schedule(g, MONTH)
    return g


def _bill(g: Any, value: int = 16, **kwargs: Any) -> Bill:
    p = f.billable(g, **kwargs)
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), value, ""))
    run = runs.run_create(actor=f.ACTOR, group=g, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31))
    for chunk in run.chunks.order_by("number"):
        runs.chunk_process(chunk_id=chunk.pk)
    runs.run_release(actor=f.ACTOR, run=run)
    return Bill.objects.get(run=run, property=p)


def _counts() -> tuple[int, ...]:
    return (
        Bill.objects.count(),
        BillItem.objects.count(),
        BillNote.objects.count(),
        AuditEntry.objects.count(),
        Bill.objects.filter(status=BillStatus.CANCELLED).count(),
    )


def test_a_due_date_change_keeps_the_bill_and_recomputes_its_barcode(ready: Any) -> None:
    bill = _bill(ready)
    out = rebill(
        actor=f.ACTOR,
        bill_id=bill.pk,
        changes=BillChanges(due_date=dt.date(2025, 6, 30)),
        reason="Pedido do cliente",
    )
    assert out.kind == "due_date" and out.bill is not None and out.bill.pk == bill.pk
    bill.refresh_from_db()
    assert bill.status == "released" and bill.due_date == dt.date(2025, 6, 30)
    assert parse_typeable_line(bill.typeable_line).amount == bill.total
    note = BillNote.objects.get(bill=bill)
    assert (
        note.before["due_date"] != note.after["due_date"] == "2025-06-30"
        and note.reason == "Pedido do cliente"
    )
    assert AuditEntry.objects.filter(action="billing.bill_change").count() == 1


@pytest.mark.parametrize(
    ("due", "message"),
    [
        (dt.date(2025, 6, 1), "anterior a hoje"),
        (dt.date(2025, 6, 28), "dia útil"),
        (dt.date(2025, 11, 20), "dia útil"),
    ],
)
def test_a_due_date_before_today_or_on_a_holiday_is_refused_and_nothing_written(
    ready: Any, due: dt.date, message: str
) -> None:
    bill = _bill(ready)  # 2025-06-28 is a Saturday, 2025-11-20 Consciência Negra
    before = _counts()
    with pytest.raises(ValidationFailed) as raised:
        rebill(actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(due_date=due), reason="x")
    assert raised.value.field == "due_date" and message in raised.value.message
    assert _counts() == before


def test_the_reason_is_mandatory(ready: Any) -> None:
    bill = _bill(ready)
    before = _counts()
    with pytest.raises(ValidationFailed) as raised:
        rebill(actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(consumption_m3=10), reason="  ")
    assert raised.value.field == "reason"
    assert _counts() == before


def test_the_preview_answers_before_and_after_and_writes_nothing(ready: Any) -> None:
    bill = _bill(ready)
    before = _counts()
    preview = rebill(
        actor=f.ACTOR,
        bill_id=bill.pk,
        changes=BillChanges(consumption_m3=10),
        reason="Leitura errada",
        preview=True,
    )
    assert _counts() == before
    assert preview.preview and preview.bill is None
    assert preview.before.total == bill.total and preview.after.total == Decimal("20.59")
    assert preview.after.consumption_m3 == 10 and preview.after.lines
    done = rebill(
        actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(consumption_m3=10), reason="Leitura errada"
    )
    assert done.after.total == preview.after.total and done.bill is not None
    assert done.bill.replaces_id == bill.pk


def test_a_corrected_reading_recomputes_the_consumption(ready: Any) -> None:
    bill = _bill(ready)
    assert bill.previous_reading is not None
    out = rebill(
        actor=f.ACTOR,
        bill_id=bill.pk,
        changes=BillChanges(reading=bill.previous_reading + 10),
        reason="Aferida",
    )
    assert out.bill is not None
    assert (out.bill.consumption_m3, out.bill.current_reading, out.bill.total) == (
        10,
        bill.previous_reading + 10,
        Decimal("20.59"),
    )
    with pytest.raises(ValidationFailed) as raised:
        rebill(
            actor=f.ACTOR,
            bill_id=out.bill.pk,
            changes=BillChanges(reading=bill.previous_reading - 1),
            reason="x",
        )
    assert raised.value.field == "reading"


def test_removing_the_sewer_charge_leaves_water_only(ready: Any) -> None:
    bill = _bill(ready)
    assert bill.items.filter(kind="sewer").exists()
    out = rebill(actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(remove_sewer=True), reason="Sem rede")
    assert out.bill is not None
    assert not out.bill.items.filter(kind="sewer").exists() and out.bill.items.filter(kind="water").exists()
    assert out.after.total < out.before.total
    bill.refresh_from_db()
    assert bill.status == "cancelled" and bill.cancel_reason == "Sem rede"


def test_categories_and_economias_override(ready: Any) -> None:
    bill = _bill(ready)
    out = rebill(
        actor=f.ACTOR,
        bill_id=bill.pk,
        changes=BillChanges(units=(UnitFact("RES", "", 2),)),
        reason="Cadastro corrigido: duas economias",
    )
    # 16 m³ over two economias: 8 each, all in the first band
    assert (out.before.total, out.after.total) == (Decimal("40.56"), Decimal("32.95"))


def test_leak_discount_by_percent_is_capped_by_the_settings(ready: Any) -> None:
    bill = _bill(ready, value=20)
    billing_settings_update(actor=f.ACTOR, max_water_leak_percent=50, max_sewer_leak_percent=40)
    before = _counts()
    for percent, message in ((60, "na água é de no máximo 50%"), (45, "no esgoto é de no máximo 40%")):
        with pytest.raises(ValidationFailed) as raised:
            rebill(
                actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(leak_percent=percent), reason="Vazamento"
            )
        assert raised.value.field == "leak_percent" and message in raised.value.message
    assert _counts() == before
    out = rebill(actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(leak_percent=40), reason="Vazamento")
    assert out.bill is not None and out.bill.consumption_m3 == 12


def test_leak_discount_by_the_six_month_average(ready: Any) -> None:
    bill = _bill(ready, value=20)
    # the property's earlier bills: 8 and 12 m³ (a cancelled one does not count)
    for month, m3, status in ((4, 8, "paid"), (3, 12, "paid"), (2, 90, "cancelled")):
        Bill.objects.create(
            property_id=bill.property_id,
            reference=dt.date(2025, month, 1),
            due_date=dt.date(2025, month, 25),
            status=status,
            total=Decimal("10.00"),
            consumption_m3=m3,
        )
    out = rebill(
        actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(leak_by_average=True), reason="Vazamento"
    )
    assert out.bill is not None and out.bill.consumption_m3 == 10


@pytest.mark.parametrize("hold", ["awaiting_payment", "in_process"])
def test_a_hold_keeps_the_bill_out_of_collection(ready: Any, hold: str) -> None:
    bill = _bill(ready)
    assert not bill_is_held(bill)
    rebill(actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(hold=hold), reason="Processo 123")
    bill.refresh_from_db()
    assert bill_is_held(bill) and bill.status == "released" and bill.total == bill.total
    assert not Bill.objects.filter(pk=bill.pk).exclude(HELD_BILLS).exists()
    rebill(actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(hold=""), reason="Baixa recebida")
    bill.refresh_from_db()
    assert not bill_is_held(bill)
    assert BillNote.objects.filter(bill=bill, kind="hold").count() == 2


def test_a_paid_or_cancelled_bill_cannot_change(ready: Any) -> None:
    bill = _bill(ready)
    Bill.objects.filter(pk=bill.pk).update(status="paid")
    before = _counts()
    with pytest.raises(Conflict):
        rebill(actor=f.ACTOR, bill_id=bill.pk, changes=BillChanges(consumption_m3=1), reason="x")
    assert _counts() == before


def test_a_group_s_open_bills_move_to_a_new_due_date_at_once_each_with_its_note_and_audit(ready: Any) -> None:
    from modules.billing.services.due_date_bulk import due_dates_bulk_change

    props = [f.billable(ready) for _ in range(5)]
    for p in props:
        reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), 16, ""))
    run = runs.run_create(
        actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31)
    )
    for chunk in run.chunks.order_by("number"):
        runs.chunk_process(chunk_id=chunk.pk)
    runs.run_release(actor=f.ACTOR, run=run)
    bills = list(Bill.objects.filter(run=run).order_by("pk"))
    assert len(bills) == 5
    lines = {b.pk: b.typeable_line for b in bills}
    Bill.objects.filter(pk=bills[0].pk).update(status=BillStatus.PAID)  # a paid bill stays as it is
    # a holiday refuses the whole change: nothing written
    before = _counts()
    with pytest.raises(ValidationFailed):
        due_dates_bulk_change(
            actor=f.ACTOR, new_due_date=dt.date(2025, 11, 20), reason="Greve", group_ids=[ready.pk]
        )
    assert _counts() == before
    with pytest.raises(ValidationFailed) as none:
        due_dates_bulk_change(actor=f.ACTOR, new_due_date=dt.date(2025, 6, 30), reason="Greve")
    assert none.value.field == "criteria"
    out = due_dates_bulk_change(
        actor=f.ACTOR, new_due_date=dt.date(2025, 6, 30), reason="Greve dos Correios", group_ids=[ready.pk]
    )
    assert sorted(o.bill.pk for o in out if o.bill) == [b.pk for b in bills[1:]]
    for b in bills[1:]:
        b.refresh_from_db()
        assert b.due_date == dt.date(2025, 6, 30) and b.status == "released"
        assert parse_typeable_line(b.typeable_line).amount == b.total
        assert BillNote.objects.get(bill=b).after["due_date"] == "2025-06-30"
    bills[0].refresh_from_db()
    assert bills[0].typeable_line == lines[bills[0].pk] and bills[0].due_date != dt.date(2025, 6, 30)
    assert AuditEntry.objects.filter(action="billing.bill_change").count() == 4
