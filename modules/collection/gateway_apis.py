"""Gateway charges (staff) and the Pagar.me webhook (machine; authenticated by URL secret and basic auth)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.clock import tenant_today
from modules.common.errors import DomainError

from . import gateway
from .models import GatewayCharge


class ChargeIn(serializers.Serializer):
    property = serializers.IntegerField()
    bills = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    method = serializers.ChoiceField(choices=GatewayCharge.Method.choices)
    card_token = serializers.CharField(required=False, allow_blank=True, default="")


class ChargeOut(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()
    document_barcode = serializers.CharField(source="document.barcode")

    class Meta:
        model = GatewayCharge
        fields = [
            "id",
            "document",
            "document_barcode",
            "method",
            "amount",
            "amount_cents",
            "order_id",
            "charge_id",
            "status",
            "qr_code",
            "qr_code_url",
            "boleto_line",
            "boleto_url",
            "expires_at",
            "created_at",
        ]

    def get_amount(self, obj: GatewayCharge) -> str:
        return str(obj.document.amount)


class ChargeCreateApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.gateway"

    @extend_schema(request=ChargeIn, responses={201: ChargeOut})
    def post(self, request: Request) -> Response:
        data = ChargeIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        charge = gateway.gateway_charge_create(
            actor=request.user,
            property_id=v["property"],
            bill_ids=v["bills"],
            method=v["method"],
            today=tenant_today(),
            card_token=v["card_token"],
        )
        return Response(ChargeOut(charge).data, status=status.HTTP_201_CREATED)


@csrf_exempt
@require_POST
def pagarme_webhook(request: HttpRequest, token: str) -> JsonResponse:
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    try:
        result = gateway.webhook_receive(
            token=token, authorization=request.headers.get("Authorization", ""), body=body
        )
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse(result)
