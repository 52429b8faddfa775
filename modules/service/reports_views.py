"""The staff page "Relatórios de leitura" (seed 001 3.2.4): one form per report, each downloading
its CSV (pt-BR headers, `;`, UTF-8 with BOM), and the same CSVs through the API."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.access.views import function_required
from modules.common.clock import tenant_today, tenant_zone
from modules.common.csv_export import csv_response
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.reading.models import Occurrence
from modules.registry.models import BillingGroup

from .errors import ErrorCode
from .reports_reading import Filters, Report, reports

FUNCTION = "service.reading_reports"


def _int(raw: str, field: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationFailed(f"{field}: informe um número.", field=field, code=ErrorCode.INVALID)
    return int(raw)


def filters_from(params: Any, report: Report) -> Filters:
    """The report's filters from a query string; ValidationFailed names the bad one."""
    raw_month = (params.get("month") or "").strip()
    try:
        month = YearMonth.parse(raw_month) if raw_month else YearMonth.of(tenant_today())
    except ValueError as exc:
        raise ValidationFailed("Mês: use AAAA-MM.", field="month", code=ErrorCode.INVALID) from exc
    group = _int(params.get("group", ""), "group")
    if report.needs_group and group is None:
        raise ValidationFailed("Informe o grupo de faturamento.", field="group", code=ErrorCode.INVALID)
    reader = (params.get("reader") or "").strip()
    if report.needs_reader and not reader:
        raise ValidationFailed("Informe o leiturista.", field="reader", code=ErrorCode.INVALID)
    try:
        threshold = Decimal((params.get("threshold") or "30").replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationFailed(
            "Percentual: informe um número.", field="threshold", code=ErrorCode.INVALID
        ) from exc
    if not Decimal(0) <= threshold <= Decimal(1000):
        raise ValidationFailed("Percentual: de 0 a 1000.", field="threshold", code=ErrorCode.INVALID)
    return Filters(
        month=month,
        group=group,
        route=_int(params.get("route", ""), "route"),
        reader=reader,
        occurrence=(params.get("occurrence") or "").strip(),
        threshold=threshold,
    )


def _report(slug: str) -> Report:
    found = next((r for r in reports(tenant_zone()) if r.slug == slug), None)
    if found is None:
        raise Http404("Relatório não encontrado.")
    return found


def _download(report: Report, filters: Filters, fmt: str = "csv") -> HttpResponse:
    """The report as CSV, or as a printable A4 PDF (`pdf`: the reading bulletin taken to the
    field on paper when the devices cannot be used, 3.2.4.9, and any other report)."""
    table = report.build(filters)
    name = f"{report.slug}-{filters.month.year}-{filters.month.month:02d}"
    if fmt == "pdf":
        from .units_pdf import _pdf

        body = _pdf(
            "service/reports/pdf/table.html",
            {
                "table": table,
                "month": filters.month,
                "filters": filters,
                "blank_from": len(table.headers) - 3 if report.slug == "boletim-de-leitura" else None,
            },
        )
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return csv_response(f"{name}.csv", table.headers, table.rows)


@function_required(FUNCTION)
def reading_reports_view(request: HttpRequest) -> HttpResponse:
    error, chosen = "", request.GET.get("relatorio", "")
    if chosen:
        report = _report(chosen)
        try:
            fmt = "pdf" if request.GET.get("formato") == "pdf" else "csv"
            return _download(report, filters_from(request.GET, report), fmt)
        except ValidationFailed as exc:
            error = f"{report.title}: {exc.message}"
    return render(
        request,
        "service/reports/reading.html",
        {
            "reports": reports(tenant_zone()),
            "groups": BillingGroup.objects.order_by("code"),
            "occurrences": Occurrence.objects.order_by("code"),
            "month": f"{tenant_today():%Y-%m}",
            "error": error,
            "chosen": chosen,
            "params": request.GET,
        },
        status=400 if error else 200,
    )


class ReadingReportApi(APIView):
    """GET /api/v1/reading/reports?report=<slug> with month=AAAA-MM, group, route, reader, occurrence,
    threshold: the report as CSV."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(
        operation_id="reading_report_csv",
        parameters=[
            OpenApiParameter("report", str, required=True, description="boletim-de-leitura, ocorrencias, …"),
            OpenApiParameter("month", str),
            OpenApiParameter("group", int),
            OpenApiParameter("route", int),
            OpenApiParameter("reader", str),
            OpenApiParameter("occurrence", str),
            OpenApiParameter("threshold", str),
            OpenApiParameter("output", str, enum=["csv", "pdf"], description="csv (default) or pdf"),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> HttpResponse:
        report = _report(request.query_params.get("report", ""))
        fmt = "pdf" if request.query_params.get("output") == "pdf" else "csv"
        return _download(report, filters_from(request.query_params, report), fmt)
