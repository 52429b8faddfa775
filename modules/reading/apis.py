"""Staff API of reading: readings one by one or as a collector's return file; the reading schedules
and their manual adjustments; the settings (consumption regulation, schedule settings, holidays)."""

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
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import NotFound, ValidationFailed
from modules.common.parsers import JSONObjectParser
from modules.registry.models import BillingGroup

from . import services
from .errors import ErrorCode
from .models import Holiday, Reading, ReadingRevision, ReadingSchedule
from .services import regulation as regulation_services
from .services import schedule as schedule_services


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


# ---- settings: the consumption regulation, the groups' schedule settings, holidays, adjustments ----


class RegulationVersionOut(serializers.Serializer):
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True, help_text="o dia antes do início da versão seguinte")
    act = serializers.CharField()
    locked = serializers.BooleanField(help_text="vigorou em referência faturada: não muda mais")
    billed_months = serializers.ListField(child=serializers.CharField(), help_text="AAAA-MM")
    average_months = serializers.IntegerField()
    average_rounding = serializers.CharField()
    deviation_months = serializers.IntegerField()
    high_percent = serializers.CharField()
    low_percent = serializers.CharField()
    check_min_average_m3 = serializers.IntegerField()
    rollover_window_percent = serializers.CharField()


def _version_json(version: regulation_services.Version) -> dict[str, Any]:
    return {
        "valid_from": version.valid_from.isoformat(),
        "valid_until": version.valid_until.isoformat() if version.valid_until else None,
        "act": version.act,
        "locked": version.locked,
        "billed_months": [str(m) for m in version.billed],
        **version.payload(),
    }


class RegulationVersionIn(serializers.Serializer):
    valid_from = serializers.DateField(help_text="primeiro dia do mês de referência em que passa a valer")
    act = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    average_months = serializers.IntegerField(required=False, help_text="meses da média faturada (1 a 24)")
    average_rounding = serializers.ChoiceField(choices=["down", "half_up"], required=False)
    deviation_months = serializers.IntegerField(
        required=False, help_text="meses da média da crítica (1 a 24)"
    )
    high_percent = serializers.DecimalField(max_digits=7, decimal_places=2, required=False)
    low_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    check_min_average_m3 = serializers.IntegerField(required=False, help_text="média mínima para a crítica")
    rollover_window_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)


