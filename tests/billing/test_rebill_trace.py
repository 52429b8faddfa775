"""Bill corrections trace the services and installments they add or remove (seed 001 3.2.7.13.1):
the annotation of each rebill says, before → after, which line left the bill and which came, with
its amount."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from modules.billing.models import BillNote, items_moved
from modules.billing.services.rebill import BillChanges, ServiceLine, rebill
from tests.billing import factories as f
from tests.billing.test_rebill import MONTH, _bill

pytestmark = pytest.mark.usefixtures("tenant_alpha")


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


def test_an_installment_moved_off_the_bill_is_named_with_its_amount() -> None:
    before = [
        {"kind": "water", "description": "Água", "amount": "20.59"},
        {"kind": "installment", "description": "Parcela 3/10 do acordo 12", "amount": "45.10"},
    ]
    after = [{"kind": "water", "description": "Água", "amount": "20.59"}]
    assert items_moved(before, after) == ["parcela retirado(a): Parcela 3/10 do acordo 12 (R$ 45,10)"]
    assert items_moved(after, before) == ["parcela incluído(a): Parcela 3/10 do acordo 12 (R$ 45,10)"]


def test_a_service_added_then_removed_leaves_both_moves_in_the_annotations(ready: Any) -> None:
    bill = _bill(ready)
    added = rebill(
        actor=f.ACTOR,
        bill_id=bill.pk,
        changes=BillChanges(add_services=(ServiceLine("Aferição de hidrômetro", Decimal("35.40")),)),
        reason="Serviço executado",
    )
    assert added.bill is not None
    note = BillNote.objects.get(bill=bill)
    assert note.summary() == (
        "total R$ 40,56 → R$ 75,96; serviço incluído(a): Aferição de hidrômetro (R$ 35,40)"
    )
    service = added.bill.items.get(kind="service")
    dropped = rebill(
        actor=f.ACTOR,
        bill_id=added.bill.pk,
        changes=BillChanges(drop_items=(f"{service.source}:{service.source_id}",)),
        reason="Cobrado indevidamente",
    )
    assert dropped.bill is not None and dropped.bill.total == Decimal("40.56")
    assert BillNote.objects.get(bill=added.bill).summary() == (
        "total R$ 75,96 → R$ 40,56; serviço retirado(a): Aferição de hidrômetro (R$ 35,40)"
    )


def test_a_reading_changed_after_billing_rebases_the_next_month(ready: Any) -> None:
    from modules.reading.models import Reading, ReadingRevision
    from modules.reading.services import ReadingInput, reading_register

    bill = _bill(ready)  # May: 16 m³ read
    assert bill.previous_reading is not None
    june = MONTH.next()
    f.schedule(ready, june)
    with time_machine.travel(dt.datetime(2025, 6, 12, 12, tzinfo=dt.UTC), tick=False):
        reading_register(
            actor=f.ACTOR,
            data=ReadingInput(
                bill.property.account_number, june, june.day(10), bill.previous_reading + 30, ""
            ),
        )
    out = rebill(
        actor=f.ACTOR,
        bill_id=bill.pk,
        changes=BillChanges(reading=bill.previous_reading + 10),
        reason="Aferida",
    )
    assert out.bill is not None and out.bill.consumption_m3 == 10 and out.bill.total == Decimal("20.59")
    may = Reading.objects.get(property=bill.property, reference=MONTH.first_day())
    nxt = Reading.objects.get(property=bill.property, reference=june.first_day())
    assert (may.value, may.consumption_m3) == (bill.previous_reading + 10, 10)
    assert (nxt.previous_value, nxt.consumption_m3) == (bill.previous_reading + 10, 20)
    assert ReadingRevision.objects.filter(property=bill.property).count() == 2  # both kept as they were
