"""Device and back-office API of field work (3.2.12, 3.2.11.25).

The phone (function `service.field`): `GET /api/v1/field/today` (the team's orders of the day in route
order with each code's closing form, the materials, the sync interval) and `POST /api/v1/field/sync`
(the offline queue, in idempotent batches). The back office (`service.field_monitor`): the map of
requested and scheduled orders, teams' last positions and productivity, a team's track, the photo
feed, the field settings; badges (`service.teams`). A code's own closing form is the order engine's
(`PUT /api/v1/service/codes/{code}/closing-fields`); the day gives it with each order."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.clock import tenant_today
from modules.common.errors import NotFound, ValidationFailed

from . import selectors_field as sel
from .errors import ErrorCode
from .models import Badge, Material, Team
from .services import field

MAX_EVENTS = 1000


class _FieldApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.field"


class _MonitorApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.field_monitor"


class TodayApi(_FieldApi):
    """The signed-in member's team and its orders of the day, in route order."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        today = tenant_today()
        team = sel.team_of(request.user, today)
        if team is None:
            raise ValidationFailed(
                "Seu usuário não está em nenhuma equipe hoje: peça ao supervisor para incluí-lo.",
                field="team",
                code=ErrorCode.FIELD_NO_TEAM,
            )
        settings = sel.field_settings()
        orders = [sel.phone_order_json(o) for o in sel.today_orders(team, today)]
        return Response(
            {
                "date": today.isoformat(),
                "server_time": timezone.now().isoformat(),
                "team": {"id": team.pk, "name": team.name},
                "user": request.user.get_username(),
                "sync_interval_seconds": settings.sync_interval_seconds,
                "orders": orders,
                "materials": [
                    {"code": m.code, "description": m.description, "unit": m.unit}
                    for m in Material.objects.filter(is_active=True).order_by("code")
                ],
                "destinations": [{"value": k, "label": v} for k, v in field.DESTINATIONS.items()],
            }
        )


class EventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=field.KINDS)
    order = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True)
    at = serializers.DateTimeField()
    payload = serializers.DictField(required=False)


class SyncIn(serializers.Serializer):
    device_id = serializers.RegexField(r"^[A-Za-z0-9._:-]{4,64}$")
    events = EventSerializer(many=True, allow_empty=True, max_length=MAX_EVENTS)


class SyncApi(_FieldApi):
    """A batch of the phone's events; per event `applied`, `already_applied` (its id was seen: nothing
    changes) or `rejected` with a code, the field and a pt-BR message (nothing of it written). The
    answer carries the day's current list, so priority and schedule changes reach the phone."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=SyncIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = SyncIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        events = [
            field.EventIn(
                id=e["id"],
                kind=e["type"],
                at=e["at"],
                order_id=e.get("order"),
                payload=e.get("payload") or {},
            )
            for e in v["events"]
        ]
        results = field.field_sync(actor=request.user, device_id=v["device_id"], events=events)
        today = tenant_today()
        team = sel.team_of(request.user, today)
        return Response(
            {
                "device_id": v["device_id"],
                "applied": sum(r.status == "applied" for r in results),
                "already_applied": sum(r.status == "already_applied" for r in results),
                "rejected": sum(r.status == "rejected" for r in results),
                "results": [
                    {
                        "id": r.id,
                        "status": r.status,
                        **(
                            {"code": r.code, "field": r.field, "message": r.message}
                            if r.status == "rejected"
                            else {}
                        ),
                        **({"message": r.message} if r.status == "already_applied" else {}),
                        **({"order_status": r.order_status} if r.order_status else {}),
                    }
                    for r in results
                ],
                "orders": [sel.phone_order_json(o) for o in sel.today_orders(team, today)] if team else [],
            }
        )


class OrdersMapApi(_MonitorApi):
    """Requested and scheduled orders as GeoJSON points, filtered by address, team and service code."""

    @extend_schema(
        parameters=[
            OpenApiParameter("address", str, required=False),
            OpenApiParameter("team", int, required=False),
            OpenApiParameter("code", str, required=False),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        team = request.query_params.get("team", "")
        rows = sel.map_orders(
            address=request.query_params.get("address", ""),
            team_id=int(team) if team.isdigit() else None,
            code=request.query_params.get("code", ""),
        )
        return Response({"type": "FeatureCollection", "features": [sel.order_feature(o) for o in rows]})


class MonitorApi(_MonitorApi):
    """Teams' last positions with their open orders of the day, and productivity per team."""

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=False)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        day = _day(request)
        now = timezone.now()
        return Response(
            {
                "date": day.isoformat(),
                "positions": [
                    {
                        "team": p.team.name,
                        "team_id": p.team.pk,
                        "at": p.at.isoformat(),
                        "latitude": str(p.latitude),
                        "longitude": str(p.longitude),
                        "user": p.username,
                        "open_orders": p.open_orders,
                    }
                    for p in sel.last_positions(now)
                ],
                "productivity": [
                    {
                        "team": r.team.name,
                        "team_id": r.team.pk,
                        "executed": r.executed,
                        "not_executed": r.not_executed,
                        "average_execution_minutes": r.average_execution_minutes,
                        "travel_minutes": r.travel_minutes,
                    }
                    for r in sel.productivity(day)
                ],
            }
        )


