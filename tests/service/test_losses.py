"""Loss charges (perdas, ADR 0228; seed 001 3.2.7.22): the fine table by type, degree and validity,
the loss charge on an executed inspection order (a fraud with its police report and photos) whose
fine goes on the next bill to the cent, a loss charge without its inspection refused naming `order`
with nothing written, inspection orders opened once for units cut too long, and the report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from modules.billing.hooks import pending_items
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.registry.models import ServiceConnection
from modules.service.domain.losses import Degree, FineRow, fine_in_force, long_cut
from modules.service.models import FieldEvent, FieldPhoto, LossCharge, PendingCharge, ServiceOrder
from modules.service.services import losses, orders
from tests.billing import factories as bf
from tests.conftest import bearer, make_user

from . import factories as f

D = Decimal
WHEN = dt.datetime(2025, 7, 20, 15, tzinfo=dt.UTC)


def test_the_fine_in_force_is_the_last_started_on_or_before_the_day() -> None:
    rows = (
        FineRow("FR01", Degree.SEVERE, dt.date(2024, 1, 1), D("850.00")),
        FineRow("FR01", Degree.SEVERE, dt.date(2025, 7, 1), D("912.40")),
        FineRow("FR01", Degree.LIGHT, dt.date(2024, 1, 1), D("120.00")),
    )
    assert fine_in_force(rows, "FR01", Degree.SEVERE, dt.date(2025, 6, 30)).amount == D("850.00")  # type: ignore[union-attr]
    assert fine_in_force(rows, "FR01", Degree.SEVERE, dt.date(2025, 7, 1)).amount == D("912.40")  # type: ignore[union-attr]
    assert fine_in_force(rows, "FR01", Degree.MODERATE, dt.date(2025, 7, 1)) is None
    assert fine_in_force(rows, "FR01", Degree.LIGHT, dt.date(2023, 12, 31)) is None
    assert long_cut(dt.date(2025, 1, 1), dt.date(2025, 4, 1), 89) and not long_cut(
        dt.date(2025, 1, 1), dt.date(2025, 4, 1), 90
    )
    assert not long_cut(dt.date(2020, 1, 1), dt.date(2025, 4, 1), 0)


@pytest.fixture
def ready(tenant_alpha: Any) -> Any:
    bf.set_company_code("0562")
    bf.approved_tariff()
    group = bf.group()
    home = bf.billable(group)
    f.code("INSP01", price=None, description="Inspeção de fraude", billing_type="not_billable")
    losses.loss_type_create(actor=f.ACTOR, code="FR01", name="Ligação clandestina", nature="fraud")
    losses.loss_type_create(actor=f.ACTOR, code="LK01", name="Vazamento após o hidrômetro", nature="leak")
    for degree, start, amount in (
        ("severe", dt.date(2024, 1, 1), "850.00"),
        ("severe", dt.date(2025, 7, 1), "912.40"),
        ("light", dt.date(2024, 1, 1), "120.00"),
    ):
        losses.loss_fine_create(
            actor=f.ACTOR, loss_type="FR01", degree=degree, valid_from=start, amount=amount
        )
    losses.loss_fine_create(
        actor=f.ACTOR, loss_type="LK01", degree="light", valid_from=dt.date(2024, 1, 1), amount="64.35"
    )
    return home


def _inspection(home: Any, *, executed: bool = True) -> ServiceOrder:
    from modules.service.models import Team

    team = Team.objects.filter(name="Equipe Norte").first() or f.team()
    with time_machine.travel(WHEN, tick=False):
        order = orders.order_open(actor=f.ACTOR, code="INSP01", property_id=home.pk)
        if executed:
            orders.order_close(
                actor=f.ACTOR, order_id=order.pk, executed=True, executed_at=WHEN, team_id=team.pk
            )
    order.refresh_from_db()
    return order


def _photo(order: ServiceOrder) -> FieldPhoto:
    event = FieldEvent.objects.create(
        device_id="d1", kind="photo", order=order, username="x", at=WHEN, received_at=WHEN
    )
    return FieldPhoto.objects.create(
        order=order,
        property_id=order.property_id,
        event=event,
        image="service/field/photos/x.jpg",
        content_type="image/jpeg",
        width=10,
        height=10,
        taken_at=WHEN,
        received_at=WHEN,
    )


def test_a_fraud_found_posts_the_table_fine_to_the_next_bill(ready: Any) -> None:
    order = _inspection(ready)
    photo = _photo(order)
    loss = losses.loss_charge_register(
        actor=f.ACTOR,
        order_id=order.pk,
        data=losses.LossInput("FR01", "severe", police_report="BO 1234/2025", photo_ids=[photo.pk]),
    )
    # executed on 20/07/2025: the 912,40 row (from 01/07/2025), not the 850,00 one
    assert (loss.fine, loss.found_on, loss.police_report) == (
        D("912.40"),
        dt.date(2025, 7, 20),
        "BO 1234/2025",
    )
    assert list(loss.photos.values_list("pk", flat=True)) == [photo.pk]
    items = pending_items([ready.pk], YearMonth(2025, 8))[ready.pk]
    fines = [(i.amount, i.description) for i in items if i.source == "service.charge"]
    assert fines == [(D("912.40"), f"Multa por ligação clandestina (grave) – OS {order.label}")]


def test_a_leak_needs_no_police_report(ready: Any) -> None:
    order = _inspection(ready)
    loss = losses.loss_charge_register(
        actor=f.ACTOR, order_id=order.pk, data=losses.LossInput("LK01", "light")
    )
    assert loss.fine == D("64.35")


@pytest.mark.parametrize(
    ("order_kind", "data", "field"),
    [
        ("none", losses.LossInput("FR01", "severe", "BO 1"), "order"),
        ("open", losses.LossInput("FR01", "severe", "BO 1"), "order"),
        ("executed", losses.LossInput("FR01", "severe", ""), "police_report"),
        ("executed", losses.LossInput("FR01", "severe", "BO 1"), "photos"),
        ("executed", losses.LossInput("LK01", "severe"), "degree"),  # no fine for that degree
        ("executed", losses.LossInput("ZZ", "light"), "loss_type"),
    ],
)
def test_a_loss_charge_without_its_inspection_or_its_proofs_is_refused(
    ready: Any, order_kind: str, data: losses.LossInput, field: str
) -> None:
    order = None if order_kind == "none" else _inspection(ready, executed=order_kind == "executed")
    before = (LossCharge.objects.count(), PendingCharge.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as raised:
        losses.loss_charge_register(actor=f.ACTOR, order_id=order.pk if order else None, data=data)
    assert raised.value.field == field
    if field == "order":
        assert raised.value.code == "loss_without_inspection"
    assert (LossCharge.objects.count(), PendingCharge.objects.count(), AuditEntry.objects.count()) == before


def test_units_cut_too_long_get_one_inspection_order(ready: Any) -> None:
    losses.loss_settings_update(actor=f.ACTOR, long_cut_days=90, inspection_code="INSP01")
    water = ServiceConnection.objects.get(property=ready, kind="water")
    ServiceConnection.objects.filter(pk=water.pk).update(situation="cut", since=dt.date(2025, 3, 1))
    with time_machine.travel(dt.datetime(2025, 5, 30, 12, tzinfo=dt.UTC), tick=False):
        assert losses.long_cut_inspections_open(actor=f.ACTOR) == []  # 90 days, not more
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        (order,) = losses.long_cut_inspections_open(actor=f.ACTOR)
        assert (order.property_id, order.code.code) == (ready.pk, "INSP01")
        assert losses.long_cut_inspections_open(actor=f.ACTOR) == []  # a re-run opens nothing twice


def test_the_report_and_the_api(ready: Any, alpha_client: Client) -> None:
    make_user("alpha", "fiscal", is_admin=True)
    h = bearer(alpha_client, "fiscal", "Senha-forte-123")
    order = _inspection(ready)
    refused = alpha_client.post(
        "/api/v1/service/loss-charges",
        {"loss_type": "LK01", "degree": "light"},
        content_type="application/json",
        **h,
    )
    assert refused.status_code == 400 and refused.json()["field"] == "order"
    made = alpha_client.post(
        "/api/v1/service/loss-charges",
        {"order": order.pk, "loss_type": "LK01", "degree": "light"},
        content_type="application/json",
        **h,
    )
    assert made.status_code == 201, made.content
    assert made.json()["fine"] == "64.35"
    report = alpha_client.get("/api/v1/service/loss-report?from=2025-07-01&to=2025-07-31", **h).json()
    assert (report["count"], report["amount"]) == (1, "64.35")
    assert report["rows"] == [
        {
            "loss_type": "LK01",
            "name": "Vazamento após o hidrômetro",
            "degree": "Leve",
            "count": 1,
            "properties": 1,
            "amount": "64.35",
        }
    ]
    types = alpha_client.get("/api/v1/service/loss-types", **h).json()["types"]
    assert [t["code"] for t in types] == ["FR01", "LK01"]
    assert [(f["degree"], f["amount"]) for f in types[0]["fines"]] == [
        ("light", "120.00"),
        ("severe", "912.40"),
        ("severe", "850.00"),
    ]
    off = alpha_client.put(
        "/api/v1/service/loss-types/FR01",
        {"name": "Ligação clandestina", "active": False},
        content_type="application/json",
        **h,
    )
    assert off.status_code == 200 and off.json()["active"] is False
    other = _inspection(ready)
    refused_off = alpha_client.post(
        "/api/v1/service/loss-charges",
        {"order": other.pk, "loss_type": "FR01", "degree": "light", "police_report": "BO 9"},
        content_type="application/json",
        **h,
    )
    assert refused_off.status_code == 400 and refused_off.json()["field"] == "loss_type"
    assert (
        alpha_client.put(
            "/api/v1/service/loss-types/ZZ",
            {"name": "x", "active": True},
            content_type="application/json",
            **h,
        ).status_code
        == 404
    )


def test_the_staff_page_registers_a_loss(ready: Any, alpha_client: Client) -> None:
    from modules.access.models import User

    make_user("alpha", "fiscal", is_admin=True)
    alpha_client.force_login(User.objects.get(username="fiscal"))
    order = _inspection(ready)
    with time_machine.travel(dt.datetime(2025, 7, 25, 12, tzinfo=dt.UTC), tick=False):
        page = alpha_client.get("/servicos/perdas/")
        assert page.status_code == 200 and "Ligação clandestina" in page.content.decode()
        done = alpha_client.post(
            "/servicos/perdas/",
            {"op": "charge", "order": order.label, "loss_type": "LK01", "degree": "light"},
        )
        assert done.status_code == 302
        assert LossCharge.objects.get().fine == D("64.35")
        report = alpha_client.get("/servicos/perdas/?from=2025-07-01&to=2025-07-31").content.decode()
        assert "Vazamento após o hidrômetro" in report and "64,35" in report


def test_the_nightly_task_opens_the_inspections_once_and_beat_dispatches_it(
    ready: Any, settings: Any
) -> None:
    from modules.common.tenancy import SCHEMA_HEADER
    from modules.service.tasks import loss_inspections_open

    entry = settings.CELERY_BEAT_SCHEDULE["service-loss-inspections-open"]
    assert (entry["task"], entry["args"]) == (
        "modules.common.tasks.dispatch_to_tenants",
        ["modules.service.tasks.loss_inspections_open"],
    )
    losses.loss_settings_update(actor=f.ACTOR, long_cut_days=30, inspection_code="INSP01")
    ServiceConnection.objects.filter(property=ready, kind="water").update(
        situation="cut", since=dt.date(2025, 1, 2)
    )
    headers = {SCHEMA_HEADER: "alpha"}
    with time_machine.travel(dt.datetime(2025, 3, 3, 12, tzinfo=dt.UTC), tick=False):
        first = loss_inspections_open.apply(headers=headers, throw=True).get()
        again = loss_inspections_open.apply(headers=headers, throw=True).get()
    assert first["day"] == "2025-03-03" and len(first["opened"]) == 1
    assert again == {"day": "2025-03-03", "opened": []}
