"""One shared data set for the reports' tests: a billing group run end to end through the staff API
(readings → run → release) over residential, commercial and mixed properties, one bill rebilled (so
one is cancelled and reissued), a service line, and payments of every status."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from modules.billing.models import Bill, BillItem, RunChunk
from modules.billing.services import runs
from modules.collection.models import Payment
from modules.common.domain.dates import YearMonth
from tests.billing import factories as f
from tests.collection import factories as cf
from tests.conftest import bearer, make_user

MONTH = "2025-05"


class Api:
    def __init__(self, client: Any, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(path, body, content_type="application/json", **self.headers)

    def get(self, path: str) -> Any:
        return self.client.get(path, **self.headers)


def staff_api(client: Any, username: str = "relatorios") -> Api:
    make_user("alpha", username, is_admin=True)
    return Api(client, bearer(client, username, "Senha-forte-123"))


def billed_month(api: Api) -> dict[str, Any]:
    """Four properties billed for 2025-05 and released; one bill rebilled; a service line on one."""
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group(41)
    f.schedule(g, YearMonth(2025, 5))
    props = [
        f.billable(g),
        f.billable(g, (("COM", 1),), sewer=False),
        f.billable(g, (("RES", 2), ("COM", 1))),
        f.billable(g),
    ]
    for p, value in zip(props, (16, 25, 30, 8), strict=True):
        r = api.post(
            "/api/v1/readings",
            {"account_number": p.account_number, "reference": MONTH, "read_on": "2025-05-10", "value": value},
        )
        assert r.status_code == 201, r.content
    run = api.post("/api/v1/billing/runs", {"group": g.code, "reference": MONTH})
    assert run.status_code == 201, run.content
    for chunk_id in RunChunk.objects.filter(run_id=run.json()["id"]).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    released = api.post(f"/api/v1/billing/runs/{run.json()['id']}/release", {"reason": "crítica validada"})
    assert released.status_code == 200, released.content
    bills = list(Bill.objects.filter(run_id=run.json()["id"]).order_by("id"))
    assert len(bills) == 4
    # a service charged on the first bill (a line with no category: it takes the property's)
    first = bills[0]
    BillItem.objects.create(
        bill=first, kind="service", description="Religação", amount=Decimal("35.00"), position=90
    )
    Bill.objects.filter(pk=first.pk).update(total=first.total + Decimal("35.00"))
    rebill = api.post(
        f"/api/v1/bills/{bills[3].pk}/rebill", {"reason": "Leitura corrigida", "consumption_m3": 5}
    )
    assert rebill.status_code == 201, rebill.content
    return {"group": g, "props": props, "bills": bills, "rebill": rebill.json()}


def payments(bills: list[Bill]) -> list[Payment]:
    agent = cf.agent("237")
    made = []
    for bill, status, reason, day in (
        (bills[0], "applied", "", 10),
        (bills[1], "applied", "", 11),
        (None, "review", "unknown", 11),
        (bills[0], "review", "duplicate", 12),
    ):
        made.append(
            Payment.objects.create(
                agent=agent,
                channel="counter",
                status=status,
                review_reason=reason,
                bill=bill,
                property=bill.property if bill else None,
                amount=bill.total if bill else Decimal("12.34"),
                paid_on=dt.date(2025, 6, day),
                credited_on=dt.date(2025, 6, day + 1),
                created_by="tests",
            )
        )
    return made
