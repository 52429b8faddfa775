"""The monthly closing of collection (issue #18, ADR 0237): refused while the month is open for
corrections, scheduled for a date and time and run by the batch once, its figures by agent, channel
and day, bills billed/collected/outstanding by situation, bank files reconciled; frozen: a reversal and
a late payment of the month made afterwards leave the snapshot unchanged, a recomputation as of the
closing gives it back to the cent, and they land in the next month's closing as corrections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from modules.collection import closing as cl
from modules.collection import services
from modules.collection.models import CollectionClosing
from modules.common.audit import SystemActor
from modules.common.errors import Conflict
from modules.common.models import AuditEntry
from tests.collection import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
ACTOR = SystemActor("tests")
MAY = dt.date(2025, 5, 1)


def _at(y: int, m: int, d: int, h: int = 12) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=dt.UTC)


def _may_payments():
    with time_machine.travel(_at(2025, 5, 21), tick=True):
        return _make_may_payments()


def _make_may_payments():
    agent = f.agent("237")  # credit_days 1
    p = f.prop()
    b1 = f.bill(p, "100.00", dt.date(2025, 5, 10), dt.date(2025, 4, 1))
    b2 = f.bill(f.prop(), "50.00", dt.date(2025, 5, 20), dt.date(2025, 4, 1))
    f.bill(f.prop(), "30.00", dt.date(2025, 5, 25), dt.date(2025, 4, 1))  # stays open
    data = f.return_file(
        [(b1.barcode, "100.00")], paid_on=dt.date(2025, 5, 12), credited_on=dt.date(2025, 5, 13)
    )
    services.return_file_import(actor=ACTOR, data=data, filename="maio.ret")
    counter = services.payment_register(
        actor=ACTOR, barcode=b2.barcode, amount=Decimal("50.00"), paid_on=dt.date(2025, 5, 20)
    )
    return agent, b1, b2, counter


def test_a_month_still_open_for_corrections_is_refused():
    f.agent("237")
    with pytest.raises(Conflict) as exc:
        cl.closing_run(actor=ACTOR, month="2025-05", now=_at(2025, 6, 1))
    assert (exc.value.code, exc.value.field) == ("month_open", "month")
    assert "a partir de 02/06/2025" in exc.value.message
    with pytest.raises(Conflict):
        cl.closing_schedule(actor=ACTOR, month="2025-05", run_at=_at(2025, 5, 31))


def test_the_closing_freezes_the_month_and_corrections_land_in_the_next():
    _agent, _b1, _b2, counter = _may_payments()
    closing = cl.closing_run(actor=ACTOR, month="2025-05", now=_at(2025, 6, 3))
    fig = closing.figures
    assert fig["payments"] == {"count": 2, "amount": "150.00"}
    assert fig["by_agent"]["237"]["amount"] == "100.00" and fig["by_agent"]["CAIXA"]["amount"] == "50.00"
    assert fig["by_channel"] == {
        "counter": {"count": 1, "amount": "50.00"},
        "return_file": {"count": 1, "amount": "100.00"},
    }
    assert sorted(fig["by_day"]) == ["2025-05-12", "2025-05-20"]
    assert fig["bills"]["billed"] == "180.00" and fig["bills"]["collected"] == "150.00"
    assert fig["bills"]["outstanding"] == "30.00"
    assert fig["bills"]["by_situation"]["pending"] == {"count": 1, "amount": "30.00"}
    assert fig["bank_reconciliation"]["237"] == {
        "files_total": "100.00", "payments_credited": "100.00", "difference": "0.00"
    }  # fmt: skip
    assert closing.digest == cl.digest_of(fig)
    assert AuditEntry.objects.filter(action="collection.closing_run").count() == 1
    # later, in June: the counter payment of May is reversed; a late bank file brings a May payment
    with time_machine.travel(_at(2025, 6, 10), tick=True):
        services.payment_reverse(actor=ACTOR, payment_id=counter.pk, reason="Cheque devolvido")
        late = f.bill(f.prop(), "20.00", dt.date(2025, 5, 28), dt.date(2025, 4, 1))
        data = f.return_file(
            [(late.barcode, "20.00")], paid_on=dt.date(2025, 5, 30), credited_on=dt.date(2025, 6, 4), nsa=2
        )
        services.return_file_import(actor=ACTOR, data=data, filename="atrasado.ret")
    closing.refresh_from_db()
    assert closing.figures == fig and closing.digest == cl.digest_of(fig)
    # reproducible: recomputed as of the closing, the same figures to the cent
    assert cl.closing_figures(MAY, closing.closed_at) == fig
    # May cannot be closed again
    with pytest.raises(Conflict) as exc:
        cl.closing_run(actor=ACTOR, month="2025-05", now=_at(2025, 6, 5))
    assert exc.value.code == "month_closed"
    # June's closing carries the corrections of May
    june = cl.closing_run(actor=ACTOR, month="2025-06", now=_at(2025, 7, 3))
    kinds = sorted((c["kind"], c["amount"]) for c in june.figures["corrections"])
    assert kinds == [("late_payment", "20.00"), ("resolved_reversed", "50.00")]


def test_a_scheduled_closing_runs_once_when_its_time_comes():
    _may_payments()
    cl.closing_schedule(actor=ACTOR, month="2025-05", run_at=_at(2025, 6, 5, 3))
    assert cl.closings_due(now=_at(2025, 6, 5, 2)) == []
    (done,) = cl.closings_due(now=_at(2025, 6, 5, 4))
    assert CollectionClosing.objects.get(pk=done).status == "closed"
    assert cl.closings_due(now=_at(2025, 6, 6)) == []


def test_closing_api(alpha_client: Client):
    make_user("alpha", "chefe", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "chefe", "Senha-forte-123")
    _may_payments()
    r = alpha_client.post(
        "/api/v1/collection/closings", {"month": "2099-01"}, content_type="application/json", **headers
    )
    assert r.status_code == 409 and r.json()["field"] == "month"
    r = alpha_client.post(
        "/api/v1/collection/closings", {"month": "2025-05"}, content_type="application/json", **headers
    )
    assert r.status_code == 201, r.content
    got = alpha_client.get("/api/v1/collection/closings/2025-05", **headers)
    assert got.status_code == 200 and got.json()["payments_amount"] == "150.00"
    assert alpha_client.get("/api/v1/collection/closings/2024-01", **headers).status_code == 404
