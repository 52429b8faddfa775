"""Alteração de fatura through the API (`?preview=1` writes nothing) and the staff page (form,
preview before → after, confirm), and the 2ª via: the very PDF of the original."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from modules.access.models import User
from modules.billing.models import Bill, BillItem, BillNote
from modules.billing.pdf import render_bill_html
from modules.billing.services import runs
from modules.common.models import AuditEntry
from tests.billing import factories as f
from tests.billing.test_bills_api import _billed, staff  # noqa: F401  (the fixture)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


def _released(staff: Any) -> Bill:  # noqa: F811
    _p, run_id = _billed(staff)
    runs.run_release(actor=f.ACTOR, run=runs.BillingRun.objects.get(pk=run_id))
    return Bill.objects.get(run_id=run_id)


def _counts() -> tuple[int, int, int, int]:
    return (
        Bill.objects.count(),
        BillItem.objects.count(),
        BillNote.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_api_previews_then_changes(staff: Any) -> None:  # noqa: F811
    bill = _released(staff)
    before = _counts()
    url = f"/api/v1/bills/{bill.pk}/rebill"
    preview = staff.post(url + "?preview=1", {"reason": "Vazamento", "leak_percent": 50})
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["preview"] is True and body["kind"] == "reissue"
    assert body["before"]["consumption_m3"] == 16 and body["after"]["consumption_m3"] == 8
    assert _counts() == before
    refused = staff.post(url, {"reason": "Vazamento", "leak_percent": 71})
    assert refused.status_code == 400 and "70%" in refused.content.decode()
    assert _counts() == before
    moved = staff.post(url, {"reason": "Pedido do cliente", "due_date": "2025-06-30"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["id"] == bill.pk and moved.json()["due_date"] == "2025-06-30"
    held = staff.post(url, {"reason": "Processo 42/2025", "hold": "in_process"})
    assert held.status_code == 200 and held.json()["hold"] == "in_process"
    listed = staff.get(f"/api/v1/bills?property={bill.property_id}&status=in_process").json()
    assert [b["id"] for b in listed["results"]] == [bill.pk]
    assert (
        staff.get(f"/api/v1/bills?property={bill.property_id}&status=awaiting_payment").json()["results"]
        == []
    )
    done = staff.post(url, {"reason": "Vazamento", "leak_percent": 50})
    assert done.status_code == 201, done.content
    new = done.json()
    assert new["replaces"] == bill.pk and new["consumption_m3"] == 8
    assert new["due_date"] == "2025-06-30"  # the correction keeps the date the bill was moved to
    assert new["hold"] == "in_process"  # the reissue stays out of collection, as its original was
    assert BillNote.objects.filter(bill=bill).count() == 3


def test_the_staff_page_previews_and_confirms(staff: Any) -> None:  # noqa: F811
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    bill = _released(staff)
    page = client.get(f"/faturamento/faturas/{bill.pk}/")
    assert "Alterar fatura" in page.content.decode() and "2ª via" in page.content.decode()
    url = f"/faturamento/faturas/{bill.pk}/alterar/"
    assert client.get(url).status_code == 200
    form = {"reason": "Leitura errada", "consumption_m3": "10", "hold": "keep"}
    before = _counts()
    previewed = client.post(url, {**form, "op": "preview"})
    text = previewed.content.decode()
    assert previewed.status_code == 200 and "Prévia" in text and "20,59" in text and "Confirmar" in text
    assert _counts() == before
    refused = client.post(url, {"reason": "", "due_date": "2025-06-28", "hold": "keep", "op": "preview"})
    assert "obrigatório" in refused.content.decode()
    weekend = client.post(url, {"reason": "x", "due_date": "2025-06-28", "hold": "keep", "op": "preview"})
    assert "dia útil" in weekend.content.decode()
    assert _counts() == before
    confirmed = client.post(url, {**form, "op": "confirm"})
    assert confirmed.status_code == 302
    new = Bill.objects.get(replaces=bill)
    assert confirmed["Location"] == f"/faturamento/faturas/{new.pk}/"
    assert "Leitura errada" in client.get(f"/faturamento/faturas/{bill.pk}/").content.decode()


def test_the_second_copy_is_the_original_pdf(staff: Any) -> None:  # noqa: F811
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    bill = _released(staff)
    original = client.get(f"/faturamento/faturas/{bill.pk}/pdf/")
    copy = client.get(f"/faturamento/faturas/{bill.pk}/2via/")
    assert copy.status_code == 200 and copy["Content-Type"] == "application/pdf"
    assert b"".join(copy) == b"".join(original)  # byte for byte: same amounts, barcode, line
    html = render_bill_html(bill)
    assert bill.typeable_line[:11] in html.replace(" ", "") and f"{bill.total}".replace(".", ",") in html
    # a new due date is a new document: the copy follows it, with the same barcode
    staff.post(f"/api/v1/bills/{bill.pk}/rebill", {"reason": "Pedido", "due_date": "2025-06-30"})
    moved = Bill.objects.get(pk=bill.pk)
    assert moved.barcode == bill.barcode and moved.total == bill.total
    assert b"".join(client.get(f"/faturamento/faturas/{bill.pk}/2via/")) != b"".join(original)
    assert "30/06/2025" in render_bill_html(moved)
