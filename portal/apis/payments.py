"""Citizen API: online payment of open bills through the gateway (VA-11/VA-13: PIX, boleto, a card
token from the mobile app) and the property's payments (VA-22)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from modules.collection.gateway import gateway_charge_create
from modules.collection.models import GatewayCharge
from modules.common.clock import tenant_today

from .. import bills as reads
from ..access import access_property_by_id
from ..access_bills import access_charge_by_id
from ..auth import CitizenActor
from .base import NOT_FOUND, CitizenView, Money
from .debts import BillIdsInput


class ChargeInput(BillIdsInput):
    method = serializers.ChoiceField(choices=["pix", "boleto", "credit_card"])
    card_token = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ChargeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.CharField()
    amount = Money()
    status = serializers.CharField()
    status_label = serializers.CharField()
    paid = serializers.BooleanField()
    qr_code = serializers.CharField(help_text="PIX copia e cola (vazio noutros meios)")
    expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text="até quando o código PIX pode ser pago (fuso da concessionária); nulo no boleto, no cartão",
    )
    document_id = serializers.IntegerField()
    typeable_line = serializers.CharField(help_text="do documento de arrecadação da cobrança")


def _charge(charge: GatewayCharge) -> dict[str, Any]:
    return {
        "id": charge.pk,
        "method": charge.method,
        "amount": Decimal(charge.amount_cents).scaleb(-2),
        "status": charge.status,
        "status_label": reads.charge_label(charge),
        "paid": reads.charge_paid(charge),
        "qr_code": charge.qr_code,
        "expires_at": charge.expires_at,
        "document_id": charge.document_id,
        "typeable_line": charge.document.typeable_line,
    }


class ChargeCreateApi(CitizenView):
    @extend_schema(
        operation_id="citizen_charge_create",
        description="Cobrança PIX, boleto ou cartão (token do cartão) das contas em aberto escolhidas.",
        request=ChargeInput,
        responses={
            201: ChargeOutput,
            400: OpenApiResponse(description="contas ou meio inválidos"),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        data = ChargeInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        charge = gateway_charge_create(
            actor=CitizenActor(self.grant),
            property_id=prop.pk,
            bill_ids=v["bills"],
            method=v["method"],
            today=tenant_today(),
            card_token=v.get("card_token", "").strip(),
        )
        charge = access_charge_by_id(self.grant, prop.pk, charge.pk)
        return Response(ChargeOutput(_charge(charge)).data, status=status.HTTP_201_CREATED)


class ChargeDetailApi(CitizenView):
    @extend_schema(
        operation_id="citizen_charge_detail",
        description="Situação da cobrança (consulte até `paid` ser verdadeiro).",
        responses={200: ChargeOutput, 404: NOT_FOUND},
    )
    def get(self, request: Request, property_id: int, charge_id: int) -> Response:
        charge = access_charge_by_id(self.grant, property_id, charge_id)
        return Response(ChargeOutput(_charge(charge)).data)


class PaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    paid_on = serializers.DateField()
    amount = Money()
    agent = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    bill_id = serializers.IntegerField(allow_null=True)
    bill_reference = serializers.DateField(allow_null=True)
    document_id = serializers.IntegerField(allow_null=True)


class PaymentListApi(CitizenView):
    @extend_schema(
        operation_id="citizen_payment_list", responses={200: PaymentOutput(many=True), 404: NOT_FOUND}
    )
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        rows = [
            {
                "id": p.pk,
                "paid_on": p.paid_on,
                "amount": p.amount,
                "agent": p.agent.name,
                "channel": p.channel,
                "status": p.status,
                "status_label": p.get_status_display(),
                "bill_id": p.bill_id,
                "bill_reference": p.bill.reference if p.bill else None,
                "document_id": p.document_id,
            }
            for p in reads.payments_of(prop)
        ]
        return Response(PaymentOutput(rows, many=True).data)
