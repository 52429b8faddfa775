"""Staff API of the citizens' notices: what was sent to whom (issue 23)."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction

from . import selectors
from .domain import events as ev
from .models import ConsentRecord, Delivery


class DeliveryOutput(serializers.ModelSerializer):
    account_number = serializers.CharField(source="property.account_number")
    destination = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "property",
            "account_number",
            "event",
            "ref",
            "channel",
            "destination",
            "subject",
            "text",
            "status",
            "attempts",
            "provider_id",
            "error",
            "created_at",
            "sent_at",
        ]

    def get_destination(self, row: Delivery) -> str:
        return ev.mask_destination(row.channel, row.destination)


class ConsentOutput(serializers.ModelSerializer):
    account_number = serializers.CharField(source="property.account_number")

    class Meta:
        model = ConsentRecord
        fields = ["id", "property", "account_number", "subject", "code", "opted_in", "source", "at"]


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class DeliveriesApi(APIView):
    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = Pages

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "notifications.deliveries"

    @extend_schema(
        operation_id="notifications_deliveries_list",
        parameters=[
            OpenApiParameter("account", str, description="matrícula"),
            OpenApiParameter("event", str, enum=list(ev.EVENTS)),
            OpenApiParameter("channel", str, enum=list(ev.CHANNELS)),
            OpenApiParameter("status", str, enum=list(Delivery.Status.values)),
        ],
        responses=DeliveryOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        q = request.query_params
        rows = selectors.delivery_list(
            account=q.get("account", ""),
            event=q.get("event", ""),
            channel=q.get("channel", ""),
            status=q.get("status", ""),
        )
        pages = Pages()
        page = pages.paginate_queryset(rows, request, view=self)
        return pages.get_paginated_response(DeliveryOutput(page, many=True).data)


class ConsentsApi(APIView):
    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = Pages

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "notifications.deliveries"

    @extend_schema(
        operation_id="notifications_consents_list",
        parameters=[OpenApiParameter("account", str, description="matrícula")],
        responses=ConsentOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.consent_list(account=request.query_params.get("account", ""))
        pages = Pages()
        page = pages.paginate_queryset(rows, request, view=self)
        return pages.get_paginated_response(ConsentOutput(page, many=True).data)
