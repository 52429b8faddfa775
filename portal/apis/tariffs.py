"""Public citizen API (no token): the tariff in force (VA-30) and the bill simulator (VA-31)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from modules.billing.domain.tariffs import ServiceType
from modules.billing.services import simulation as bill_simulation
from modules.billing.services import tariffs as tariff_services
from modules.common.clock import tenant_today

from .base import Money, PublicView


class BandOutput(serializers.Serializer):
    from_m3 = serializers.IntegerField()
    to_m3 = serializers.IntegerField(allow_null=True)
    price = Money(help_text="água, por m³ e por economia")


class FixedChargeOutput(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()
    amount = Money()
    per_dwelling_unit = serializers.BooleanField()


class TariffCategoryOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    minimum_m3_per_unit = serializers.IntegerField()
    sewer_percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    bands = BandOutput(many=True)
    fixed_charges = FixedChargeOutput(many=True)


class TariffOutput(serializers.Serializer):
    act = serializers.CharField()
    valid_from = serializers.DateField()
    categories = TariffCategoryOutput(many=True)


class TariffApi(PublicView):
    @extend_schema(
        operation_id="public_tariff_table",
        responses={200: TariffOutput, 404: OpenApiResponse(description="nenhuma tarifa aprovada vigente")},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        tariff = tariff_services.tariff_in_force(tenant_today())
        version = tariff_services.tariff_version(tariff)
        body = {
            "act": tariff.act,
            "valid_from": tariff.valid_from,
            "categories": [
                {
                    "code": c.code,
                    "name": c.name,
                    "minimum_m3_per_unit": c.minimum_m3_per_unit,
                    "sewer_percent": c.sewer_percent,
                    "bands": c.bands,
                    "fixed_charges": c.fixed_charges,
                }
                for c in version.categories
            ],
        }
        return Response(TariffOutput(body).data)


class BillSimulationInput(serializers.Serializer):
    category = serializers.CharField(max_length=20)
    dwelling_units = serializers.IntegerField(min_value=1, max_value=999, default=1)
    consumption_m3 = serializers.IntegerField(min_value=0, max_value=99_999)
    service = serializers.ChoiceField(
        choices=[ServiceType.WATER_SEWER.value, ServiceType.WATER.value],
        default=ServiceType.WATER_SEWER.value,
    )


class BillSimulationOutput(serializers.Serializer):
    tariff_act = serializers.CharField()
    water = Money()
    sewer = Money()
    fixed = Money()
    total = Money()


class BillSimulatorApi(PublicView):
    @extend_schema(
        operation_id="public_bill_simulation",
        parameters=[BillSimulationInput],
        responses={
            200: BillSimulationOutput,
            400: OpenApiResponse(description="categoria ou consumo inválidos"),
            404: OpenApiResponse(description="nenhuma tarifa aprovada vigente"),
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        data = BillSimulationInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        tariff = tariff_services.tariff_in_force(tenant_today())
        version = tariff_services.tariff_version(tariff)
        if v["category"] not in {c.code for c in version.categories}:
            raise serializers.ValidationError({"category": ["Categoria inexistente na tarifa vigente."]})
        result = bill_simulation.simulate(
            version=version,
            entries=[bill_simulation.SimulationEntry(v["category"], v["dwelling_units"])],
            consumption_m3=v["consumption_m3"],
            service=ServiceType(v["service"]),
        )
        body = {
            "tariff_act": tariff.act,
            **{k: Decimal(result[k]) for k in ("water", "sewer", "fixed", "total")},
        }
        return Response(BillSimulationOutput(body).data)


class QualityRowOutput(serializers.Serializer):
    parameter = serializers.CharField()
    required = serializers.CharField(help_text="análises exigidas no mês")
    analysed = serializers.CharField(help_text="análises realizadas")
    conforming = serializers.CharField(help_text="análises em conformidade")
    standard = serializers.CharField(help_text="padrão de potabilidade")


class QualityTableOutput(serializers.Serializer):
    month = serializers.CharField(help_text="AAAA-MM")
    title = serializers.CharField()
    note = serializers.CharField()
    rows = QualityRowOutput(many=True)


class QualityOutput(serializers.Serializer):
    tables = QualityTableOutput(many=True)


class WaterQualityApi(PublicView):
    @extend_schema(operation_id="public_water_quality", responses=QualityOutput, auth=[])
    def get(self, request: Request) -> Response:
        from modules.billing import selectors as billing_selectors
        from modules.billing.services.texts import quality_snapshot

        tables = billing_selectors.quality_tables_published(tenant_today())
        rows = [quality_snapshot(t) for t in tables]
        for table in rows:
            for row in table["rows"]:
                row.setdefault("standard", "")
        return Response(QualityOutput({"tables": rows}).data)
