"""Staff API of the invoice functions around a single bill (seed 001 3.2.13.9): the bill issued on
its own, early or after its group's run left it out, with `?preview=1` answering what the bill will
be and writing nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import YearMonthField

from .apis import BillOut
from .services import single


class SingleIssueIn(serializers.Serializer):
    property = serializers.IntegerField(help_text="id do imóvel")
    reference = YearMonthField()
    kind = serializers.ChoiceField(
        choices=[(single.EARLY, "antecipada"), (single.MISSED, "não gerada pelo faturamento do grupo")]
    )
    reason = serializers.CharField(max_length=500)


class BillIssueSingleApi(APIView):
    """POST /api/v1/bills/issue: one property's bill of a month, outside its group's run."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bills"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=SingleIssueIn, responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = SingleIssueIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        outcome = single.bill_issue_single(
            actor=request.user,
            property_id=d["property"],
            reference=d["reference"],
            kind=d["kind"],
            reason=d["reason"],
            preview=request.query_params.get("preview") in ("1", "true"),
        )
        if outcome.bill is None:
            return Response({"preview": True, "kind": outcome.kind, "bill": outcome.bill_state.as_json()})
        return Response({**BillOut(outcome.bill).data, "kind": outcome.kind}, status=status.HTTP_201_CREATED)


class SecondCopyIn(serializers.Serializer):
    waive_fee = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BillSecondCopyApi(APIView):
    """POST /api/v1/bills/{id}/second-copy: the 2ª via (the stored PDF), recorded with its fee."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bills"

    @extend_schema(request=SecondCopyIn, responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def post(self, request: Request, pk: int) -> HttpResponse:
        from .legal import may_override
        from .models import Bill
        from .pdf import bill_pdf
        from .services.second_copy import bill_second_copy

        data = SecondCopyIn(data=request.data)
        data.is_valid(raise_exception=True)
        bill = get_object_or_404(Bill, pk=pk)
        user: Any = request.user
        bill_second_copy(
            actor=user,
            bill_id=bill.pk,
            may_print_any=user.can("billing.second_copy_all"),
            may_waive=user.can("billing.second_copy_fee_waive"),
            may_override_legal=may_override(user),
            waive_fee=data.validated_data["waive_fee"],
            reason=data.validated_data["reason"],
        )
        response = HttpResponse(bill_pdf(bill), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="fatura-{bill.pk}-2a-via.pdf"'
        return response


class SecondCopyFeeIn(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0"))
    valid_from = serializers.DateField()


class SecondCopyFeeApi(APIView):
    """GET/POST /api/v1/billing/second-copy-fee: the fee in force and its versions; a new version."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.settings"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        from modules.common.clock import tenant_today

        from .models import SecondCopyFeeVersion
        from .services.second_copy import fee_in_force

        return Response(
            {
                "in_force": str(fee_in_force(tenant_today())),
                "versions": [
                    {"valid_from": v.valid_from.isoformat(), "amount": str(v.amount), "by": v.created_by}
                    for v in SecondCopyFeeVersion.objects.all()
                ],
            }
        )

    @extend_schema(request=SecondCopyFeeIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        from .services.second_copy import second_copy_fee_set

        data = SecondCopyFeeIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = second_copy_fee_set(actor=request.user, **data.validated_data)
        return Response(
            {"valid_from": row.valid_from.isoformat(), "amount": str(row.amount)},
            status=status.HTTP_201_CREATED,
        )
