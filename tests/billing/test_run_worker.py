"""A billing run through the real broker and a real worker: every chunk a task, bills once each."""

from __future__ import annotations

import time
from typing import Any

from modules.billing.models import Bill
from modules.billing.services import runs
from modules.common.domain.dates import YearMonth
from modules.common.tenancy import tenant_context
from tests.billing import factories as f

MONTH = YearMonth(2001, 5)


def test_run_through_the_worker_bills_each_property_once(
    django_db_setup: Any, live_worker: Any, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock(), f.committed_in_alpha(97, "Ato de teste do worker"):
        with tenant_context("alpha"):
            f.set_company_code("0562")
            f.approved_tariff(valid_from="2001-01-01", act="Ato de teste do worker")
            group = f.group(97)
            f.schedule(group, MONTH)
            props = [f.billable(group, (("COM", 1),), metered=False) for _ in range(5)]
            run = runs.run_create(actor=f.ACTOR, group=group, reference=MONTH, chunk_size=2)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with tenant_context("alpha"):
                run.refresh_from_db()
            if run.status == "done":
                break
            time.sleep(0.2)
        with tenant_context("alpha"):
            run.refresh_from_db()
            assert (run.status, run.bills_count, run.done_chunks) == ("done", 5, 3)
            bills = list(Bill.objects.filter(run=run))
            assert sorted(b.property_id for b in bills) == sorted(p.pk for p in props)
            # COM: minimum 10 m³ × 2.00 + sewer 92.5 % (18.50) + availability charge 5.00
            assert {str(b.total) for b in bills} == {"43.50"}
