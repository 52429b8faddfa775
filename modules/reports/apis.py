"""Staff API of the reports: the catalogue, asking for a run, following it, downloading its file.

`GET /api/v1/reports`, `POST /api/v1/reports/{code}/runs` → 202, `GET /api/v1/reports/runs/{id}`
(status, progress 0–100, download when done), `GET /api/v1/reports/runs/{id}/download`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import PageNumberPagination
from modules.common.errors import NotFound

from . import selectors, services
from .datasets import SOURCES
from .domain.spec import Definition
from .errors import ErrorCode
from .models import ReportRun
from .outputs import CONTENT_TYPES

FUNCTION = "reports.reports"


class ReportParameterOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class ReportOut(serializers.Serializer):
    code = serializers.CharField()
    number = serializers.CharField()
    numbers = serializers.ListField(child=serializers.CharField())
    family = serializers.CharField()
    title = serializers.CharField()
    dataset = serializers.CharField()
    layout = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())
    group_by = serializers.ListField(child=serializers.CharField())
    measures = serializers.ListField(child=serializers.CharField())
    max_period_days = serializers.IntegerField()
    parameters = ReportParameterOut(many=True)


def report_out(d: Definition) -> dict[str, Any]:
    spec = SOURCES[d.dataset].spec
    params = []
    for name in d.filters:
        f = spec.filter(name)
        params.append(
            {
                "name": name,
                "label": f.label if f else name,
                "kind": f.kind.value if f else "text",
                "required": name in d.required,
                "choices": [list(c) for c in f.choices] if f else [],
            }
        )
    return {
        "code": d.code,
        "number": d.number,
        "numbers": list(d.numbers),
        "family": d.family,
        "title": d.title,
        "dataset": d.dataset,
        "layout": d.layout.value,
        "formats": [f.value for f in d.formats],
        "group_by": list(d.group_by),
        "measures": [m.name for m in d.measures],
        "max_period_days": d.max_period_days,
        "parameters": params,
    }


class ReportRunIn(serializers.Serializer):
    params = serializers.DictField(required=False, default=dict)
    format = serializers.CharField(default="csv")


class ReportRunOut(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "code",
            "title",
            "params",
            "format",
            "status",
            "progress",
            "rows",
            "totals",
            "error",
            "requested_at",
            "started_at",
            "finished_at",
            "rerun_of",
            "download",
        ]

    def get_download(self, run: ReportRun) -> str | None:
        if run.status != ReportRun.Status.DONE or not run.file:
            return None
        return str(reverse("api-report-run-download", args=[run.pk], request=self.context.get("request")))


class ReportCatalogueApi(APIView):
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(
        operation_id="reports_catalogue",
        parameters=[
            OpenApiParameter("q", str, description="nome ou número (79, 3.2.19.79, categoria)"),
            OpenApiParameter("family", str, description="F1 … F11"),
        ],
        responses={200: ReportOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        found = selectors.catalogue_search(
            request.query_params.get("q", ""), request.query_params.get("family", "")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset([report_out(d) for d in found], request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(page)


class ReportRunCreateApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    # asking for a report reads data: anyone who may see the reports may run them
    function_actions: ClassVar[dict[str, str]] = {"POST": "view"}

    @extend_schema(operation_id="reports_run_create", request=ReportRunIn, responses={202: ReportRunOut})
    def post(self, request: Request, code: str) -> Response:
        body = ReportRunIn(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.report_run_request(
            actor=request.user,
            code=code,
            params=body.validated_data["params"],
            fmt=body.validated_data["format"],
        )
        return Response(ReportRunOut(run, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class ReportRunDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(operation_id="reports_run_detail", responses={200: ReportRunOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ReportRunOut(selectors.run_get(pk), context={"request": request}).data)


class ReportRunDownloadApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(
        operation_id="reports_run_download",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        return run_file_response(selectors.run_get(pk))


def run_file_response(run: ReportRun) -> HttpResponse:
    if run.status != ReportRun.Status.DONE or not run.file:
        raise NotFound("O arquivo deste relatório ainda não está pronto.", code=ErrorCode.RUN_NOT_FOUND)
    name = f"{run.code}-{run.pk}.{run.format}"
    return FileResponse(
        run.file.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[run.format]
    )
