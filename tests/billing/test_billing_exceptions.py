"""A property's billing exceptions (seed 002 §4.7) as rows with validity: a billing run applies those in
force in the month only, to the cent; an overlap of the same family is refused naming the field, and
nothing is written; the property page and the API show, change and remove them with who set them.
With them the settings of seed 001 3.2.7.12.5/.6/.7/.11 reach the run, the PDF and the messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from modules.access.models import User
from modules.billing.models import Bill, BillingExceptionRow, RunChunk
from modules.billing.services import billing_exceptions as svc
from modules.billing.services import runs
from modules.billing.services.settings import billing_settings_update
from modules.billing.services.tariffs import tariff_approve, tariff_create
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.services import ReadingInput, reading_register
from modules.registry.models import PropertyAddress, ServiceConnection
from tests.billing import factories as f
from tests.billing.test_bills_api import staff  # noqa: F401  (the fixture)
from tests.conftest import bearer

MAY, JUNE = YearMonth(2025, 5), YearMonth(2025, 6)


def _run(g: Any, month: YearMonth) -> Any:
    f.schedule(g, month)
    run = runs.run_create(actor=f.ACTOR, group=g, reference=month, enqueue=False, today=month.day(29))
    for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    return run


def _read(p: Any, month: YearMonth, value: int) -> None:
    f.schedule(p.billing_group, month)
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, month, month.day(10), value, ""))


@pytest.mark.usefixtures("tenant_alpha")
def test_a_volume_cap_and_a_due_day_apply_in_their_month_only_to_the_cent() -> None:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    p = f.billable(g)
    svc.exception_create(
        actor=f.ACTOR, property_id=p.pk, kind="volume_cap", valid_from=MAY, valid_until=MAY,
        reason="Vazamento em apuração", volume_m3=12,
    )  # fmt: skip
    svc.exception_create(
        actor=f.ACTOR, property_id=p.pk, kind="due_day", valid_from=MAY, valid_until=MAY,
        reason="Pedido do cliente", day=20,
    )  # fmt: skip
    _read(p, MAY, 16)
    may = Bill.objects.get(run=_run(g, MAY), property=p)
    # 12 m³: water 10.70 + 3.22, sewer 9.89 + 2.97 = 26.78; the schedule's 15/06 moved to 20/06
    assert (may.consumption_m3, may.total, may.due_date) == (12, Decimal("26.78"), dt.date(2025, 6, 20))
    note = may.items.get(kind="adjustment")
    assert note.amount == Decimal("0.00")
    assert (
        note.description
        == "Exceção de faturamento: consumo de 16 m³, faturado até o limite de 12 m³ (12 m³)."
    )
    _read(p, JUNE, 32)
    june = Bill.objects.get(run=_run(g, JUNE), property=p)
    assert (june.consumption_m3, june.total, june.due_date) == (16, Decimal("40.56"), dt.date(2025, 7, 15))


@pytest.mark.usefixtures("tenant_alpha")
def test_overlaps_of_one_family_are_refused_naming_the_field_and_nothing_is_written() -> None:
    f.approved_tariff()
    p = f.billable(f.group())
    svc.exception_create(
        actor=f.ACTOR,
        property_id=p.pk,
        kind="volume_cap",
        valid_from=MAY,
        valid_until=None,
        reason="x",
        volume_m3=10,
    )
    for kind, params in (("volume_cap", {"volume_m3": 5}), ("excess_only", {"volume_m3": 5})):
        with pytest.raises(ValidationFailed) as refused:
            svc.exception_create(
                actor=f.ACTOR,
                property_id=p.pk,
                kind=kind,
                valid_from=JUNE,
                valid_until=None,
                reason="y",
                **params,
            )
        assert (refused.value.code, refused.value.field) == ("exception_overlaps", "valid_from")
        assert "Faturar por até o limite de 05/2025 em diante" in refused.value.message
    with pytest.raises(ValidationFailed) as missing:
        svc.exception_create(
            actor=f.ACTOR,
            property_id=p.pk,
            kind="sewer_percent",
            valid_from=MAY,
            valid_until=None,
            reason="z",
        )
    assert (missing.value.code, missing.value.field) == ("exception_parameter_invalid", "percent")
    with pytest.raises(ValidationFailed) as day:
        svc.exception_create(
            actor=f.ACTOR,
            property_id=p.pk,
            kind="due_day",
            valid_from=MAY,
            valid_until=None,
            reason="z",
            day=31,
        )
    assert day.value.field == "day"
    assert BillingExceptionRow.objects.filter(property=p).count() == 1
    assert AuditEntry.objects.filter(action="billing.exception_create").count() == 1
    # another family in the same months is fine, as is the same family before the window
    svc.exception_create(
        actor=f.ACTOR, property_id=p.pk, kind="sewer_percent", valid_from=MAY, valid_until=None, reason="z",
        percent="50.00",
    )  # fmt: skip
    svc.exception_create(
        actor=f.ACTOR, property_id=p.pk, kind="limit_volume", valid_from=YearMonth(2025, 1),
        valid_until=YearMonth(2025, 4), reason="antes", volume_m3=8,
    )  # fmt: skip
    assert BillingExceptionRow.objects.filter(property=p).count() == 3


@pytest.mark.usefixtures("tenant_alpha")
def test_the_tee_with_water_and_a_sewer_share_through_a_run() -> None:
    f.set_company_code("0562")
    doc = f.sorocaba_tariff_json()
    doc["categories"][0]["special_sewer_amount"] = "30.00"
    tariff_approve(actor=f.ACTOR, tariff=tariff_create(actor=f.ACTOR, data=doc), today=dt.date(2025, 1, 1))
    g = f.group()
    p = f.billable(g, sewer=False)
    svc.exception_create(
        actor=f.ACTOR, property_id=p.pk, kind="service_type", valid_from=MAY, valid_until=None,
        reason="Poço artesiano declarado", service_type="water_special_sewer",
    )  # fmt: skip
    _read(p, MAY, 16)
    bill = Bill.objects.get(run=_run(g, MAY), property=p)
    # "água e TEE": water 21.08 and the TEE 30.00, no sewer share
    assert [(i.kind, i.amount) for i in bill.items.order_by("position")] == [
        ("water", Decimal("10.70")),
        ("water", Decimal("8.05")),
        ("water", Decimal("2.33")),
        ("sewer", Decimal("30.00")),
    ]
    assert bill.total == Decimal("51.08")


@pytest.mark.usefixtures("tenant_alpha")
def test_first_bill_delay_and_delivery_fee_reach_the_run() -> None:
    f.set_company_code("0562")
    f.approved_tariff()
    billing_settings_update(actor=f.ACTOR, first_bill_min_days=10, delivery_fee=Decimal("3.50"))
    g = f.group()
    recent, elsewhere = f.billable(g), f.billable(g)
    ServiceConnection.objects.filter(property=recent, kind="water").update(since=dt.date(2025, 5, 5))
    ServiceConnection.objects.filter(property=elsewhere, kind="water").update(since=dt.date(2025, 1, 1))
    PropertyAddress.objects.create(
        property=elsewhere, street_name="Rua Alternativa", number="9", delivery=True
    )
    for p in (recent, elsewhere):
        _read(p, MAY, 16)
    run = _run(g, MAY)
    assert not Bill.objects.filter(run=run, property=recent).exists()
    error = run.errors.get(property=recent)
    assert error.code == "first_bill_delayed"
    assert error.message == (
        "Ligação ativada em 05/05/2025, 5 dia(s) antes da leitura (mínimo 10): "
        "primeira fatura no próximo ciclo."
    )
    bill = Bill.objects.get(run=run, property=elsewhere)
    fee = bill.items.get(description="Taxa de entrega em endereço alternativo")
    assert (fee.kind, fee.amount, bill.total) == ("service", Decimal("3.50"), Decimal("44.06"))


def test_exceptions_through_the_api_and_the_page(staff: Any) -> None:  # noqa: F811
    p = f.billable(f.group())
    base = f"/api/v1/properties/{p.pk}/billing-exceptions"
    created = staff.post(
        base, {"kind": "excess_only", "volume_m3": 10, "valid_from": "2025-05", "reason": "Acordo 12/2025"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {
        k: body[k] for k in ("kind", "kind_label", "parameter", "valid_from", "valid_until", "created_by")
    } == {
        "kind": "excess_only",
        "kind_label": "Faturar apenas o excesso",
        "parameter": "10 m³",
        "valid_from": "2025-05",
        "valid_until": None,
        "created_by": "gestora",
    }
    overlap = staff.post(base, {"kind": "volume_cap", "volume_m3": 5, "valid_from": "2025-08", "reason": "x"})
    assert overlap.status_code == 400
    assert (overlap.json()["code"], overlap.json()["field"]) == ("exception_overlaps", "valid_from")
    assert BillingExceptionRow.objects.filter(property=p).count() == 1
    headers = bearer(staff.client, "gestora", "Senha-forte-123")
    one = f"/api/v1/billing/exceptions/{body['id']}"
    changed = staff.client.put(
        one,
        {"volume_m3": 15, "valid_from": "2025-05", "valid_until": "2025-12", "reason": "Acordo revisto"},
        content_type="application/json",
        **headers,
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["parameter"], changed.json()["valid_until"]) == ("15 m³", "2025-12")
    audit = AuditEntry.objects.get(action="billing.exception_update")
    assert (audit.before["volume_m3"], audit.after["volume_m3"]) == (10, 15)
    assert [e["id"] for e in staff.get(base).json()["exceptions"]] == [body["id"]]

    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    html = client.get(f"/cadastro/imoveis/{p.pk}/").content.decode()
    assert "Exceções de faturamento" in html and "Acordo revisto" in html and "15 m³" in html
    assert "gestora em" in html and "12/2025" in html
    page = f"/faturamento/imoveis/{p.pk}/excecoes-faturamento/"
    posted = client.post(
        page,
        {
            "op": "create",
            "kind": "due_day",
            "day": "20",
            "valid_from": "2025-05",
            "valid_until": "",
            "reason": "Órgão",
        },
    )
    assert posted.status_code == 302
    assert BillingExceptionRow.objects.filter(property=p, kind="due_day", day=20).exists()
    row = BillingExceptionRow.objects.get(property=p, kind="excess_only")
    client.post(page, {"op": "remove", "exception": str(row.pk)})
    assert not BillingExceptionRow.objects.filter(pk=row.pk).exists()
    assert staff.client.delete(one, **headers).status_code == 404
