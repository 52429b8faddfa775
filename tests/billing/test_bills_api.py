"""Readings in, bills out through the staff API and pages: a run from readings to released bills,
each with its barcode and typeable line, its PDF, cancel and rebill; the tariff comparison."""

from __future__ import annotations

import json
from typing import Any

import pytest

from modules.access.models import User
from modules.billing.domain.febraban import parse_typeable_line
from modules.billing.models import Bill, RunChunk
from modules.billing.services import runs
from modules.common.domain.dates import YearMonth
from tests.billing import factories as f
from tests.conftest import bearer, make_user


@pytest.fixture
def staff(alpha_client: Any, tenant_alpha: Any) -> Any:
    make_user("alpha", "gestora", is_admin=True)
    headers = bearer(alpha_client, "gestora", "Senha-forte-123")

    class Api:
        client = alpha_client

        def post(self, path: str, body: Any) -> Any:
            return alpha_client.post(path, body, content_type="application/json", **headers)

        def get(self, path: str) -> Any:
            return alpha_client.get(path, **headers)

    f.set_company_code("0562")
    f.approved_tariff()
    return Api()


def _billed(staff: Any) -> tuple[Any, Any]:
    g = f.group()
    f.schedule(g, YearMonth(2025, 5))
    p = f.billable(g)
    reading = staff.post(
        "/api/v1/readings",
        {"account_number": p.account_number, "reference": "2025-05", "read_on": "2025-05-10", "value": 16},
    )
    assert reading.status_code == 201, reading.content
    assert reading.json()["consumption_m3"] == 16
    run = staff.post("/api/v1/billing/runs", {"group": g.code, "reference": "2025-05"})
    assert run.status_code == 201, run.content
    for chunk_id in RunChunk.objects.filter(run_id=run.json()["id"]).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    return p, run.json()["id"]


def test_readings_to_released_bills_with_barcode(staff: Any) -> None:
    p, run_id = _billed(staff)
    detail = staff.get(f"/api/v1/billing/runs/{run_id}").json()
    assert (detail["status"], detail["bills"], detail["progress_percent"]) == ("done", 1, 100)
    again = staff.post("/api/v1/billing/runs", {"group": 7, "reference": "2025-05"})
    assert again.status_code == 409 and again.json()["code"] == "run_exists"
    assert staff.post(f"/api/v1/billing/runs/{run_id}/release", {}).json()["status"] == "released"
    listing = staff.get(f"/api/v1/bills?property={p.pk}").json()["results"]
    bill = staff.get(f"/api/v1/bills/{listing[0]['id']}").json()
    assert {"id", "property", "reference", "due_date", "total", "barcode", "typeable_line"} <= set(bill)
    assert (bill["property"], bill["reference"], bill["total"]) == (p.pk, "2025-05", "40.56")
    assert len(bill["barcode"]) == 44 and len(bill["typeable_line"]) == 48 and bill["typeable_line"].isdigit()
    assert parse_typeable_line(bill["typeable_line"]).digits == bill["barcode"]
    assert [i["kind"] for i in bill["items"]] == ["water"] * 3 + ["sewer"] * 3
    pdf = staff.get(f"/api/v1/bills/{bill['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    rebill = staff.post(
        f"/api/v1/bills/{bill['id']}/rebill", {"reason": "Leitura corrigida", "consumption_m3": 10}
    )
    assert rebill.status_code == 201 and rebill.json()["total"] == "20.59"
    assert rebill.json()["replaces"] == bill["id"]
    assert Bill.objects.get(pk=bill["id"]).status == "cancelled"


def test_reading_errors_are_clear(staff: Any) -> None:
    g = f.group()
    f.schedule(g, YearMonth(2025, 5))
    p = f.billable(g, initial=300)
    low = staff.post(
        "/api/v1/readings",
        {"account_number": p.account_number, "reference": "2025-05", "read_on": "2025-05-10", "value": 200},
    )
    assert low.status_code == 400 and low.json()["code"] == "reading_below_previous"
    outside = staff.post(
        "/api/v1/readings",
        {"account_number": p.account_number, "reference": "2025-05", "read_on": "2025-06-10", "value": 310},
    )
    assert outside.status_code == 400 and outside.json()["code"] == "reading_outside_schedule"


def test_tariff_comparison_over_a_billed_month(staff: Any) -> None:
    _billed(staff)
    proposed = staff.post(
        "/api/v1/billing/tariffs",
        f.sorocaba_tariff_json(
            act="Proposta +10%",
            categories=[
                {
                    "code": "RES",
                    "name": "Residencial",
                    "minimum_m3_per_unit": 0,
                    "sewer_percent": "92.5",
                    "bands": [
                        {"from_m3": 0, "to_m3": 10, "price": "1.18"},
                        {"from_m3": 11, "to_m3": None, "price": "1.77"},
                    ],
                },
            ],
        ),
    ).json()["id"]
    out = staff.post(
        "/api/v1/billing/simulate/compare", {"proposed": proposed, "reference": "2025-05"}
    ).json()
    assert out["bills"] == 1 and out["base"]["total"] == "40.56"
    # 10 × 1.18 + 6 × 1.77 = 22.42; sewer per band 10.91 + 9.82 = 20.73
    assert out["proposed"]["total"] == "43.15"
    assert out["consumption_histogram"] == [{"bucket": "16–20", "bills": 1}]


