"""Citizen API: the consumption history (VA-21), the same figures as the page's chart."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from modules.common.clock import tenant_today
from modules.common.errors import ErrorCode, ValidationFailed

from .. import bills as reads
from ..access import access_property_by_id
from .base import NOT_FOUND, CitizenView


class ConsumptionMonthOutput(serializers.Serializer):
    reference = serializers.DateField()
    m3 = serializers.IntegerField()


class ConsumptionRowOutput(serializers.Serializer):
    """Seed 003's table (VA-21), newest first."""

    reference = serializers.DateField()
    read_on = serializers.DateField(allow_null=True, help_text="data da leitura")
    reading = serializers.IntegerField(allow_null=True, help_text="leitura")
    measured_m3 = serializers.IntegerField(allow_null=True, help_text="consumo medido")
    billed_m3 = serializers.IntegerField(help_text="consumo faturado")
    average_m3 = serializers.IntegerField(allow_null=True, help_text="média dos 6 meses faturados anteriores")
    days = serializers.IntegerField(allow_null=True, help_text="dias de consumo")


class ConsumptionOutput(serializers.Serializer):
    months = serializers.IntegerField()
    average_m3 = serializers.DecimalField(max_digits=10, decimal_places=1)
    history = ConsumptionMonthOutput(many=True)
    table = ConsumptionRowOutput(many=True)


class ConsumptionApi(CitizenView):
    @extend_schema(
        operation_id="citizen_consumption",
        parameters=[
            OpenApiParameter(
                "months", int, enum=list(reads.CHART_MONTHS), description="12 (padrão), 18 ou 24"
            )
        ],
        responses={
            200: ConsumptionOutput,
            400: OpenApiResponse(description="meses fora de 12, 18 ou 24"),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        raw = request.query_params.get("months", "12")
        if not (raw.isdigit() and int(raw) in reads.CHART_MONTHS):
            *first, last = (str(m) for m in reads.CHART_MONTHS)
            raise ValidationFailed(
                f"Escolha {', '.join(first)} ou {last} meses.", field="months", code=ErrorCode.INVALID
            )
        months = int(raw)
        chart = reads.consumption_chart(prop, tenant_today(), months)
        body = {
            "months": chart.months,
            "average_m3": chart.average,
            "history": [{"reference": b.reference, "m3": b.m3} for b in chart.bars],
            "table": [r.__dict__ for r in reads.consumption_rows(prop, tenant_today(), months)],
        }
        return Response(ConsumptionOutput(body).data)
