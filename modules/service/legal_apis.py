"""Staff API of a property's exceptions and legal processes (TR S10.13; ADR 0188): list and register
them, end an exception, close a process. Reading needs "service.legal" view, every write its
"change" (the operator profiles only consult, S10.13-02); the writes are billing's services."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.billing.legal import LEGAL_FUNCTION
from modules.billing.models import LegalProcess, PropertyException
from modules.billing.models_legal import ExceptionKind, ProcessKind
from modules.billing.services import legal
from modules.common.clock import tenant_today
from modules.registry.models import Property


def exception_json(e: PropertyException, today: dt.date) -> dict[str, Any]:
    return {
        "id": e.pk,
        "property": e.property_id,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "starts_on": e.starts_on.isoformat(),
        "ends_on": e.ends_on.isoformat() if e.ends_on else None,
        "in_force": e.in_force(today),
        "reason": e.reason,
        "created_by": e.created_by,
        "created_at": e.created_at.isoformat(),
        "ended_by": e.ended_by,
        "end_reason": e.end_reason,
    }


def process_json(p: LegalProcess, today: dt.date) -> dict[str, Any]:
    return {
        "id": p.pk,
        "property": p.property_id,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "number": p.number,
        "description": p.description,
        "starts_on": p.starts_on.isoformat(),
        "ends_on": p.ends_on.isoformat() if p.ends_on else None,
        "active": p.in_force(today),
        "bills": sorted(b.pk for b in p.bills.all()),
        "created_by": p.created_by,
        "created_at": p.created_at.isoformat(),
        "closed_by": p.closed_by,
        "close_reason": p.close_reason,
    }


class ExceptionIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExceptionKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=1000)


class EndIn(serializers.Serializer):
    ends_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=1000)


class ProcessIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ProcessKind.choices)
    number = serializers.CharField(max_length=60)
    starts_on = serializers.DateField()
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    bills = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class _LegalApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = LEGAL_FUNCTION
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}


class PropertyExceptionsApi(_LegalApi):
    """GET/POST /api/v1/properties/{id}/exceptions: impede faturamento, multa, corte."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        today = tenant_today()
        rows = PropertyException.objects.filter(property=prop)
        return Response({"property": prop.pk, "results": [exception_json(e, today) for e in rows]})

    @extend_schema(request=ExceptionIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = ExceptionIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = legal.exception_create(actor=request.user, property_id=prop.pk, **data.validated_data)
        return Response(exception_json(row, tenant_today()), status=status.HTTP_201_CREATED)


class PropertyExceptionEndApi(_LegalApi):
    """POST /api/v1/properties/{id}/exceptions/{exception_id}/end: its last day (default today)."""

    @extend_schema(request=EndIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int, exception_id: int) -> Response:
        row = get_object_or_404(PropertyException, pk=exception_id, property_id=pk)
        data = EndIn(data=request.data)
        data.is_valid(raise_exception=True)
        today = tenant_today()
        row = legal.exception_end(
            actor=request.user,
            exception_id=row.pk,
            ends_on=data.validated_data.get("ends_on") or today,
            reason=data.validated_data["reason"],
        )
        return Response(exception_json(row, today))


class PropertyProcessesApi(_LegalApi):
    """GET/POST /api/v1/properties/{id}/legal-processes: judicial, administrative, execução fiscal,
    dívida ativa; optionally about some bills (`bills`), else all the property's."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        today = tenant_today()
        rows = LegalProcess.objects.filter(property=prop).prefetch_related("bills")
        return Response({"property": prop.pk, "results": [process_json(p, today) for p in rows]})

    @extend_schema(request=ProcessIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = ProcessIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        row = legal.process_create(
            actor=request.user,
            property_id=prop.pk,
            kind=v["kind"],
            number=v["number"],
            starts_on=v["starts_on"],
            description=v["description"],
            bill_ids=v["bills"],
        )
        return Response(process_json(row, tenant_today()), status=status.HTTP_201_CREATED)


class PropertyProcessCloseApi(_LegalApi):
    """POST /api/v1/properties/{id}/legal-processes/{process_id}/close: its last day (default today)."""

    @extend_schema(request=EndIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int, process_id: int) -> Response:
        row = get_object_or_404(LegalProcess, pk=process_id, property_id=pk)
        data = EndIn(data=request.data)
        data.is_valid(raise_exception=True)
        today = tenant_today()
        row = legal.process_close(
            actor=request.user,
            process_id=row.pk,
            ends_on=data.validated_data.get("ends_on") or today,
            reason=data.validated_data["reason"],
        )
        return Response(process_json(row, today))
