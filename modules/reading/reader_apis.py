"""API of the reader's phone app (ADR 0227): who is signed in and the routes they hold; the app's
settings (on-site billing, paper, automatic upload) for the back office."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.errors import NotFound

from . import selectors_reader as sel
from .batches_apis import batch_get
from .errors import ErrorCode
from .models import ReaderAppSettings
from .services import batches as batches_svc
from .services import sync
from .services.reader_app import batch_route_order, reader_app_settings_update


class ReaderMeApi(APIView):
    """The signed-in reader: employee number, name, whether they may open the phone's administrator
    panel, and the open batches' routes handed to them (with each route's package address)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.field"

    @extend_schema(operation_id="reading_me_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        reader = sel.reader_of(request.user.pk)
        if reader is None:
            raise NotFound(
                "Seu usuário não está cadastrado como leiturista ativo.",
                field="reader",
                code=ErrorCode.READER_CANNOT_READ,
            )
        return Response(
            {
                "employee_number": reader.employee_number,
                "name": getattr(request.user, "full_name", "") or request.user.get_username(),
                "reads": reader.reads,
                "admin": bool(request.user.can("reading.batches", "change")),
                "routes": sel.reader_routes(reader),
            }
        )


class ReaderAppSettingsIn(serializers.Serializer):
    on_site_billing = serializers.BooleanField()
    paper_mm = serializers.ChoiceField(choices=ReaderAppSettings.Paper.values)
    roll_length_m = serializers.IntegerField(min_value=5, max_value=100)
    upload_every = serializers.IntegerField(min_value=1, max_value=100)
    track_every_s = serializers.IntegerField(min_value=5, max_value=3600, required=False)


def _settings_json(row: ReaderAppSettings) -> dict[str, Any]:
    return {
        "on_site_billing": row.on_site_billing,
        "paper_mm": row.paper_mm,
        "roll_length_m": row.roll_length_m,
        "upload_every": row.upload_every,
        "track_every_s": row.track_every_s,
    }


class ReaderAppSettingsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.batches"
    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(operation_id="reading_app_settings_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(_settings_json(ReaderAppSettings.current()))

    @extend_schema(request=ReaderAppSettingsIn, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request) -> Response:
        data = ReaderAppSettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = reader_app_settings_update(actor=request.user, **data.validated_data)
        return Response(_settings_json(row))


class PhoneRouteOrderIn(serializers.Serializer):
    device = serializers.RegexField(r"^[A-Za-z0-9._:-]{4,64}$")
    properties = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=100000
    )


class PhoneRouteOrderApi(APIView):
    """The order the reader gave the route on the phone (3.2.5.25), sent when there is signal; the
    same right as the sync's (a reader sends what the phone holds)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.field"
    function_actions: ClassVar[dict[str, str]] = {"PUT": "add"}

    @extend_schema(
        operation_id="reading_route_order_update",
        request=PhoneRouteOrderIn,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, id: int, route: int) -> Response:
        batch_route = batches_svc.batch_route(batch_get(id), route)
        data = PhoneRouteOrderIn(data=request.data)
        data.is_valid(raise_exception=True)
        moved = batch_route_order(
            actor=request.user,
            route=batch_route,
            device=sync.device_get(data.validated_data["device"]),
            property_ids=data.validated_data["properties"],
        )
        return Response({"route": batch_route.code, "moved": moved})
