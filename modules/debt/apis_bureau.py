"""Staff API of the credit bureau listing (negativação): the policy, the preview and commit of a
listing, undo, the exchange with the bureau, return files, and a property's records."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.clock import tenant_today
from modules.common.errors import ValidationFailed

from . import selectors_bureau, services_bureau
from .errors import ErrorCode
from .models_bureau import BureauListing, BureauMovementLine, BureauPolicy, BureauRecord
from .selectors import property_get


def _as_of(raw: str | None) -> dt.date:
    if not raw:
        return tenant_today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(
            "Informe a data no formato AAAA-MM-DD.", field="as_of", code=ErrorCode.INVALID
        ) from exc


class BureauPolicyOut(serializers.ModelSerializer):
    min_debt = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = BureauPolicy
        fields = list(selectors_bureau.POLICY_FIELDS)


class BureauPolicyIn(serializers.Serializer):
    min_overdue_count = serializers.IntegerField(required=False)
    min_debt = serializers.CharField(required=False)
    min_days_overdue = serializers.IntegerField(required=False)
    group_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    neighbourhood_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    localities = serializers.ListField(child=serializers.IntegerField(), required=False)
    notice_days = serializers.IntegerField(required=False)
    exclusion_business_days = serializers.IntegerField(required=False)


class BureauPolicyApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.bureau"
    function_actions: ClassVar[dict[str, str]] = {"GET": "view", "PATCH": "change"}

    @extend_schema(responses={200: BureauPolicyOut})
    def get(self, request: Request) -> Response:
        return Response(BureauPolicyOut(selectors_bureau.bureau_policy()).data)

    @extend_schema(request=BureauPolicyIn, responses={200: BureauPolicyOut})
    def patch(self, request: Request) -> Response:
        data = BureauPolicyIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = services_bureau.bureau_policy_update(actor=request.user, **data.validated_data)
        return Response(BureauPolicyOut(row).data)


class CandidateOut(serializers.Serializer):
    property = serializers.IntegerField(source="property_id")
    document = serializers.CharField()
    bills = serializers.ListField(child=serializers.IntegerField(), source="bill_ids")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    oldest_due = serializers.DateField()


class PreviewOut(serializers.Serializer):
    as_of = serializers.DateField()
    count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    candidates = CandidateOut(many=True)


class BureauPreviewApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.bureau"

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str, required=False, description="AAAA-MM-DD")],
        responses={200: PreviewOut},
    )
    def get(self, request: Request) -> Response:
        """Simulate a listing: who would be notified and for how much. Writes nothing."""
        return Response(
            PreviewOut(selectors_bureau.bureau_preview(_as_of(request.query_params.get("as_of")))).data
        )


class ListingOut(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = BureauListing
        fields = [
            "id",
            "as_of",
            "status",
            "count",
            "amount",
            "policy",
            "created_by",
            "created_at",
            "undone_at",
        ]


class ListingIn(serializers.Serializer):
    as_of = serializers.DateField(required=False)


class BureauListingsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.bureau"
    function_actions: ClassVar[dict[str, str]] = {"GET": "view", "POST": "add"}

    @extend_schema(responses={200: ListingOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ListingOut(selectors_bureau.listings(), many=True).data)

    @extend_schema(request=ListingIn, responses={201: ListingOut})
    def post(self, request: Request) -> Response:
        """Commit the listing of `as_of` (default today): prior notices issued, inclusions sent by the
        daily exchange once the notice period has passed."""
        data = ListingIn(data=request.data)
        data.is_valid(raise_exception=True)
        listing = services_bureau.bureau_listing_commit(
            actor=request.user, as_of=data.validated_data.get("as_of") or tenant_today()
        )
        return Response(ListingOut(listing).data, status=status.HTTP_201_CREATED)


class BureauListingUndoApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.bureau"
    function_actions: ClassVar[dict[str, str]] = {"POST": "delete"}

    @extend_schema(request=None, responses={200: ListingOut})
    def post(self, request: Request, pk: int) -> Response:
        return Response(
            ListingOut(services_bureau.bureau_listing_undo(actor=request.user, listing_id=pk)).data
        )


class RunOut(serializers.Serializer):
    movement = serializers.IntegerField(allow_null=True)
    sent = serializers.ListField(child=serializers.IntegerField(), required=False)
    returned = serializers.ListField(child=serializers.IntegerField(), required=False)
    error = serializers.CharField(required=False)


class BureauRunApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.bureau"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ListingIn, responses={200: RunOut})
    def post(self, request: Request) -> Response:
        """Run the exchange now (the daily job does the same): movement, sending, returns."""
        data = ListingIn(data=request.data)
        data.is_valid(raise_exception=True)
        result = services_bureau.bureau_run(
            actor=request.user, as_of=data.validated_data.get("as_of") or tenant_today()
        )
        return Response(RunOut(result).data)


class ReturnIn(serializers.Serializer):
    content = serializers.CharField(trim_whitespace=False, max_length=2_000_000)


class ReturnOut(serializers.Serializer):
    movement = serializers.IntegerField(source="pk")
    status = serializers.CharField()


class BureauReturnApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.bureau"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ReturnIn, responses={200: ReturnOut})
    def post(self, request: Request) -> Response:
        """Apply a return file received outside the exchange (the bureau's portal)."""
        data = ReturnIn(data=request.data)
        data.is_valid(raise_exception=True)
        movement = services_bureau.bureau_return_process(
            actor=request.user, content=data.validated_data["content"]
        )
        return Response(ReturnOut(movement).data)


class LineOut(serializers.ModelSerializer):
    movement = serializers.IntegerField(source="movement_id")
    sent_at = serializers.DateTimeField(source="movement.sent_at", allow_null=True)

    class Meta:
        model = BureauMovementLine
        fields = ["movement", "line", "kind", "result", "protocol", "reason", "sent_at"]


class RecordOut(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    lines = LineOut(many=True)

    class Meta:
        model = BureauRecord
        fields = [
            "id",
            "listing",
            "status",
            "amount",
            "bill_ids",
            "oldest_due",
            "notified_on",
            "listable_on",
            "settled_on",
            "exclusion_due",
            "protocol",
            "reason",
            "lines",
        ]


class PropertyBureauApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.bureau"

    @extend_schema(responses={200: RecordOut(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """Every listing record of the property with its movement lines and the bureau's answers."""
        property_get(pk)
        return Response(RecordOut(selectors_bureau.property_records(pk), many=True).data)
