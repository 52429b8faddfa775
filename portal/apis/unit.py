"""Citizen API of the unit (issue 23): reading dates (3.2.14.9), service orders with their status
(3.2.14.5) and the registration sheet PDF (3.2.14.2); the same reads as the agency's pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from modules.common.clock import tenant_today

from ..access import access_property_by_id
from ..pdf_unit import registration_sheet_pdf
from ..selectors_unit import reading_dates, unit_orders
from .base import NOT_FOUND, PDF_RESPONSE, CitizenView, pdf_response


class ReadingDatesOutput(serializers.Serializer):
    last_read_on = serializers.DateField(allow_null=True)
    next_start = serializers.DateField(
        allow_null=True, help_text="início da próxima leitura (calendário do grupo)"
    )
    next_end = serializers.DateField(allow_null=True)


class ReadingDatesApi(CitizenView):
    @extend_schema(operation_id="citizen_reading_dates", responses={200: ReadingDatesOutput, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        return Response(ReadingDatesOutput(reading_dates(prop, tenant_today())).data)


class OrderOutput(serializers.Serializer):
    number = serializers.CharField()
    service = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    opened_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    scheduled_for = serializers.DateField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class UnitOrdersApi(CitizenView):
    @extend_schema(
        operation_id="citizen_service_orders", responses={200: OrderOutput(many=True), 404: NOT_FOUND}
    )
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        return Response(OrderOutput(unit_orders(prop), many=True).data)


class RegistrationSheetApi(CitizenView):
    @extend_schema(operation_id="citizen_registration_sheet", responses={**PDF_RESPONSE, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int) -> object:
        prop = access_property_by_id(self.grant, property_id)
        return pdf_response(
            registration_sheet_pdf(self.grant, prop), f"ficha-cadastral-{prop.account_number}.pdf"
        )
