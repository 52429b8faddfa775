"""Staff API of a utility for its chamados to the vendor (/api/v1/incidents on the utility's host).

The rows live in the public schema; every query here is scoped to the host's own tenant first, and
"not yours" answers the same 404 as "missing"."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import LIST_OF_OBJECTS
from modules.common.errors import NotFound

from . import selectors, services
from .apis import AwareDateTimeField, incident_out
from .errors import ErrorCode
from .models import Incident


def _own(request: Request, protocol: str) -> Incident:
    incident = (
        Incident.objects.select_related("tenant").filter(tenant=request.tenant, protocol=protocol).first()
    )
    if incident is None:
        raise NotFound(f"Chamado {protocol} não encontrado.", code=ErrorCode.INCIDENT_NOT_FOUND)
    return incident


class StaffIncidentIn(serializers.Serializer):
    priority = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)
    scheduled_for = AwareDateTimeField(required=False)


class StaffIncidentApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "ops.incidents"

    @extend_schema(operation_id="incidents_list", responses={200: LIST_OF_OBJECTS})
    def get(self, request: Request) -> Response:
        now = timezone.now()
        qs = (
            Incident.objects.filter(tenant=request.tenant)
            .select_related("tenant")
            .order_by("-opened_at")[:500]
        )
        return Response([incident_out(r) for r in selectors.incident_rows(qs, now)])

    @extend_schema(
        operation_id="incidents_create", request=StaffIncidentIn, responses={201: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        data = StaffIncidentIn(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        incident = services.incident_open(
            actor=services.UtilityStaffActor(request.user, request.tenant.schema_name),
            tenant=request.tenant,
            channel="portal",
            now=now,
            by_utility=True,
            **data.validated_data,
        )
        return Response(
            incident_out(selectors.incident_rows([incident], now)[0]), status=status.HTTP_201_CREATED
        )


class StaffIncidentDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "ops.incidents"

    @extend_schema(operation_id="incidents_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, protocol: str) -> Response:
        return Response(incident_out(selectors.incident_rows([_own(request, protocol)], timezone.now())[0]))


class RejectIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class StaffIncidentDecisionApi(APIView):
    """The utility's agreement (or not) with the vendor's solution and root cause (TR 1.6)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "ops.incidents"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}
    decision = "accept"

    @extend_schema(request=RejectIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, protocol: str) -> Response:
        incident = _own(request, protocol)
        actor = services.UtilityStaffActor(request.user, request.tenant.schema_name)
        now = timezone.now()
        if self.decision == "accept":
            incident = services.incident_accept(actor=actor, incident=incident, now=now)
        else:
            data = RejectIn(data=request.data)
            data.is_valid(raise_exception=True)
            incident = services.incident_reject(
                actor=actor, incident=incident, reason=data.validated_data["reason"]
            )
        return Response(incident_out(selectors.incident_rows([incident], now)[0]))
