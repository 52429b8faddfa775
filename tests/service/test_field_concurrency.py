"""The field sync under concurrency, with real concurrent transactions on the real PostgreSQL: a phone
that loses its answer sends the same day again while the first request is still running. The batch
inserts its event rows at its end (ADR 0210), so what keeps the second copy out is the batch's order
locks and the second read of the stored event ids under them: every event applies once, and the
other request reports it as already applied.

The rows must be committed for the other connection to see them, so this test does not run in the
usual rolled-back transaction (`committed_in` of the collection's concurrency tests cleans up)."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from modules.access.models import Profile
from modules.common.tenancy import tenant_context
from modules.service.models import (
    FieldClosing,
    FieldEvent,
    OrderEvent,
    OrderSequence,
    PendingCharge,
    ServiceOrder,
)
from modules.service.services import catalog, orders
from tests.collection import test_concurrency as concurrency
from tests.conftest import TENANTS, make_user
from tests.registry import factories as reg

from . import factories as f

SP = ZoneInfo("America/Sao_Paulo")
NOW = dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 17)


@pytest.fixture
def committed(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """`committed_in` removes the rows keyed by `id`; the order numbers' counter is keyed by its year,
    so it is put back as it was here (other tests count the year's numbers from 1)."""
    with django_db_blocker.unblock():
        with tenant_context("alpha"):
            before = OrderSequence.objects.filter(year=TODAY.year).values_list("last", flat=True).first()
        try:
            with concurrency.committed_in("alpha"):
                yield
        finally:
            with tenant_context("alpha"):
                if before is None:
                    OrderSequence.objects.filter(year=TODAY.year).delete()
                else:
                    OrderSequence.objects.filter(year=TODAY.year).update(last=before)


def _event(kind: str, order: int | None, at: dt.datetime, **payload: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "type": kind, "order": order, "at": at.isoformat(), "payload": payload}


def test_the_same_day_sent_twice_at_once_applies_each_event_once(committed: None) -> None:
    from modules.access.services.tokens import token_issue

    with time_machine.travel(NOW, tick=True):
        member = make_user("alpha", "campo-concorrente", "Senha-forte-123")
        with tenant_context("alpha"):
            member.profiles.add(Profile.objects.get(name="Equipe de campo"))
            headers = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=member)}"}
            f.code("LIGCC", price="35.00", charges_materials=True)
            f.material("TUBOCC", price="12.50")
            team = f.team("Equipe Concorrente")
            catalog.team_member_add(actor=f.ACTOR, team_id=team.pk, user_id=member.pk, start=TODAY)
            opened = dt.datetime(2026, 4, 17, 10, 0, tzinfo=SP)
            day: list[ServiceOrder] = []
            for _ in range(3):
                o = orders.order_open(
                    actor=f.ACTOR, code="LIGCC", property_id=reg.prop().pk, opened_at=opened
                )
                day.append(orders.order_schedule(actor=f.ACTOR, order_id=o.pk, team_id=team.pk, day=TODAY))
        events: list[dict[str, Any]] = []
        for o in day:
            done = NOW - dt.timedelta(minutes=10)
            events += [
                _event("start", o.pk, NOW - dt.timedelta(minutes=30)),
                _event(
                    "close",
                    o.pk,
                    done,
                    team=team.pk,
                    executed_at=done.isoformat(),
                    materials=[{"code": "TUBOCC", "quantity": "2"}],
                ),
                _event("position", None, done, latitude="-23.5", longitude="-47.45"),
            ]
        body = {"device_id": "pwa-concorrente", "events": events}
        barrier = threading.Barrier(2)

        def send(index: int) -> list[str]:
            barrier.wait(timeout=30)  # both requests start together
            response = Client(HTTP_HOST=TENANTS["alpha"]).post(
                "/api/v1/field/sync", body, content_type="application/json", **headers
            )
            assert response.status_code == 200, response.content
            return [r["status"] for r in response.json()["results"]]

        answers = sorted(concurrency.in_threads(2, 2, send))

    assert answers == [["already_applied"] * 9, ["applied"] * 9]
    with tenant_context("alpha"):
        assert FieldEvent.objects.filter(pk__in=[e["id"] for e in events]).count() == 9
        for o in day:  # accepted on opening, scheduled, started, executed: each move once
            assert list(
                OrderEvent.objects.filter(order=o).order_by("id").values_list("action", flat=True)
            ) == [
                "accept",
                "schedule",
                "start",
                "execute",
            ]
            assert ServiceOrder.objects.get(pk=o.pk).status == "executed"
        assert PendingCharge.objects.filter(order__in=day).count() == 6  # the service and the material
        assert FieldClosing.objects.filter(order__in=day).count() == 3
