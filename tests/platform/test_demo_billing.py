"""The demo's billing as a new user meets it: the month's run is released, the bills whose readings
are still under review wait in the critique, and no bill is due sooner after its issue than the
utility's minimum, whatever day of the month the demo is seeded on (it once issued on 06/12 bills
due on 23/11)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from modules.billing.models import Bill, BillingRun, BillingSettings, BillStatus, RunStatus
from modules.billing.pdf import bill_pdf
from modules.billing.services.runs import OPEN_ANOMALY
from modules.common.clock import tenant_zone
from modules.common.domain.dates import YearMonth
from modules.reading.models import Reading, ReviewStatus
from saas.demo.billing import seed_demo_billing
from saas.demo.registry import TOWNS, seed_demo_registry

PROPERTIES = 120


@pytest.fixture(params=[dt.date(2026, 12, 1), dt.date(2026, 12, 6), dt.date(2026, 12, 28)], ids=str)
def demo(request: Any, tenant_alpha: Any) -> Iterator[tuple[dt.date, list[str]]]:
    """The demo's registry (Sorocaba's town) and billing seeded into alpha on `request.param`."""
    today = request.param
    city, state = tenant_alpha.city, tenant_alpha.state
    tenant_alpha.city, tenant_alpha.state = "Sorocaba", "SP"  # the bill prints them beside the CEP
    with time_machine.travel(dt.datetime.combine(today, dt.time(15), dt.UTC), tick=False):
        seed_demo_registry(PROPERTIES, today=today, town=TOWNS["sorocaba"])
        lines = seed_demo_billing(today=today)
        yield today, lines
    tenant_alpha.city, tenant_alpha.state = city, state


def test_bills_whose_readings_are_under_review_wait_in_the_critique(demo: tuple[dt.date, list[str]]) -> None:
    today, lines = demo
    month = YearMonth.of(today).previous().first_day()
    in_review = set(
        Reading.objects.filter(reference=month, review=ReviewStatus.PENDING).values_list(
            "property_id", flat=True
        )
    )
    assert in_review, "the demo sends some readings (leaks) to review"
    runs = BillingRun.objects.filter(reference=month)
    assert runs.count() == 3 and all(r.status == RunStatus.RELEASED for r in runs)
    bills = Bill.objects.filter(reference=month)
    assert bills.filter(status=BillStatus.RELEASED).count() > PROPERTIES // 2
    assert not bills.filter(property_id__in=in_review).exclude(status=BillStatus.DRAFT).exists()
    held = bills.filter(OPEN_ANOMALY, status=BillStatus.DRAFT).values("pk").distinct().count()
    assert bills.filter(property_id__in=in_review).count() == len(in_review) <= held
    # the command's lines say how many wait, not only that the run is released
    assert sum(int(line.split(" retidas na crítica")[0].rsplit(" ", 1)[1]) for line in lines[1:]) == held


def test_no_demo_bill_is_due_sooner_than_the_minimum_after_its_issue(demo: tuple[dt.date, list[str]]) -> None:
    today, _ = demo
    released = list(Bill.objects.filter(status=BillStatus.RELEASED).select_related("property"))
    assert released
    earliest = today + dt.timedelta(days=BillingSettings.current().min_days_after_issue)
    for bill in released:
        assert bill.issued_at is not None and bill.issued_at.astimezone(tenant_zone()).date() == today
        assert bill.due_date >= earliest, (bill.pk, bill.due_date)
    bill = released[0]
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(bill_pdf(bill))).pages)
    assert f"Emissão {today:%d/%m/%Y}" in text
    assert f"Vencimento {bill.due_date:%d/%m/%Y}" in text
    # Sorocaba's bill prints a São Paulo CEP (it printed Querência's 78643-000)
    assert f"CEP {bill.property.cep[:5]}-{bill.property.cep[5:]} · Sorocaba/SP" in text
    assert bill.property.cep.startswith("18") and "78643" not in text
