"""The staff 2ª via (TR S10.12-01, -05, -06): every print recorded and audited, the standard
attendant profile limited to the property's last bill, the fee in force charged on the next bill
unless waived by a profile that may, with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from modules.access.models import Profile, User
from modules.billing.models import Bill, SecondCopyCharge
from modules.billing.services import runs
from modules.billing.services.rebill import BillChanges, rebill
from modules.common.domain.dates import YearMonth
from modules.common.models import AuditEntry
from tests.billing import factories as f
from tests.billing.test_bills_api import _billed, staff  # noqa: F401  (the fixture)
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


def _two_bills(staff: Any) -> tuple[Bill, Bill]:  # noqa: F811
    p, run_id = _billed(staff)
    runs.run_release(actor=f.ACTOR, run=runs.BillingRun.objects.get(pk=run_id))
    may = Bill.objects.get(run_id=run_id)
    f.schedule(p.billing_group, YearMonth(2025, 6))
    june = staff.post(
        "/api/v1/bills/issue",
        {"property": p.pk, "reference": "2025-06", "kind": "early", "reason": "Mudança"},
    )
    assert june.status_code == 201, june.content
    return may, Bill.objects.get(pk=june.json()["id"])


def test_the_fee_goes_to_the_next_bill_and_every_print_is_audited(staff: Any) -> None:  # noqa: F811
    may, june = _two_bills(staff)
    fee = staff.post("/api/v1/billing/second-copy-fee", {"amount": "3.50", "valid_from": "2025-06-02"})
    assert fee.status_code == 201, fee.content
    assert staff.get("/api/v1/billing/second-copy-fee").json()["in_force"] == "3.50"
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    copy = client.get(f"/faturamento/faturas/{may.pk}/2via/")
    assert copy.status_code == 200 and copy["Content-Type"] == "application/pdf"
    charge = SecondCopyCharge.objects.get(bill=may)
    assert (charge.amount, charge.waived, charge.created_by) == (Decimal("3.50"), False, "gestora")
    assert AuditEntry.objects.filter(action="billing.bill_second_copy", object_id=str(may.pk)).count() == 1
    # the fee is an item of the next bill priced: here the replacement of June's bill
    out = rebill(actor=f.ACTOR, bill_id=june.pk, changes=BillChanges(consumption_m3=16), reason="Conferência")
    assert out.bill is not None
    line = out.bill.items.get(source="billing.second_copy")
    assert line.amount == Decimal("3.50") and "05/2025" in line.description
    assert out.bill.total == june.total + Decimal("3.50")
    waived = client.post(
        f"/faturamento/faturas/{may.pk}/2via/", {"waive_fee": "1", "reason": "Erro da concessionária"}
    )
    assert waived.status_code == 200
    assert SecondCopyCharge.objects.filter(bill=may, waived=True).count() == 1
    no_reason = client.post(f"/faturamento/faturas/{may.pk}/2via/", {"waive_fee": "1", "reason": ""})
    assert no_reason.status_code == 302 and SecondCopyCharge.objects.filter(bill=may).count() == 2


def test_the_standard_attendant_prints_only_the_last_bill_and_cannot_waive(staff: Any) -> None:  # noqa: F811
    may, june = _two_bills(staff)
    user = make_user("alpha", "atendente")
    user.profiles.add(Profile.objects.get(name="Atendente"))
    client = staff.client
    client.force_login(user)
    refused = client.get(f"/faturamento/faturas/{may.pk}/2via/")
    assert refused.status_code == 302 and refused["Location"] == f"/faturamento/faturas/{may.pk}/"
    assert not SecondCopyCharge.objects.filter(bill=may).exists()
    assert not AuditEntry.objects.filter(action="billing.bill_second_copy").exists()
    last = client.get(f"/faturamento/faturas/{june.pk}/2via/")
    assert last.status_code == 200 and last["Content-Type"] == "application/pdf"
    waive = client.post(f"/faturamento/faturas/{june.pk}/2via/", {"waive_fee": "1", "reason": "Pedido"})
    assert waive.status_code == 302 and not SecondCopyCharge.objects.filter(bill=june, waived=True).exists()
    page = client.get(f"/faturamento/faturas/{june.pk}/").content.decode()
    assert "2ª via sem taxa" not in page
