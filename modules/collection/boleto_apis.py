"""Staff API of registered boletos (CNAB 240, ADR 0216): issue and send a remittance, read its file,
ask a write-off. Returns come through `POST /api/v1/collection/return-files` like every bank file."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import PageNumberPagination
from modules.common.errors import NotFound

from . import boletos as bol
from .errors import ErrorCode
from .models import BoletoFile, Payment, RegisteredBoleto

FUNCTION = "collection.direct_debit"  # the bank-file function (agreements, remittances, returns)


class BoletoFileOut(serializers.ModelSerializer):
    agreement = serializers.CharField(source="agreement.code")

    class Meta:
        model = BoletoFile
        fields = [
            "id",
            "agreement",
            "direction",
            "sequence",
            "generated_on",
            "filename",
            "title_count",
            "total",
            "summary",
            "created_by",
            "created_at",
        ]


class BoletoRemittanceIn(serializers.Serializer):
    agreement = serializers.CharField(help_text="convênio de cobrança registrada")
    due_until = serializers.DateField(help_text="emite boletos para as contas que vencem até esta data")


class RegisteredBoletoOut(serializers.ModelSerializer):
    agreement = serializers.CharField(source="agreement.code")

    class Meta:
        model = RegisteredBoleto
        fields = [
            "id",
            "agreement",
            "bill",
            "our_number",
            "due_date",
            "amount",
            "barcode",
            "typeable_line",
            "status",
            "pending",
            "reasons",
        ]


class BoletoReasonIn(serializers.Serializer):
    reason = serializers.CharField()


class BoletoRemittancesApi(APIView):
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(
        operation_id="collection_boleto_remittances_list", responses={200: BoletoFileOut(many=True)}
    )
    def get(self, request: Request) -> Response:
        qs = BoletoFile.objects.select_related("agreement").order_by("-created_at")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(BoletoFileOut(page, many=True).data)

    @extend_schema(
        operation_id="collection_boleto_remittances_create",
        request=BoletoRemittanceIn,
        responses={201: BoletoFileOut},
    )
    def post(self, request: Request) -> Response:
        data = BoletoRemittanceIn(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data["agreement"]
        bol.boletos_issue(actor=request.user, agreement_code=code, due_until=data.validated_data["due_until"])
        sent = bol.boleto_remittance_send(actor=request.user, agreement_code=code)
        return Response(BoletoFileOut(sent).data, status=status.HTTP_201_CREATED)


class BoletoRemittanceFileApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(
        operation_id="collection_boleto_remittance_file", responses={(200, "text/plain"): OpenApiTypes.STR}
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        sent = BoletoFile.objects.filter(pk=pk).first()
        if sent is None:
            raise NotFound("Arquivo CNAB não encontrado.", code=ErrorCode.REMITTANCE_NOT_FOUND)
        response = HttpResponse(sent.content.encode("latin-1"), content_type="text/plain; charset=latin-1")
        response["Content-Disposition"] = f'attachment; filename="{sent.filename or f"cnab-{sent.pk}.txt"}"'
        return response


class BoletoWriteOffApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(
        operation_id="collection_boleto_write_off",
        request=BoletoReasonIn,
        responses={200: RegisteredBoletoOut},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = BoletoReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        boleto = bol.boleto_write_off_request(
            actor=request.user, boleto_id=pk, reason=data.validated_data["reason"]
        )
        return Response(RegisteredBoletoOut(boleto).data)


class PixReceiptsIn(serializers.Serializer):
    pix = serializers.ListField(
        child=serializers.DictField(),
        help_text="os recebimentos, como no webhook da API Pix do BACEN: endToEndId, txid, valor, horario",
    )


class PixPaymentOut(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = [
            "id",
            "status",
            "review_reason",
            "review_detail",
            "bill",
            "amount",
            "paid_on",
            "authentication",
        ]


class PixReceiptsApi(APIView):
    """The bank's PIX receipts (the BACEN Pix API webhook body), reconciled with the bills by txid."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.return_files"

    @extend_schema(
        operation_id="collection_pix_receipts_import",
        request=PixReceiptsIn,
        responses={201: PixPaymentOut(many=True)},
    )
    def post(self, request: Request) -> Response:
        from .pix_bill import pix_receipts_import

        payments = pix_receipts_import(actor=request.user, payload=request.data)
        return Response(PixPaymentOut(payments, many=True).data, status=status.HTTP_201_CREATED)
