"""Staff API of reading: readings one by one or as a collector's return file."""

from __future__ import annotations

from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import PageNumberPagination
from modules.common.domain.dates import YearMonth
from modules.common.parsers import JSONObjectParser

from . import services
from .models import Reading, ReadingRevision


class ReferenceField(serializers.CharField):
    def to_internal_value(self, data: Any) -> YearMonth:
        try:
            return YearMonth.parse(str(data))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value: Any) -> str:
        return f"{value:%Y-%m}" if hasattr(value, "strftime") else str(value)


class ReadingIn(serializers.Serializer):
    account_number = serializers.CharField(max_length=12)
    reference = ReferenceField()
    read_on = serializers.DateField()
    value = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    occurrence = serializers.CharField(max_length=10, required=False, allow_blank=True)


class ReadingRevisionOut(serializers.ModelSerializer):
    class Meta:
        model = ReadingRevision
        fields = [
            "revision",
            "read_on",
            "value",
            "occurrence_code",
            "consumption_kind",
            "consumption_m3",
            "flags",
            "source",
            "recorded_by",
            "recorded_at",
            "replaced_by",
            "replaced_at",
            "reason",
        ]


class ReadingOut(serializers.ModelSerializer):
    account_number = serializers.CharField(source="property.account_number")
    reference = ReferenceField()
    occurrence = serializers.CharField(source="occurrence.code", default="")

    class Meta:
        model = Reading
        fields = [
            "id",
            "account_number",
            "reference",
            "read_on",
            "previous_value",
            "value",
            "occurrence",
            "consumption_kind",
            "consumption_m3",
            "average_m3",
            "flags",
            "review",
        ]


class ReadingDetailOut(ReadingOut):
    """One reading with what it was before each correction, the collector's first."""

    revisions = serializers.SerializerMethodField()

    class Meta(ReadingOut.Meta):
        fields = [*ReadingOut.Meta.fields, "revisions"]

    @extend_schema_field(ReadingRevisionOut(many=True))
    def get_revisions(self, obj: Reading) -> list[dict[str, Any]]:
        rows = ReadingRevision.objects.filter(property_id=obj.property_id, reference=obj.reference)
        return list(ReadingRevisionOut(rows, many=True).data)


class ReadingFileApi(APIView):
    """A collector's return file (CSV `account_number;reference;read_on;value;occurrence`)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.readings"
    parser_classes: ClassVar[list[Any]] = [MultiPartParser, FormParser, JSONObjectParser]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        text = upload.read().decode("utf-8-sig") if upload else str(request.data.get("text", ""))
        report = services.readings_import(actor=request.user, text=text)
        return Response(
            {"created": report.created, "unchanged": report.unchanged, "errors": report.errors},
            status=status.HTTP_200_OK,
        )


class ReadingListApi(APIView):
    """Readings of a month, e.g. those waiting for review (`?review=pending&reference=2025-05`)."""

    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = PageNumberPagination

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.readings"

    @extend_schema(operation_id="readings_list", responses={200: ReadingOut(many=True)})
    def get(self, request: Request) -> Response:
        qs = Reading.objects.select_related("property", "occurrence").order_by("property_id")
        if request.query_params.get("review"):
            qs = qs.filter(review=request.query_params["review"])
        if request.query_params.get("reference"):
            try:
                qs = qs.filter(reference=YearMonth.parse(request.query_params["reference"]).first_day())
            except ValueError as exc:
                raise serializers.ValidationError({"reference": [str(exc)]}) from None
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ReadingOut(page, many=True).data)

    @extend_schema(request=ReadingIn, responses={201: ReadingOut})
    def post(self, request: Request) -> Response:
        data = ReadingIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        reading = services.reading_register(
            actor=request.user,
            data=services.ReadingInput(
                v["account_number"], v["reference"], v["read_on"], v.get("value"), v.get("occurrence", "")
            ),
        )
        return Response(ReadingOut(reading).data, status=status.HTTP_201_CREATED)


class ReviewIn(serializers.Serializer):
    value = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReadingReviewApi(APIView):
    """Accept a flagged reading, or correct its value (consumption determined again)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.readings"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ReviewIn, responses={200: ReadingDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        reading = services.reading_review(
            actor=request.user,
            reading=get_object_or_404(Reading, pk=pk),
            value=data.validated_data.get("value"),
            reason=data.validated_data.get("reason", ""),
        )
        return Response(ReadingDetailOut(reading).data)