def _day(request: Request) -> dt.date:
    raw = request.query_params.get("date", "")
    if not raw:
        return tenant_today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            "Informe a data como AAAA-MM-DD.", field="date", code=ErrorCode.INVALID
        ) from None


class TeamTrackApi(_MonitorApi):
    """A team's day: distance (haversine), moving time, maximum and average speed and its stops."""

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=False)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int) -> Response:
        team = Team.objects.filter(pk=pk).first()
        if team is None:
            raise NotFound("Equipe não encontrada.", field="team", code=ErrorCode.TEAM_NOT_FOUND)
        day = _day(request)
        s = sel.team_track(team, day)
        return Response(
            {
                "team": team.name,
                "date": day.isoformat(),
                "fixes": s.fixes,
                "distance_km": f"{s.distance_km:.3f}",
                "moving_seconds": s.moving_seconds,
                "max_speed_kmh": f"{s.max_speed_kmh:.1f}",
                "average_speed_kmh": f"{s.average_speed_kmh:.1f}",
                "stops": [
                    {
                        "start": st.start.isoformat(),
                        "end": st.end.isoformat(),
                        "seconds": st.seconds,
                        "latitude": f"{st.latitude:.6f}",
                        "longitude": f"{st.longitude:.6f}",
                    }
                    for st in s.stops
                ],
            }
        )


class PhotoFeedApi(_MonitorApi):
    """The latest field photos, newest first; `after` (the last id seen) for polling."""

    @extend_schema(
        parameters=[OpenApiParameter("after", int, required=False)], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request) -> Response:
        after = request.query_params.get("after", "")
        photos = sel.photo_feed(int(after) if after.isdigit() else 0)
        return Response(
            {
                "results": [
                    {
                        "id": p.pk,
                        "order": p.order.label,
                        "order_id": p.order_id,
                        "account": p.property.account_number if p.property else None,
                        "taken_at": p.taken_at.isoformat(),
                        "latitude": str(p.latitude) if p.latitude is not None else None,
                        "longitude": str(p.longitude) if p.longitude is not None else None,
                        "caption": p.caption,
                        "url": f"/servicos/campo/fotos/{p.pk}/",
                    }
                    for p in photos
                ]
            }
        )


class SettingsIn(serializers.Serializer):
    position_retention_days = serializers.IntegerField(min_value=1, max_value=730)
    sync_interval_seconds = serializers.IntegerField(min_value=30, max_value=3600)


class FieldSettingsApi(_MonitorApi):
    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        s = sel.field_settings()
        return Response(
            {
                "position_retention_days": s.position_retention_days,
                "sync_interval_seconds": s.sync_interval_seconds,
            }
        )

    @extend_schema(request=SettingsIn, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request) -> Response:
        data = SettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        s = field.field_settings_update(actor=request.user, **data.validated_data)
        return Response(
            {
                "position_retention_days": s.position_retention_days,
                "sync_interval_seconds": s.sync_interval_seconds,
            }
        )


class BadgeIn(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    user = serializers.IntegerField(min_value=1, max_value=2**62)


class BadgesApi(APIView):
    """Crew badges (crachás): the code on a staff member's badge, read on the phone by QR or barcode."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.teams"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        rows = Badge.objects.filter(is_active=True).order_by("code")
        return Response({"results": [{"code": b.code, "user": b.user_id} for b in rows]})

    @extend_schema(request=BadgeIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = BadgeIn(data=request.data)
        data.is_valid(raise_exception=True)
        badge = field.badge_set(
            actor=request.user, code=data.validated_data["code"], user_id=data.validated_data["user"]
        )
        return Response({"code": badge.code, "user": badge.user_id}, status=201)
