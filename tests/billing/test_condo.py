"""Individualized condominiums (seed 002 §14.8): dependents linked to the master meter (S14.8-01),
the master billed for the common area through a real billing run (S14.8-02), and dependents summing
more than the master sent to critique, never a negative bill (S14.8-03)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from modules.access.models import User
from modules.billing.models import Bill, CondominiumDependent, RunChunk
from modules.billing.services import condo, runs
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.domain.consumption import CommonArea, common_area_consumption
from modules.reading.services import ReadingInput, reading_register
from tests.billing import factories as f
from tests.billing.test_bills_api import staff  # noqa: F401  (the fixture)
from tests.conftest import bearer

MONTH = YearMonth(2025, 5)


def test_common_area_is_the_master_less_the_dependents() -> None:
    assert common_area_consumption(500, [150, 130, 150]) == CommonArea(m3=70, excess_m3=0)
    assert common_area_consumption(400, [150, 130, 150]) == CommonArea(m3=0, excess_m3=30)
    assert common_area_consumption(430, [430]) == CommonArea(m3=0, excess_m3=0)
    with pytest.raises(ValidationFailed):
        common_area_consumption(-1, [])


def _read(p: Any, value: int) -> None:
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), value, ""))


def _condominium(master_m3: int) -> tuple[Any, list[Any]]:
    g = f.group()
    f.schedule(g, MONTH)
    master = f.billable(g, (("COM", 1),))
    dependents = [f.billable(g, (("COM", 1),)) for _ in range(3)]
    for d in dependents:
        condo.dependent_link(actor=f.ACTOR, master_id=master.pk, dependent_id=d.pk)
    _read(master, master_m3)
    for d, m3 in zip(dependents, (150, 130, 150), strict=True):  # 430 m³
        _read(d, m3)
    return g, [master, *dependents]


def _run(g: Any) -> Any:
    run = runs.run_create(actor=f.ACTOR, group=g, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31))
    for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    run.refresh_from_db()
    return run


@pytest.mark.usefixtures("tenant_alpha")
def test_the_master_bills_the_common_area_to_the_cent() -> None:
    f.set_company_code("0562")
    f.approved_tariff()
    g, (master, d1, d2, d3) = _condominium(500)
    run = _run(g)
    assert (run.status, run.bills_count, run.errors_count) == ("done", 4, 0)
    bills = {b.property_id: b for b in Bill.objects.filter(run=run)}
    common = bills[master.pk]
    # 500 − (150 + 130 + 150) = 70 m³ at COM: water 10 × 2.00 + 60 × 4.00 = 260.00; sewer per band
    # trunc(20.00 × 92.5 %) + trunc(240.00 × 92.5 %) = 18.50 + 222.00 = 240.50; fixed 5.00
    assert (common.consumption_m3, common.measured_m3) == (70, 500)
    assert common.total == Decimal("505.50")
    assert not common.anomalies.exists()
    # each unit pays its own: 150 m³ → 20.00 + 560.00 + 18.50 + 518.00 + 5.00
    assert (bills[d1.pk].consumption_m3, bills[d1.pk].total) == (150, Decimal("1121.50"))
    assert bills[d2.pk].consumption_m3 == 130 and bills[d3.pk].consumption_m3 == 150
    assert run.total_amount == sum((b.total for b in bills.values()), Decimal("0.00"))


@pytest.mark.usefixtures("tenant_alpha")
def test_dependents_above_the_master_go_to_critique_not_to_a_negative_bill() -> None:
    f.set_company_code("0562")
    f.approved_tariff()
    g, (master, *_) = _condominium(400)  # dependents 430 m³ > master 400 m³
    run = _run(g)
    assert (run.bills_count, run.errors_count, run.anomalies_count) == (4, 0, 1)
    common = Bill.objects.get(run=run, property=master)
    # billed at 0 m³ of common area: COM's minimum of 10 m³ → 20.00 + 18.50 + 5.00
    assert common.total == Decimal("43.50") and common.total >= 0
    assert [a.code for a in common.anomalies.all()] == ["condo_dependents_exceed"]
    assert "430 m³" in common.anomalies.get().message and "400 m³" in common.anomalies.get().message
    assert runs.run_release(actor=f.ACTOR, run=run) == 3  # the master's bill is held in critique
    common.refresh_from_db()
    assert common.status == "draft"


@pytest.mark.usefixtures("tenant_alpha")
def test_an_unread_dependent_is_reported_to_the_critique() -> None:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    f.schedule(g, MONTH)
    master = f.billable(g, (("COM", 1),))
    read, unread = f.billable(g, (("COM", 1),)), f.billable(g, (("COM", 1),))
    for d in (read, unread):
        condo.dependent_link(actor=f.ACTOR, master_id=master.pk, dependent_id=d.pk)
    _read(master, 200)
    _read(read, 150)
    run = _run(g)
    common = Bill.objects.get(run=run, property=master)
    assert common.consumption_m3 == 50
    anomaly = common.anomalies.get()
    assert anomaly.code == "condo_dependent_unread" and unread.account_number in anomaly.message


def test_dependents_through_the_api_and_the_page(staff: Any) -> None:  # noqa: F811
    g = f.group()
    master, other = f.billable(g), f.billable(g)
    units = [f.billable(g) for _ in range(3)]
    for u in units:
        linked = staff.post(f"/api/v1/properties/{master.pk}/dependents", {"dependent": u.pk})
        assert linked.status_code == 201, linked.content
    listed = staff.get(f"/api/v1/properties/{master.pk}/dependents").json()
    assert sorted(d["id"] for d in listed["dependents"]) == sorted(u.pk for u in units)
    for u in units:  # each dependent points to the master
        assert staff.get(f"/api/v1/properties/{u.pk}/dependents").json()["master"]["id"] == master.pk
    # a dependent under a second master is refused, naming the field, and nothing is written
    twice = staff.post(f"/api/v1/properties/{other.pk}/dependents", {"dependent": units[0].pk})
    assert twice.status_code == 400
    assert (twice.json()["code"], twice.json()["field"]) == ("dependent_has_master", "dependent")
    assert master.account_number in twice.json()["detail"]
    assert CondominiumDependent.objects.get(dependent=units[0]).master_id == master.pk
    assert not CondominiumDependent.objects.filter(master=other).exists()
    # a dependent cannot be a master, nor a master a dependent
    chain = staff.post(f"/api/v1/properties/{units[1].pk}/dependents", {"dependent": other.pk})
    assert (chain.status_code, chain.json()["field"]) == (400, "master")
    unlinked = staff.client.delete(
        f"/api/v1/properties/{master.pk}/dependents?dependent={units[2].pk}",
        **bearer(staff.client, "gestora", "Senha-forte-123"),
    )
    assert unlinked.status_code == 200 and len(unlinked.json()["dependents"]) == 2
    assert (
        AuditEntry.objects.filter(action="billing.condo_dependent_link", object_id=str(master.pk)).count()
        == 3
    )
    assert AuditEntry.objects.filter(action="billing.condo_dependent_unlink").count() == 1
    # the page: the master's property lists its dependents and links one more by account number
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    page = client.get(f"/cadastro/imoveis/{master.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert units[0].account_number in html and "2 dependente(s)" in html
    dependent_page = client.get(f"/cadastro/imoveis/{units[0].pk}/").content.decode()
    assert "Dependente do medidor principal do imóvel" in dependent_page
    assert master.account_number in dependent_page
    posted = client.post(
        f"/faturamento/imoveis/{master.pk}/dependentes/", {"op": "link", "dependent": units[2].account_number}
    )
    assert posted.status_code == 302
    assert CondominiumDependent.objects.filter(master=master).count() == 3
    refused = client.post(
        f"/faturamento/imoveis/{other.pk}/dependentes/", {"op": "link", "dependent": units[2].account_number}
    )
    assert (
        refused.status_code == 302
        and CondominiumDependent.objects.get(dependent=units[2]).master_id == master.pk
    )
    assert "já é dependente" in client.get(f"/cadastro/imoveis/{other.pk}/").content.decode()


@pytest.mark.usefixtures("tenant_alpha")
def test_under_the_apportion_policy_the_dependents_share_the_common_area_to_the_cent() -> None:
    from modules.billing.services.settings import billing_settings_update

    f.set_company_code("0562")
    f.approved_tariff()
    billing_settings_update(actor=f.ACTOR, common_area_policy="apportion")
    g, (master, *dependents) = _condominium(500)
    run = _run(g)
    assert (run.status, run.bills_count, run.errors_count) == ("done", 4, 0)
    bills = {b.property_id: b for b in Bill.objects.filter(run=run)}
    # 70 m³ of common area over three dependents, in account order: 24, 23, 23
    ordered = sorted(dependents, key=lambda d: d.account_number)
    assert [bills[d.pk].consumption_m3 - bills[d.pk].measured_m3 for d in ordered] == [24, 23, 23]
    # the master bills 0 m³: the COM minimum of 10 m³ → 20.00 + 18.50 + 5.00
    assert (bills[master.pk].consumption_m3, bills[master.pk].total) == (10, Decimal("43.50"))
    # 150 + 24 = 174 m³: water 20.00 + 164 × 4.00 = 676.00; sewer 18.50 + 606.80; fixed 5.00
    first = bills[ordered[0].pk]
    assert (first.consumption_m3, first.total) == (174, Decimal("1306.30"))
    note = first.items.get(kind="adjustment")
    assert note.description == "Rateio da área comum do condomínio: 24 m³ somados ao consumo."