class RemovalQuery(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RegulationRemovalQuery(RemovalQuery):
    valid_from = serializers.DateField(help_text="início da versão a excluir")


class HolidayRemovalQuery(RemovalQuery):
    date = serializers.DateField(help_text="data do feriado a excluir")


class ConsumptionRegulationApi(APIView):
    """The consumption regulation's versions, newest first; POST adds one from a month on (the
    parameters not given keep those in force then)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.consumption"

    @extend_schema(
        operation_id="consumption_regulation_list", responses={200: RegulationVersionOut(many=True)}
    )
    def get(self, request: Request) -> Response:
        return Response([_version_json(v) for v in regulation_services.regulation_versions()])

    @extend_schema(
        operation_id="consumption_regulation_create",
        request=RegulationVersionIn,
        responses={201: RegulationVersionOut},
    )
    def post(self, request: Request) -> Response:
        data = RegulationVersionIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = regulation_services.consumption_regulation_create(actor=request.user, **data.validated_data)
        version = next(v for v in regulation_services.regulation_versions() if v.id == row.pk)
        return Response(_version_json(version), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="consumption_regulation_remove",
        parameters=[RegulationRemovalQuery],
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        """Remove a version no billed month used (`?valid_from=2026-06-01&reason=…`)."""
        query = RegulationRemovalQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        regulation_services.consumption_regulation_remove(actor=request.user, **query.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScheduleSettingsIO(serializers.Serializer):
    group = serializers.IntegerField(help_text="código do grupo de faturamento")
    nominal_day = serializers.IntegerField(required=False, help_text="dia nominal de leitura (1 a 28)")
    margin_days = serializers.IntegerField(required=False, help_text="margem em dias (0 a 10)")
    route_business_days = serializers.IntegerField(required=False, help_text="dias úteis por rota (1 a 10)")
    batch_lead_business_days = serializers.IntegerField(
        required=False, help_text="carga gerada quantos dias úteis antes da leitura (0 a 10)"
    )
    billing_lag_business_days = serializers.IntegerField(
        required=False, help_text="faturamento quantos dias úteis após a última rota (0 a 10)"
    )
    due_calendar_days = serializers.IntegerField(
        required=False, help_text="dias corridos do faturamento ao vencimento (1 a 60)"
    )


def _settings_json(group: BillingGroup) -> dict[str, Any]:
    row = schedule_services.schedule_settings(group)
    return {"group": group.code, **{n: getattr(row, n) for n in schedule_services.SETTINGS_FIELDS}}


class ScheduleSettingsApi(APIView):
    """Every billing group's schedule settings (the defaults where none were set); PUT changes some
    of one group's (`{"group": 7, "due_calendar_days": 15}`), audited."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.schedule"

    @extend_schema(operation_id="schedule_settings_list", responses={200: ScheduleSettingsIO(many=True)})
    def get(self, request: Request) -> Response:
        return Response([_settings_json(g) for g in BillingGroup.objects.order_by("code")])

    @extend_schema(
        operation_id="schedule_settings_update",
        request=ScheduleSettingsIO,
        responses={200: ScheduleSettingsIO},
    )
    def put(self, request: Request) -> Response:
        data = ScheduleSettingsIO(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        group = BillingGroup.objects.filter(code=fields.pop("group")).first()
        if group is None:
            raise NotFound("Grupo de faturamento não cadastrado.", field="group", code=CommonCode.NOT_FOUND)
        schedule_services.schedule_settings_update(actor=request.user, group=group, **fields)
        return Response(_settings_json(group))


class HolidayIO(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField(max_length=120)


class HolidayListApi(APIView):
    """The utility's municipal holidays (national and state ones come from the calendar package)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.schedule"

    @extend_schema(operation_id="holidays_list", responses={200: HolidayIO(many=True)})
    def get(self, request: Request) -> Response:
        return Response(HolidayIO(Holiday.objects.order_by("date"), many=True).data)

    @extend_schema(operation_id="holiday_create", request=HolidayIO, responses={201: HolidayIO})
    def post(self, request: Request) -> Response:
        data = HolidayIO(data=request.data)
        data.is_valid(raise_exception=True)
        holiday = services.holiday_create(
            actor=request.user, day=data.validated_data["date"], name=data.validated_data["name"]
        )
        return Response(HolidayIO(holiday).data, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="holiday_remove", parameters=[HolidayRemovalQuery], responses={204: None})
    def delete(self, request: Request) -> Response:
        """Remove a municipal holiday (`?date=2026-01-20&reason=…`; the reason is audited)."""
        query = HolidayRemovalQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        services.holiday_remove(
            actor=request.user,
            day=query.validated_data["date"],
            reason=query.validated_data.get("reason", ""),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScheduleOut(serializers.ModelSerializer):
    group = serializers.IntegerField(source="group.code")
    reference = ReferenceField()

    class Meta:
        model = ReadingSchedule
        fields = [
            "id",
            "group",
            "reference",
            "reading_start",
            "reading_end",
            "billing_date",
            "due_date",
            "debit_date",
            "adjusted_by",
            "adjusted_at",
            "adjustment_reason",
        ]


class ScheduleListApi(APIView):
    """The groups' reading schedules (`?reference=2026-05&group=7`)."""

    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.schedule"

    @extend_schema(operation_id="reading_schedules_list", responses={200: ScheduleOut(many=True)})
    def get(self, request: Request) -> Response:
        qs = ReadingSchedule.objects.select_related("group").order_by("reference", "group__code")
        if request.query_params.get("reference"):
            try:
                qs = qs.filter(reference=YearMonth.parse(request.query_params["reference"]).first_day())
            except ValueError as exc:
                raise serializers.ValidationError({"reference": [str(exc)]}) from None
        if request.query_params.get("group"):
            qs = qs.filter(group__code=request.query_params["group"])
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ScheduleOut(page, many=True).data)


class ScheduleAdjustIn(serializers.Serializer):
    group = serializers.IntegerField(help_text="código do grupo de faturamento")
    reference = ReferenceField(help_text="mês de referência, AAAA-MM")
    reading_start = serializers.DateField(required=False)
    reading_end = serializers.DateField(required=False)
    billing_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)
    debit_date = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=300)


class ScheduleAdjustApi(APIView):
    """Move a month's reading, billing or due dates by hand, with the reason (audited); the month is
    named by its group's code and its reference."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.schedule"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(
        operation_id="reading_schedule_adjust", request=ScheduleAdjustIn, responses={200: ScheduleOut}
    )
    def post(self, request: Request) -> Response:
        data = ScheduleAdjustIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        group, month, reason = fields.pop("group"), fields.pop("reference"), fields.pop("reason")
        schedule = ReadingSchedule.objects.filter(group__code=group, reference=month.first_day()).first()
        if schedule is None:
            raise NotFound(
                f"Não há cronograma do grupo {group} para {month.label}.",
                field="reference",
                code=ErrorCode.NO_SCHEDULE,
            )
        row = schedule_services.schedule_adjust(
            actor=request.user, schedule=schedule, reason=reason, **fields
        )
        return Response(ScheduleOut(row).data)


class HolidayImportOut(serializers.Serializer):
    added = serializers.IntegerField()
    skipped = serializers.IntegerField()
    alert = serializers.CharField(help_text="em branco quando os feriados cobrem o cronograma")


class HolidayImportApi(APIView):
    """Municipal holidays from a file (`file`, or `text`): `data;nome` a line, all or nothing, a day
    already registered kept (S12.2-01). Answers the counts and the schedule's holiday alert."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.schedule"
    parser_classes: ClassVar[list[Any]] = [MultiPartParser, FormParser, JSONObjectParser]

    @extend_schema(
        operation_id="holidays_import", request=OpenApiTypes.OBJECT, responses={201: HolidayImportOut}
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        try:
            text = upload.read().decode("utf-8-sig") if upload else str(request.data.get("text", ""))
        except UnicodeDecodeError:
            raise ValidationFailed(
                "O arquivo de feriados deve ser texto UTF-8 (data;nome por linha).",
                field="file",
                code=CommonCode.INVALID,
            ) from None
        added, skipped = services.holidays_import(actor=request.user, text=text)
        body = {"added": added, "skipped": skipped, "alert": services.holiday_alert(tenant_today())}
        return Response(HolidayImportOut(body).data, status=status.HTTP_201_CREATED)
