"""Staff API of hydrometry: meters, batches, install / remove / swap, calibrations, expiry list, the
metering policy."""

from __future__ import annotations

from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import PageNumberPagination
from modules.common.clock import tenant_today
from modules.common.errors import ValidationFailed
from modules.common.parsers import JSONObjectParser
from modules.registry.models import ServiceConnection

from . import selectors, services
from .domain import meters as rules
from .errors import ErrorCode
from .models import Calibration, Installation, Meter, Movement
from .services import policy as policy_services


class MeterIn(serializers.Serializer):
    number = serializers.CharField(max_length=20)
    manufacturer = serializers.CharField(max_length=60)
    model = serializers.CharField(max_length=60, required=False, allow_blank=True)
    capacity = serializers.DecimalField(max_digits=6, decimal_places=2)
    diameter_mm = serializers.IntegerField(min_value=1)
    metrological_class = serializers.CharField(max_length=1)
    manufacture_year = serializers.IntegerField()
    dials = serializers.IntegerField(required=False, min_value=3, max_value=9)
    min_flow = serializers.DecimalField(max_digits=8, decimal_places=3, required=False, allow_null=True)
    max_flow = serializers.DecimalField(max_digits=8, decimal_places=3, required=False, allow_null=True)
    jet = serializers.ChoiceField(choices=[("single", "Unijato"), ("multi", "Multijato")], required=False)
    mechanism = serializers.ChoiceField(
        choices=[("mechanical", "Mecânica"), ("magnetic", "Magnética")], required=False
    )
    acquired_on = serializers.DateField(required=False, allow_null=True)
    invoice_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    calibrated_on = serializers.DateField(required=False, allow_null=True)


class BatchIn(MeterIn):
    number = None  # type: ignore[assignment]
    first = serializers.CharField(max_length=20)
    last = serializers.CharField(max_length=20)


class MeterOut(serializers.ModelSerializer):
    class Meta:
        model = Meter
        fields = "__all__"


class InstallationOut(serializers.ModelSerializer):
    meter_number = serializers.CharField(source="meter.number")
    account_number = serializers.CharField(source="connection.property.account_number")

    class Meta:
        model = Installation
        fields = "__all__"


class MovementOut(serializers.ModelSerializer):
    class Meta:
        model = Movement
        fields = ["id", "status_from", "status_to", "on", "reason", "installation", "actor", "at"]


class CalibrationOut(serializers.ModelSerializer):
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Calibration
        fields = "__all__"

    def get_photos(self, obj: Calibration) -> list[str]:
        return [p.image.name for p in obj.photos.all()]


class MeterDetailOut(MeterOut):
    installations = serializers.SerializerMethodField()
    movements = MovementOut(many=True, read_only=True)
    calibrations = CalibrationOut(many=True, read_only=True)

    def get_installations(self, obj: Meter) -> list[dict[str, Any]]:
        qs = obj.installations.select_related("meter", "connection__property")
        return InstallationOut(qs, many=True).data  # type: ignore[no-any-return]


class MeterListCreateApi(APIView):
    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "metering.meters"

    @extend_schema(
        parameters=[OpenApiParameter("status", str), OpenApiParameter("number", str, description="prefixo")],
        responses={200: MeterOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.meter_list(
            status=request.query_params.get("status", ""), number=request.query_params.get("number", "")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(MeterOut(page, many=True).data)

    @extend_schema(request=MeterIn, responses={201: MeterOut})
    def post(self, request: Request) -> Response:
        data = MeterIn(data=request.data)
        data.is_valid(raise_exception=True)
        meter = services.meter_create(actor=request.user, **data.validated_data)
        return Response(MeterOut(meter).data, status=status.HTTP_201_CREATED)


class BatchOut(serializers.Serializer):
    count = serializers.IntegerField()
    first = serializers.CharField()
    last = serializers.CharField()


class MeterBatchApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "metering.meters"

    @extend_schema(request=BatchIn, responses={201: BatchOut})
    def post(self, request: Request) -> Response:
        data = BatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        meters = services.meter_batch_create(actor=request.user, **data.validated_data)
        return Response(
            {"count": len(meters), "first": meters[0].number, "last": meters[-1].number},
            status=status.HTTP_201_CREATED,
        )


class MeterDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "metering.meters"

    @extend_schema(responses={200: MeterDetailOut})
    def get(self, request: Request, pk: int) -> Response:
        meter = get_object_or_404(Meter.objects.prefetch_related("movements", "calibrations__photos"), pk=pk)
        return Response(MeterDetailOut(meter).data)


class StatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(rules.STATUSES.items()))
    on = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MeterStatusApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "metering.meters"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=StatusIn, responses={200: MeterOut})
    def post(self, request: Request, pk: int) -> Response:
        meter = get_object_or_404(Meter, pk=pk)
        data = StatusIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            MeterOut(
                services.meter_change_status(actor=request.user, meter=meter, **data.validated_data)
            ).data
        )


def _meter_by_number(number: str) -> Meter:
    meter = Meter.objects.filter(number=rules.normalize_meter_number(number)).first()
    if meter is None:
        raise ValidationFailed(
            f"Hidrômetro {number} não encontrado.", field="meter", code=ErrorCode.METER_NOT_FOUND
        )
    return meter


class InstallIn(serializers.Serializer):
    meter = serializers.CharField(
        max_length=20, help_text="número do hidrômetro (leitor de código de barras)"
    )
    installed_on = serializers.DateField()
    initial_reading = serializers.IntegerField()
    seal = serializers.CharField(max_length=30, required=False, allow_blank=True)
    activate = serializers.BooleanField(required=False, default=False)


