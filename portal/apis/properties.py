"""Citizen API: the properties a citizen may reach and a property's overview, with its open debts and
the services the utility offers (VA-08)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from .. import domain, selectors
from ..access import access_property_by_id, granted_properties
from ..models import AgencySettings
from .base import CitizenView


class PropertyListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account_number = serializers.CharField()
    address = serializers.CharField()


class CategoryOutput(serializers.Serializer):
    category = serializers.CharField()
    economies = serializers.IntegerField()


class ConnectionOutput(serializers.Serializer):
    kind = serializers.CharField()
    situation = serializers.CharField()
    since = serializers.DateField()
    meter_number = serializers.CharField()


class DebtsOutput(serializers.Serializer):
    available = serializers.BooleanField()
    open_bills = serializers.IntegerField(allow_null=True)
    updated_total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    message = serializers.CharField()


class PropertyDetailOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account_number = serializers.CharField()
    inscription = serializers.CharField()
    address = serializers.CharField()
    district_city = serializers.CharField()
    holder_name = serializers.CharField()
    holder_document = serializers.CharField(help_text="sempre mascarado")
    economies_total = serializers.IntegerField()
    categories = CategoryOutput(many=True)
    connections = ConnectionOutput(many=True)
    due_day = serializers.IntegerField(allow_null=True)
    open_debts = DebtsOutput()
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=list(domain.AGENCY_SERVICE_CODES)),
        help_text="Serviços que a concessionária oferece na agência (VA-08), para montar o menu; os "
        "endpoints dos demais respondem 404 com o código `service_disabled`.",
    )


class PropertyListApi(CitizenView):
    @extend_schema(operation_id="citizen_property_list", responses=PropertyListOutput(many=True))
    def get(self, request: Request) -> Response:
        props = granted_properties(self.grant).select_related("street").order_by("account_base")
        rows = [
            {"id": p.pk, "account_number": p.account_number, "address": selectors.address_line(p)}
            for p in props
        ]
        return Response(PropertyListOutput(rows, many=True).data)


class PropertyDetailApi(CitizenView):
    @extend_schema(operation_id="citizen_property_detail", responses=PropertyDetailOutput)
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        o = selectors.property_overview(self.grant, prop)
        debts = selectors.open_debts_summary(prop)
        offered = AgencySettings.current().enabled_services
        body = {
            "id": prop.pk,
            "account_number": prop.account_number,
            "inscription": prop.inscription,
            "address": o.address,
            "district_city": o.district_city,
            "holder_name": o.holder_name,
            "holder_document": o.holder_document,
            "economies_total": o.economies_total,
            "categories": [{"category": c, "economies": n} for c, n in o.categories],
            "connections": [
                {"kind": c.kind, "situation": c.situation, "since": c.since, "meter_number": c.meter_number}
                for c in o.connections
            ],
            "due_day": o.due_day,
            "open_debts": {
                "available": debts.available,
                "open_bills": debts.open_bills,
                "updated_total": debts.updated_total,
                "message": debts.message,
            },
            "services": [c for c in domain.AGENCY_SERVICE_CODES if c in offered],
        }
        return Response(PropertyDetailOutput(body).data)