def test_staff_pages(staff: Any) -> None:
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    _p, run_id = _billed(staff)
    bill = Bill.objects.get(run_id=run_id)
    for url in (
        "/faturamento/tarifas/",
        "/faturamento/execucoes/",
        f"/faturamento/execucoes/{run_id}/",
        f"/faturamento/faturas/{bill.pk}/",
        "/faturamento/simulador/?category=RES&dwelling_units=8&consumption_m3=94",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    simulated = client.get("/faturamento/simulador/?category=RES&dwelling_units=8&consumption_m3=94")
    assert "208.16" in simulated.content.decode()
    created = client.post(
        "/faturamento/tarifas/nova/",
        {"json_text": json.dumps(f.sorocaba_tariff_json(valid_from="2030-01-01"))},
    )
    assert created.status_code == 302
    exported = client.get(created["Location"] + "exportar/")
    assert exported.json()["valid_from"] == "2030-01-01"
    approved = client.post(created["Location"])
    assert approved.status_code == 302
    released = client.post(f"/faturamento/execucoes/{run_id}/", {"op": "release", "reason": "ok"})
    assert released.status_code == 302
    bill.refresh_from_db()
    assert bill.status == "released"


def test_reading_pages_and_comparison_page(staff: Any) -> None:
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    _billed(staff)
    for url in ("/leitura/analise/", "/leitura/importar/", "/leitura/cronograma/"):
        assert client.get(url).status_code == 200, url
    tariff = staff.post("/api/v1/billing/tariffs", f.sorocaba_tariff_json(act="Proposta")).json()["id"]
    page = client.get(
        f"/faturamento/simulador/comparar/?proposed={tariff}&reference=2025-05"
    ).content.decode()
    assert "Variação" in page and "40.56" in page
    holiday = client.post(
        "/leitura/cronograma/", {"op": "holiday", "date": "2026-08-15", "name": "Padroeira"}
    )
    assert holiday.status_code == 302
    assert "Padroeira" in client.get("/leitura/cronograma/").content.decode()


@pytest.mark.parametrize("reference", ["2026-13", "2026-00", "0000-00"])
def test_an_impossible_month_is_a_400_naming_the_field_not_a_crash(staff: Any, reference: str) -> None:
    """Found by the fuzzer (issue 11): "AAAA-MM"-shaped but impossible months were a 500."""
    g = f.group()
    for path, body in (
        ("/api/v1/billing/runs", {"group": g.code, "reference": reference}),
        ("/api/v1/billing/simulate/compare", {"proposed": 1, "reference": reference}),
    ):
        response = staff.post(path, body)
        assert response.status_code == 400, (path, response.content)
        assert response.json()["field"] == "reference"
        assert response.json()["errors"]["reference"] == [
            f"Mês inválido: '{reference}'. Use AAAA-MM, com o mês de 01 a 12 (ex.: 2026-03)."
        ]
    assert not runs.BillingRun.objects.exists()


def test_a_bill_in_critique_cannot_be_cancelled_only_rebilled(staff: Any) -> None:
    from modules.common.models import AuditEntry

    _p, run_id = _billed(staff)
    draft = Bill.objects.get(run_id=run_id)
    assert draft.status == "draft"
    audits_before = AuditEntry.objects.count()

    refused = staff.post(f"/api/v1/bills/{draft.pk}/cancel", {"reason": "engano"})

    assert refused.status_code == 409 and refused.json()["code"] == "bill_in_critique"
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.cancelled_at is None
    assert AuditEntry.objects.count() == audits_before
    signed_in = staff.client.post("/conta/entrar/", {"username": "gestora", "password": "Senha-forte-123"})
    assert signed_in.status_code == 302
    page = staff.client.get(f"/faturamento/faturas/{draft.pk}/").content.decode()
    assert 'value="cancel"' not in page and "Refaturar" in page
    assert "Consumo 16 m³ (medido)" in page and "measured" not in page
    rebilled = staff.post(
        f"/api/v1/bills/{draft.pk}/rebill", {"reason": "leitura corrigida", "consumption_m3": 10}
    )
    assert rebilled.status_code == 201, rebilled.content
    assert rebilled.json()["status"] == "draft"
    nothing_open = staff.post(f"/api/v1/bills/{rebilled.json()['id']}/accept-critique", {"reason": "visto"})
    assert nothing_open.status_code == 409 and nothing_open.json()["code"] == "no_open_anomaly"
