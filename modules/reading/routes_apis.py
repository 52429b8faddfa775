"""API of the routes' reading order (seed 001 3.2.4.1/.3/.10/.11; `reading.batches`): a group's
routes with their units and the units without route or sequence; a route's units in order; a new
order for them; units moved into a route."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import NotFound, ValidationFailed
from modules.registry.models import BillingGroup, Property, Route

from .models import LocalityType
from .services import routes as svc


class _RoutesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.batches"


def _unit(p: Property) -> dict[str, Any]:
    return {
        "id": p.pk,
        "account_number": p.account_number,
        "sequence": p.route_sequence,
        "address": f"{p.street}, {p.number}" + (f" {p.complement}" if p.complement else ""),
        "status": p.status,
    }


def _route(pk: int) -> Route:
    route: Route | None = Route.objects.select_related("group").filter(pk=pk).first()
    if route is None:
        raise NotFound("Rota não encontrada.", field="route", code=CommonCode.NOT_FOUND)
    return route


class GroupRoutesApi(_RoutesApi):
    """A group's routes in the group's order with how many units each holds, and the readable units
    no batch could take (no route, an inactive route, no sequence: the list must be empty)."""

    @extend_schema(
        operation_id="reading_group_routes",
        parameters=[OpenApiParameter("group", int, required=True)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        try:
            code = int(request.query_params.get("group", ""))
        except ValueError:
            raise ValidationFailed(
                "Informe o grupo (código).", field="group", code=CommonCode.INVALID
            ) from None
        group = BillingGroup.objects.filter(code=code).first()
        if group is None:
            raise NotFound(f"Grupo {code} não encontrado.", field="group", code=CommonCode.NOT_FOUND)
        routes = (
            Route.objects.filter(group=group).annotate(units=Count("property")).order_by("sequence", "code")
        )
        return Response(
            {
                "group": group.code,
                "routes": [
                    {"id": r.pk, "code": r.code, "name": r.name, "active": r.active, "units": r.units}
                    for r in routes
                ],
                "unsequenced": [_unit(p) for p in svc.unsequenced(group)],
            }
        )


class ReadingRouteOrderIn(serializers.Serializer):
    properties = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=5000
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReadingRouteMoveIn(serializers.Serializer):
    properties = serializers.ListField(child=serializers.CharField(max_length=12), max_length=2000)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RouteUnitsApi(_RoutesApi):
    """A route's units in reading order; PUT gives them a new order (every unit once), renumbered
    10, 20 … (the next batch reads it)."""

    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(operation_id="reading_route_units", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, id: int) -> Response:
        route = _route(id)
        return Response(
            {
                "id": route.pk,
                "group": route.group.code,
                "code": route.code,
                "locality_type": (lambda k: k.code if k else None)(svc.route_locality(route)),
                "units": [_unit(p) for p in svc.route_units(route)],
            }
        )

    @extend_schema(
        operation_id="reading_route_order", request=ReadingRouteOrderIn, responses={200: OpenApiTypes.OBJECT}
    )
    def put(self, request: Request, id: int) -> Response:
        route = _route(id)
        data = ReadingRouteOrderIn(data=request.data)
        data.is_valid(raise_exception=True)
        changed = svc.route_order(
            actor=request.user,
            route=route,
            property_ids=data.validated_data["properties"],
            reason=data.validated_data.get("reason", ""),
        )
        return Response({"changed": changed, "units": [_unit(p) for p in svc.route_units(route)]})


class RouteMoveApi(_RoutesApi):
    """Units of the route's group (by matrícula) moved into it, at its end in the order given."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(
        operation_id="reading_route_move", request=ReadingRouteMoveIn, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, id: int) -> Response:
        route = _route(id)
        data = ReadingRouteMoveIn(data=request.data)
        data.is_valid(raise_exception=True)
        moved = svc.route_move(
            actor=request.user,
            route=route,
            account_numbers=data.validated_data["properties"],
            reason=data.validated_data.get("reason", ""),
        )
        return Response({"moved": moved, "units": [_unit(p) for p in svc.route_units(route)]})


class LocalityTypeIn(serializers.Serializer):
    code = serializers.CharField(max_length=10)
    name = serializers.CharField(max_length=60)
    high_percent = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    low_percent = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)


def _kind(k: LocalityType) -> dict[str, Any]:
    return {
        "code": k.code,
        "name": k.name,
        "high_percent": None if k.high_percent is None else str(k.high_percent),
        "low_percent": None if k.low_percent is None else str(k.low_percent),
    }


class LocalityTypesApi(_RoutesApi):
    """The locality types and the expected window their routes are read with (3.2.4.2)."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(operation_id="reading_locality_types", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response({"locality_types": [_kind(k) for k in LocalityType.objects.order_by("code")]})

    @extend_schema(
        operation_id="reading_locality_type_save",
        request=LocalityTypeIn,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = LocalityTypeIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        row = svc.locality_type_save(
            actor=request.user,
            code=v["code"],
            name=v["name"],
            high_percent=v.get("high_percent"),
            low_percent=v.get("low_percent"),
        )
        return Response(_kind(row))


class RouteLocalityIn(serializers.Serializer):
    locality_type = serializers.CharField(max_length=10, allow_null=True, allow_blank=True)


class RouteLocalityApi(_RoutesApi):
    """The route's locality type (null: none); the next batch applies it."""

    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(
        operation_id="reading_route_locality", request=RouteLocalityIn, responses={200: OpenApiTypes.OBJECT}
    )
    def put(self, request: Request, id: int) -> Response:
        route = _route(id)
        data = RouteLocalityIn(data=request.data)
        data.is_valid(raise_exception=True)
        kind = svc.route_locality_set(
            actor=request.user, route=route, code=data.validated_data["locality_type"]
        )
        return Response({"id": route.pk, "locality_type": kind.code if kind else None})
