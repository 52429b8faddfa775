"""Staff API of payment exceptions (ADR 0236) and of the monthly closing (ADR 0237)."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import PageNumberPagination

from . import closing as closing_service
from . import exceptions as ex
from .apis import PaymentOut
from .models import CollectionClosing, Payment, PaymentAdjustment


class AttachIn(serializers.Serializer):
    bill = serializers.IntegerField()
    reason = serializers.CharField()
    difference = serializers.ChoiceField(choices=["adjust", "absorb"], required=False, default="adjust")


class CreditIn(serializers.Serializer):
    reason = serializers.CharField()
    property = serializers.IntegerField(required=False, allow_null=True, default=None)


class TransferIn(AttachIn):
    pass


class DepositIn(serializers.Serializer):
    agent = serializers.CharField(help_text="código do banco")
    deposited_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    barcode = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class AdjustmentOut(serializers.ModelSerializer):
    class Meta:
        model = PaymentAdjustment
        fields = ["id", "property", "payment", "kind", "cause", "amount", "description", "created_at"]


class ClosingOut(serializers.ModelSerializer):
    class Meta:
        model = CollectionClosing
        fields = [
            "id",
            "month",
            "status",
            "scheduled_for",
            "closed_at",
            "billed",
            "collected",
            "outstanding",
            "payments_amount",
            "bank_difference",
            "corrections_amount",
            "digest",
            "figures",
        ]


class ClosingIn(serializers.Serializer):
    month = serializers.CharField(help_text="AAAA-MM")
    run_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="agendar; vazio: agora"
    )


class _Change(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}


class PaymentAttachApi(_Change):
    @extend_schema(request=AttachIn, responses={200: PaymentOut})
    def post(self, request: Request, pk: int) -> Response:
        data = AttachIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        payment = ex.payment_attach(
            actor=request.user,
            payment_id=pk,
            bill_id=v["bill"],
            reason=v["reason"],
            difference=v["difference"],
        )
        return Response(PaymentOut(payment).data)


class PaymentCreditApi(_Change):
    @extend_schema(request=CreditIn, responses={200: PaymentOut})
    def post(self, request: Request, pk: int) -> Response:
        data = CreditIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        payment = ex.payment_credit(
            actor=request.user, payment_id=pk, reason=v["reason"], property_id=v["property"]
        )
        return Response(PaymentOut(payment).data)


class PaymentTransferApi(_Change):
    @extend_schema(request=TransferIn, responses={200: PaymentOut})
    def post(self, request: Request, pk: int) -> Response:
        data = TransferIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        transfer = ex.payment_transfer(
            actor=request.user,
            payment_id=pk,
            bill_id=v["bill"],
            reason=v["reason"],
            difference=v["difference"],
        )
        return Response(PaymentOut(transfer.payment).data)


class DepositsApi(APIView):
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"

    @extend_schema(
        operation_id="collection_deposits_list",
        parameters=[OpenApiParameter("status", str, description="unidentified: só os não identificados")],
        responses={200: PaymentOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        qs = Payment.objects.select_related("agent", "property").filter(channel=Payment.Channel.DEPOSIT)
        if request.query_params.get("status") == "unidentified":
            qs = qs.filter(status=Payment.Status.REVIEW, review_reason=Payment.Review.UNKNOWN)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs.order_by("-paid_on", "-id"), request, view=self)
        return paginator.get_paginated_response(PaymentOut(page, many=True).data)

    @extend_schema(request=DepositIn, responses={201: PaymentOut})
    def post(self, request: Request) -> Response:
        data = DepositIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        payment = ex.deposit_register(
            actor=request.user, agent_code=v["agent"], deposited_on=v["deposited_on"], amount=v["amount"],
            barcode=v["barcode"], reference=v["reference"],
        )  # fmt: skip
        return Response(PaymentOut(payment).data, status=status.HTTP_201_CREATED)


class AdjustmentsApi(APIView):
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"

    @extend_schema(parameters=[OpenApiParameter("property", int)], responses={200: AdjustmentOut(many=True)})
    def get(self, request: Request) -> Response:
        qs = PaymentAdjustment.objects.all()
        prop = request.query_params.get("property", "")
        if prop.isdigit():
            qs = qs.filter(property_id=int(prop))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AdjustmentOut(page, many=True).data)


class ClosingsApi(APIView):
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.closing"

    @extend_schema(responses={200: ClosingOut(many=True)})
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(CollectionClosing.objects.all(), request, view=self)
        return paginator.get_paginated_response(ClosingOut(page, many=True).data)

    @extend_schema(request=ClosingIn, responses={201: ClosingOut})
    def post(self, request: Request) -> Response:
        data = ClosingIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["run_at"] is not None:
            closing = closing_service.closing_schedule(
                actor=request.user, month=v["month"], run_at=v["run_at"]
            )
        else:
            closing = closing_service.closing_run(actor=request.user, month=v["month"])
        return Response(ClosingOut(closing).data, status=status.HTTP_201_CREATED)


class ClosingApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.closing"

    @extend_schema(responses={200: ClosingOut})
    def get(self, request: Request, month: str) -> Response:
        return Response(ClosingOut(closing_service.closing_get(month)).data)
