"""Staff API of collection: return files, counter receipts, search, review queue, reversal,
settlement report, late-charge what-if, gateway charges."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FileUploadParser, FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import PageNumberPagination
from modules.common.errors import ValidationFailed
from modules.common.parsers import JSONObjectParser

from . import selectors, services
from .domain.late_charges import what_if
from .errors import ErrorCode
from .models import Payment, ReturnFile
from .policies import late_charge_rule


class ReturnFileOut(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.code")

    class Meta:
        model = ReturnFile
        fields = [
            "id",
            "agent",
            "filename",
            "sha256",
            "sequence",
            "generated_on",
            "record_count",
            "total",
            "fee_total",
            "payment_count",
            "applied_count",
            "review_count",
            "warnings",
            "uploaded_by",
            "created_at",
        ]


class PaymentOut(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.code")
    account_number = serializers.CharField(source="property.account_number", default=None)

    class Meta:
        model = Payment
        fields = [
            "id",
            "agent",
            "channel",
            "status",
            "review_reason",
            "review_detail",
            "bill",
            "document",
            "property",
            "account_number",
            "barcode",
            "amount",
            "fee",
            "paid_on",
            "credited_on",
            "return_file",
            "line",
            "authentication",
            "resolution",
            "created_at",
        ]


class ReturnFilesApi(APIView):
    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.return_files"
    parser_classes: ClassVar[list[Any]] = [MultiPartParser, FormParser, FileUploadParser]

    @extend_schema(responses={200: ReturnFileOut(many=True)})
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.return_file_list(), request, view=self)
        return paginator.get_paginated_response(ReturnFileOut(page, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: ReturnFileOut},
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                "Envie o arquivo retorno no campo 'file'.", field="file", code=ErrorCode.INVALID
            )
        rf = services.bank_file_import(actor=request.user, data=upload.read(), filename=upload.name or "")
        if isinstance(rf, ReturnFile):
            return Response(ReturnFileOut(rf).data, status=status.HTTP_201_CREATED)
        from .models import BoletoFile

        if isinstance(rf, BoletoFile):  # a CNAB 240 return of registered boletos (ADR 0216)
            from .boleto_apis import BoletoFileOut

            return Response(BoletoFileOut(rf).data, status=status.HTTP_201_CREATED)
        # a direct-debit return (B and F records, ADR 0235)
        from .direct_debit_apis import DebitReturnOut

        return Response(DebitReturnOut(rf).data, status=status.HTTP_201_CREATED)


class CounterIn(serializers.Serializer):
    barcode = serializers.CharField(help_text="44 dígitos do código de barras ou 48 da linha digitável")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    paid_on = serializers.DateField()
    authentication = serializers.CharField(required=False, allow_blank=True, default="")


class PaymentsApi(APIView):
    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"

    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter("status", str)],
        responses={200: PaymentOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.payment_list(
            q=request.query_params.get("q", ""), status=request.query_params.get("status", "")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(PaymentOut(page, many=True).data)

    @extend_schema(request=CounterIn, responses={201: PaymentOut})
    def post(self, request: Request) -> Response:
        data = CounterIn(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_register(actor=request.user, **data.validated_data)
        return Response(PaymentOut(payment).data, status=status.HTTP_201_CREATED)


class PaymentReasonIn(serializers.Serializer):
    reason = serializers.CharField()
    action = serializers.ChoiceField(choices=["apply", "refund"], required=False)


class PaymentReverseApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=PaymentReasonIn, responses={200: PaymentOut})
    def post(self, request: Request, pk: int) -> Response:
        data = PaymentReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_reverse(
            actor=request.user, payment_id=pk, reason=data.validated_data["reason"]
        )
        return Response(PaymentOut(payment).data)


class PaymentResolveApi(PaymentReverseApi):
    @extend_schema(request=PaymentReasonIn, responses={200: PaymentOut})
    def post(self, request: Request, pk: int) -> Response:
        data = PaymentReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_review_resolve(
            actor=request.user,
            payment_id=pk,
            action=data.validated_data.get("action", ""),
            reason=data.validated_data["reason"],
        )
        return Response(PaymentOut(payment).data)


class ReviewQueueApi(PaymentsApi):
    @extend_schema(responses={200: PaymentOut(many=True)})
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.review_queue(), request, view=self)
        return paginator.get_paginated_response(PaymentOut(page, many=True).data)


class SettlementApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"

    @extend_schema(
        parameters=[OpenApiParameter("date", str, description="AAAA-MM-DD (data do crédito)")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        try:
            day = dt.date.fromisoformat(request.query_params.get("date", ""))
        except ValueError as exc:
            raise ValidationFailed(
                "Informe a data no formato AAAA-MM-DD.", field="date", code=ErrorCode.INVALID
            ) from exc
        rows = selectors.settlement_report(day)
        return Response(
            {
                "date": day,
                "agents": [
                    {**r, **{k: str(r[k]) for k in ("amount", "fees", "net", "applied_amount")}} for r in rows
                ],
            }
        )


class LateChargesSimulateApi(APIView):
    """What-if of the late charges of an amount paid late: fine, rounding and the interest base are the
    tenant's policy in force on the payment day. Explicit `monthly_rates` override the tenant's series;
    without them each month takes the registered rate, or the provisional one while it is not
    registered (each month says which)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"
    function_actions: ClassVar[dict[str, str]] = {"POST": "view"}
    parser_classes: ClassVar[list[Any]] = [JSONObjectParser]

    @extend_schema(request={"application/json": {"type": "object"}}, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        paid_on = data.get("paid_on")
        try:
            day = dt.date.fromisoformat(paid_on) if isinstance(paid_on, str) else None
        except ValueError:
            day = None
        if day is None:
            return Response(what_if(data))
        rule = late_charge_rule(day)
        return Response(
            what_if(
                data,
                rule.policy,
                interest_series=rule.interest_series,
                correction_series=rule.correction_series,
            )
        )
