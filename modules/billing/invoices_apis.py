"""Staff API of the invoice functions around a single bill (seed 001 3.2.13.9): the bill issued on
its own, early or after its group's run left it out, with `?preview=1` answering what the bill will
be and writing nothing."""

from __future__ import annotations

from typing import Any, ClassVar

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
