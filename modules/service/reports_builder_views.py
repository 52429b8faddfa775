"""The reading report generator's page and API (TR S12.9-01/S12.9-02, ADR 0230): choose the rows and
the chart's measure, filter in plain words, read the table with its totals and the bar chart, and
take the same result as CSV, TXT, XLSX, DOCX, PDF or a JPEG image of the chart and table."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.access.views import function_required
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.reading.domain.consumption import CONSUMPTION_KIND_LABELS
from modules.reading.models import Occurrence
from modules.registry.domain import connections as conn
from modules.registry.models import BillingGroup, Category

from .errors import ErrorCode
from .reports_builder import (
    DIMENSIONS,
    MEASURES,
    Query,
    Result,
    as_csv,
    as_docx,
    as_jpeg,
    as_txt,
    as_xlsx,
    build,
)
from .reports_views import FUNCTION, _int

MAX_CODE = 2**31 - 1
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "txt": ("text/plain; charset=utf-8", "txt"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "pdf": ("application/pdf", "pdf"),
    "jpg": ("image/jpeg", "jpg"),
}


def _month(raw: str, field: str, default: YearMonth) -> YearMonth:
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        return YearMonth.parse(raw)
    except ValueError as exc:
        raise ValidationFailed("Mês: use AAAA-MM.", field=field, code=ErrorCode.INVALID) from exc


def _code(params: Any, name: str) -> int | None:
    """A group or route code: digits that fit the column (a longer one names the field)."""
    value = _int(params.get(name, ""), name)
    if value is not None and value > MAX_CODE:
        raise ValidationFailed(f"{name}: código grande demais.", field=name, code=ErrorCode.INVALID)
    return value


def query_from(params: Any) -> Query:
    """The query from a query string; ValidationFailed names the bad field."""
    this = YearMonth.of(tenant_today())
    start = _month(params.get("start", ""), "start", this)
    return Query(
        start=start,
        end=_month(params.get("end", ""), "end", start),
        by=(params.get("by") or "route").strip(),
        measure=(params.get("measure") or "measured_m3").strip(),
        group=_code(params, "group"),
        route=_code(params, "route"),
        reader=(params.get("reader") or "").strip(),
        occurrence=(params.get("occurrence") or "").strip(),
        kind=(params.get("kind") or "").strip(),
        connection=(params.get("connection") or "").strip(),
        category=(params.get("category") or "").strip(),
    )


def export(result: Result, fmt: str) -> HttpResponse:
    content_type, ext = FORMATS[fmt]
    if fmt == "pdf":
        from .units_pdf import _pdf

        body = _pdf("service/reports/pdf/builder.html", {"result": result})
    else:
        body = {"csv": as_csv, "txt": as_txt, "xlsx": as_xlsx, "docx": as_docx, "jpg": as_jpeg}[fmt](result)
    q = result.query
    response = HttpResponse(body, content_type=content_type)
    name = f"leituras-por-{q.by}-{q.start}-{q.end}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@function_required(FUNCTION)
def report_builder_view(request: HttpRequest) -> HttpResponse:
    result, error = None, ""
    if request.GET.get("by"):
        try:
            result = build(query_from(request.GET))
            fmt = request.GET.get("formato", "")
            if fmt in FORMATS:
                return export(result, fmt)
        except ValidationFailed as exc:
            error = exc.message
    month = f"{tenant_today():%Y-%m}"
    return render(
        request,
        "service/reports/builder.html",
        {
            "result": result,
            "error": error,
            "params": request.GET,
            "month": month,
            "dimensions": DIMENSIONS,
            "measures": MEASURES,
            "groups": BillingGroup.objects.order_by("code"),
            "occurrences": Occurrence.objects.order_by("code"),
            "kinds": {str(k): v for k, v in CONSUMPTION_KIND_LABELS.items()},
            "situations": conn.SITUATIONS,
            "categories": Category.objects.order_by("code"),
            "query_string": request.GET.urlencode(),
        },
        status=400 if error else 200,
    )


class ReportBuilderRowOut(serializers.Serializer):
    label = serializers.CharField()
    readings = serializers.IntegerField()
    measured_m3 = serializers.IntegerField()
    considered_m3 = serializers.IntegerField()
    occurrences = serializers.IntegerField()
    occurrence_share = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=True)


class ReportBuilderOut(serializers.Serializer):
    title = serializers.CharField()
    filters = serializers.CharField(source="filters_text")
    rows = ReportBuilderRowOut(many=True)
    total = ReportBuilderRowOut()


class ReadingReportBuilderApi(APIView):
    """GET /api/v1/reading/report-builder: the generator's rows and total as JSON, or the file."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(
        operation_id="reading_report_builder",
        parameters=[
            OpenApiParameter("by", str, enum=list(DIMENSIONS), description="linhas por"),
            OpenApiParameter("measure", str, enum=list(MEASURES), description="medida do gráfico"),
            OpenApiParameter("start", str, description="mês inicial AAAA-MM"),
            OpenApiParameter("end", str, description="mês final AAAA-MM"),
            OpenApiParameter("group", int),
            OpenApiParameter("route", int),
            OpenApiParameter("reader", str),
            OpenApiParameter("occurrence", str, description='código, ou "-" para sem ocorrência'),
            OpenApiParameter("kind", str),
            OpenApiParameter("connection", str),
            OpenApiParameter("category", str),
            OpenApiParameter("output", str, enum=["json", *FORMATS]),
        ],
        responses={
            200: ReportBuilderOut,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        result = build(query_from(request.query_params))
        fmt = request.query_params.get("output", "json")
        if fmt in FORMATS:
            return export(result, fmt)
        return Response(ReportBuilderOut(result).data)
