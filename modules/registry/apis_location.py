"""Staff API of a unit's location (seed 001 3.2.13.10.8; inscription with check digits, seed 002
S8.3-03) and of a route re-sequenced from quadra and lote (seed 002 S8.3-02)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.errors import ValidationFailed

from . import selectors
from .domain.inscription import Inscription
from .errors import ErrorCode
from .models import Property, Route
from .services.location import MAX_STEP, PARTS, inscription_typed, property_set_location, route_resequence
from .services.sequencing import DEFAULT_STEP


class LocationIn(serializers.Serializer):
    inscription = serializers.CharField(
        max_length=40,
        required=False,
        help_text="inscrição digitada, com ou sem os dois dígitos verificadores "
        "(001.002.0034.0056.000-95 ou 1.2.34.56.0); em vez dos campos abaixo",
    )
    locality = serializers.IntegerField(required=False, min_value=0)
    sector = serializers.IntegerField(required=False, min_value=0)
    block = serializers.IntegerField(required=False, min_value=0)
    lot = serializers.IntegerField(required=False, min_value=0)
    sublot = serializers.IntegerField(required=False, min_value=0, default=0)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LocationOut(serializers.ModelSerializer):
    same_lot = serializers.SerializerMethodField(
        help_text="matrículas de outros imóveis no mesmo localidade/setor/quadra/lote (outro sublote)"
    )

    class Meta:
        model = Property
        fields = ["id", "account_number", *PARTS, "inscription", "same_lot"]

    def get_same_lot(self, obj: Property) -> list[str]:
        return selectors.units_on_same_lot(obj)


def location_parts(data: dict[str, Any]) -> Inscription:
    """The location a request names: a typed inscription (DVs checked when present) or its parts."""
    typed = (data.get("inscription") or "").strip()
    if typed:
        return inscription_typed(typed)
    missing = [name for name in ("locality", "sector", "block", "lot") if data.get(name) is None]
    if missing:
        raise ValidationFailed(
            "Informe a inscrição ou localidade, setor, quadra e lote.",
            field="inscription",
            code=ErrorCode.INSCRIPTION_INVALID,
        )
    from .services.properties import inscription_from_parts

    return inscription_from_parts({name: data.get(name) or 0 for name in PARTS})


class PropertyLocationApi(APIView):
    """PUT /api/v1/properties/{id}/location: another setor/quadra/lote; 409 `location_taken` with the
    matrícula of the unit already there."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(request=LocationIn, responses={200: LocationOut})
    def put(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = LocationIn(data=request.data)
        data.is_valid(raise_exception=True)
        insc = location_parts(dict(data.validated_data))
        prop = property_set_location(
            actor=request.user,
            prop=prop,
            **dict(zip(PARTS, insc.parts(), strict=True)),
            reason=data.validated_data["reason"],
        )
        return Response(LocationOut(prop).data)


class ResequenceIn(serializers.Serializer):
    step = serializers.IntegerField(
        required=False, default=DEFAULT_STEP, min_value=1, max_value=MAX_STEP, help_text="passo (padrão 10)"
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ResequenceChangeOut(serializers.Serializer):
    account_number = serializers.CharField()
    old = serializers.IntegerField(allow_null=True)
    new = serializers.IntegerField()


class ResequenceOut(serializers.Serializer):
    route = serializers.IntegerField()
    step = serializers.IntegerField()
    units = serializers.IntegerField(help_text="imóveis da rota")
    changed = ResequenceChangeOut(many=True)


class RouteResequenceApi(APIView):
    """POST /api/v1/routes/{id}/resequence: the route's units numbered step, 2·step … in the order
    street, quadra, lote, número, complemento."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ResequenceIn, responses={200: ResequenceOut})
    def post(self, request: Request, pk: int) -> Response:
        route = get_object_or_404(Route, pk=pk)
        data = ResequenceIn(data=request.data)
        data.is_valid(raise_exception=True)
        step = data.validated_data["step"]
        changed = route_resequence(
            actor=request.user, route=route, step=step, reason=data.validated_data["reason"]
        )
        body = {
            "route": route.pk,
            "step": step,
            "units": Property.objects.filter(route=route).count(),
            "changed": [{"account_number": a, "old": o, "new": n} for a, (o, n) in sorted(changed.items())],
        }
        return Response(ResequenceOut(body).data)