class RemoveIn(serializers.Serializer):
    removed_on = serializers.DateField()
    final_reading = serializers.IntegerField()
    destination = serializers.ChoiceField(
        choices=[(d, rules.STATUSES[d]) for d in rules.REMOVAL_DESTINATIONS]
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SwapIn(serializers.Serializer):
    new_meter = serializers.CharField(max_length=20)
    on = serializers.DateField()
    final_reading = serializers.IntegerField()
    initial_reading = serializers.IntegerField()
    destination = serializers.ChoiceField(
        choices=[(d, rules.STATUSES[d]) for d in rules.REMOVAL_DESTINATIONS]
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    seal = serializers.CharField(max_length=30, required=False, allow_blank=True)


class _ConnectionEventApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "metering.events"

    def connection_obj(self, pk: int) -> ServiceConnection:
        return get_object_or_404(ServiceConnection, pk=pk)


class MeterInstallApi(_ConnectionEventApi):
    @extend_schema(request=InstallIn, responses={201: InstallationOut})
    def post(self, request: Request, pk: int) -> Response:
        connection_obj = self.connection_obj(pk)  # the path's object first: 404 before any field error
        data = InstallIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meter = _meter_by_number(values.pop("meter"))
        inst = services.meter_install(
            actor=request.user, meter=meter, connection_obj=connection_obj, **values
        )
        return Response(InstallationOut(inst).data, status=status.HTTP_201_CREATED)


class MeterRemoveApi(_ConnectionEventApi):
    @extend_schema(request=RemoveIn, responses={200: InstallationOut})
    def post(self, request: Request, pk: int) -> Response:
        data = RemoveIn(data=request.data)
        data.is_valid(raise_exception=True)
        inst = services.meter_remove(
            actor=request.user, connection_obj=self.connection_obj(pk), **data.validated_data
        )
        return Response(InstallationOut(inst).data)


class MeterSwapApi(_ConnectionEventApi):
    @extend_schema(request=SwapIn, responses={201: InstallationOut(many=True)})
    def post(self, request: Request, pk: int) -> Response:
        connection_obj = self.connection_obj(pk)  # the path's object first: 404 before any field error
        data = SwapIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        new_meter = _meter_by_number(values.pop("new_meter"))
        old, new = services.meter_swap(
            actor=request.user, connection_obj=connection_obj, new_meter=new_meter, **values
        )
        return Response(InstallationOut([old, new], many=True).data, status=status.HTTP_201_CREATED)


class ConnectionMetersApi(_ConnectionEventApi):
    @extend_schema(responses={200: InstallationOut(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        sc = self.connection_obj(pk)
        qs = selectors.installation_history(connection_id=sc.pk).select_related("connection__property")
        return Response(InstallationOut(qs, many=True).data)


class CalibrationIn(serializers.Serializer):
    on = serializers.DateField()
    requester = serializers.ChoiceField(choices=Calibration.Requester.choices)
    result = serializers.ChoiceField(choices=Calibration.Result.choices)
    error_qmin = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    error_qt = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    error_qmax = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    laboratory = serializers.CharField(max_length=120, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class CalibrationApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "metering.calibrations"
    parser_classes: ClassVar[list[Any]] = [MultiPartParser, FormParser, JSONObjectParser]

    @extend_schema(request=CalibrationIn, responses={201: CalibrationOut})
    def post(self, request: Request, pk: int) -> Response:
        meter = get_object_or_404(Meter, pk=pk)
        data = CalibrationIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        photos = [f.read() for f in values.pop("photos", [])]
        cal = services.calibration_record(actor=request.user, meter=meter, photos=photos, **values)
        return Response(CalibrationOut(cal).data, status=status.HTTP_201_CREATED)


class MetersExpiringApi(APIView):
    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "metering.meters"

    @extend_schema(responses={200: MeterOut(many=True)})
    def get(self, request: Request) -> Response:
        qs = selectors.meters_expiring(as_of=tenant_today())
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(MeterOut(page, many=True).data)


class MeteringPolicyIO(serializers.Serializer):
    validity_years = serializers.IntegerField(required=False, help_text="validade da aferição (anos, 1 a 10)")
    alert_days = serializers.IntegerField(
        required=False, help_text="antecedência do alerta de vencimento (dias, 0 a 365)"
    )
    photo_max_px = serializers.IntegerField(
        required=False, help_text="maior lado da foto de aferição guardada (pixels, 640 a 4000)"
    )
    photo_quality = serializers.IntegerField(
        required=False, help_text="qualidade JPEG da foto guardada (%, 50 a 95)"
    )


def _policy_json(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in policy_services.POLICY_FIELDS}


class MeteringPolicyApi(APIView):
    """The utility's metering policy: read by whoever sees it, changed (audited) by whoever may."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "metering.policy"

    @extend_schema(operation_id="metering_policy_read", responses={200: MeteringPolicyIO})
    def get(self, request: Request) -> Response:
        return Response(_policy_json(policy_services.metering_policy()))

    @extend_schema(
        operation_id="metering_policy_update", request=MeteringPolicyIO, responses={200: MeteringPolicyIO}
    )
    def put(self, request: Request) -> Response:
        data = MeteringPolicyIO(data=request.data)
        data.is_valid(raise_exception=True)
        row = policy_services.metering_policy_update(actor=request.user, **data.validated_data)
        return Response(_policy_json(row))
