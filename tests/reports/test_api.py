"""The fixed points of the reports' API: the catalogue, a run asked for (202) and carried out, its
status, progress and download; the billing summary by category equal to the month's released bills
of GET /api/v1/bills?month=; bad input refused in pt-BR with nothing stored."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from modules.common.audit import AuditEntry
from modules.reports.models import ReportRun
from modules.reports.services import report_run_execute
from tests.reports import factories as rf


@pytest.fixture
def api(alpha_client: Any, tenant_alpha: Any) -> rf.Api:
    return rf.staff_api(alpha_client)


def _released_total(api: rf.Api, month: str) -> Decimal:
    total, page = Decimal("0.00"), f"/api/v1/bills?month={month}&page_size=200"
    while page:
        body = api.get(page).json()
        total += sum(
            (Decimal(b["total"]) for b in body["results"] if b["status"] in {"released", "paid"}), Decimal(0)
        )
        page = body["next"]
    return total


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_catalogue_lists_code_family_title_and_parameters(api: rf.Api) -> None:
    response = api.get("/api/v1/reports?page_size=200")
    assert response.status_code == 200
    items = {r["code"]: r for r in response.json()["results"]}
    summary = items["faturamento-por-categoria"]
    assert (summary["family"], summary["number"], summary["numbers"]) == (
        "F1",
        "3.2.19.79",
        ["3.2.19.79", "3.2.19.80"],
    )
    assert summary["title"] == "Resumo do faturamento por categoria: água, esgoto e serviços"
    month = next(p for p in summary["parameters"] if p["name"] == "month")
    assert (month["kind"], month["required"]) == ("month", True)
    assert summary["formats"] == ["csv", "xlsx", "pdf"]


@pytest.mark.parametrize("q", ["79", "3.2.19.79", "categoria", "CATEGORIA"])
def test_catalogue_is_searchable_by_name_and_number(api: rf.Api, q: str) -> None:
    codes = [r["code"] for r in api.get(f"/api/v1/reports?q={q}").json()["results"]]
    assert "faturamento-por-categoria" in codes


def test_billing_summary_by_category_equals_the_months_released_bills(api: rf.Api) -> None:
    rf.billed_month(api)
    asked = api.post(
        "/api/v1/reports/faturamento-por-categoria/runs", {"params": {"month": rf.MONTH}, "format": "csv"}
    )
    assert asked.status_code == 202, asked.content
    run_id = asked.json()["id"]
    queued = api.get(f"/api/v1/reports/runs/{run_id}").json()
    assert (queued["status"], queued["progress"], queued["download"]) == ("queued", 0, None)

    report_run_execute(run_id=run_id)  # what the batch worker does with the message

    done = api.get(f"/api/v1/reports/runs/{run_id}").json()
    assert (done["status"], done["progress"]) == ("done", 100)
    assert done["download"].endswith(f"/api/v1/reports/runs/{run_id}/download")
    file = api.get(f"/api/v1/reports/runs/{run_id}/download")
    assert file.status_code == 200
    assert file["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv_rows(b"".join(file.streaming_content))
    assert rows[0] == ["Categoria", "Água (R$)", "Esgoto (R$)", "Serviços e outros (R$)", "Total (R$)"]
    assert [r[0] for r in rows[1:]] == ["COM", "RES", "Total"]
    total_row = rows[-1]
    released = _released_total(api, rf.MONTH)
    assert released > 0
    assert Decimal(total_row[4].replace(",", ".")) == released
    assert Decimal(done["totals"]["total"]) == released
    # water + sewer + services = total, per category and overall
    for r in rows[1:]:
        water, sewer, services, total = (Decimal(x.replace(",", ".")) for x in r[1:])
        assert water + sewer + services == total
    assert Decimal(rows[-1][3].replace(",", ".")) >= Decimal("35.00")  # the service line is counted


def test_the_same_report_as_pdf_and_xlsx_and_run_again(api: rf.Api) -> None:
    rf.billed_month(api)
    for fmt in ("pdf", "xlsx"):
        run_id = api.post(
            "/api/v1/reports/faturamento-por-categoria/runs", {"params": {"month": rf.MONTH}, "format": fmt}
        ).json()["id"]
        report_run_execute(run_id=run_id)
        body = b"".join(api.get(f"/api/v1/reports/runs/{run_id}/download").streaming_content)
        if fmt == "pdf":
            text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
            assert "Resumo do faturamento por categoria" in text and "Mês de referência: 05/2025" in text
        else:
            assert body[:2] == b"PK"
    from modules.access.models import User
    from modules.reports.services import report_run_again

    run = ReportRun.objects.get(pk=run_id)
    again = report_run_again(actor=User.objects.get(username="relatorios"), run=run, enqueue=False)
    assert (again.code, again.params, again.format, again.rerun_of_id) == (
        run.code,
        run.params,
        "xlsx",
        run.pk,
    )


@pytest.mark.parametrize(
    ("code", "body", "field", "error_code", "message"),
    [
        (
            "faturamento-por-categoria",
            {"params": {"month": "2025-05", "agent": "237"}, "format": "csv"},
            "params.agent",
            "report_filter_not_allowed",
            "O filtro 'agent' não é permitido no relatório faturamento-por-categoria; filtros permitidos: "
            "month, issued_from, issued_to, group, category, consumption_kind.",
        ),
        (
            "arrecadacao-diaria",
            {"params": {"credited_from": "2025-01-01", "credited_to": "2025-12-31"}, "format": "csv"},
            "params.credited_to",
            "report_period_too_long",
            "O período de 365 dias excede o máximo de 92 dias deste relatório; divida-o em períodos menores.",
        ),
        (
            "cadastro-analitico",
            {"params": {}, "format": "pdf"},
            "format",
            "report_format_not_available",
            "O formato 'pdf' não está disponível para o relatório cadastro-analitico (layout analítico e "
            "sintético); formatos disponíveis: CSV, XLSX.",
        ),
        (
            "faturamento-por-categoria",
            {"params": {"month": "maio"}, "format": "csv"},
            "params.month",
            "report_filter_invalid",
            "Mês de referência: use o formato AAAA-MM (por exemplo 2025-05).",
        ),
    ],
)
def test_bad_input_is_refused_in_portuguese_and_nothing_is_stored(
    api: rf.Api, code: str, body: dict[str, Any], field: str, error_code: str, message: str
) -> None:
    audits = AuditEntry.objects.count()
    response = api.post(f"/api/v1/reports/{code}/runs", body)
    assert response.status_code == 400
    assert response.json() == {
        "code": error_code,
        "detail": message,
        "field": field,
        "errors": {field: [message]},
    }
    assert ReportRun.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_an_unknown_report_or_run_is_404(api: rf.Api) -> None:
    missing = api.post("/api/v1/reports/nao-existe/runs", {"params": {}, "format": "csv"})
    assert (missing.status_code, missing.json()["code"]) == (404, "report_not_found")
    assert api.get("/api/v1/reports/runs/999999").status_code == 404
    assert ReportRun.objects.count() == 0


def test_a_user_without_the_function_cannot_run_reports(alpha_client: Any, tenant_alpha: Any) -> None:
    from tests.conftest import bearer, make_user

    make_user("alpha", "sem-perfil")
    headers = bearer(alpha_client, "sem-perfil", "Senha-forte-123")
    response = alpha_client.post(
        "/api/v1/reports/faturamento-por-categoria/runs",
        {"params": {"month": "2025-05"}, "format": "csv"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert ReportRun.objects.count() == 0
