"""Staff API of a property's billing exceptions (seed 002 §4.7; ADR 0220): list and add them on the
property, change and remove one by its id. Each answer carries the window and who set it."""

from __future__ import annotations

from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import YearMonthField
from modules.registry.models import Property

from .domain.exceptions import SERVICE_TYPE_LABELS
from .models import BillingExceptionRow
from .services import billing_exceptions as svc


class BillingExceptionIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k.value for k in svc.KINDS])
    valid_from = YearMonthField(help_text="primeira referência (AAAA-MM)")
    valid_until = YearMonthField(required=False, allow_null=True, default=None, help_text="última (AAAA-MM)")
    reason = serializers.CharField(max_length=500)
    volume_m3 = serializers.IntegerField(required=False, allow_null=True, help_text="volume limite (m³)")
    percent = serializers.CharField(required=False, allow_null=True, help_text="percentual de esgoto (texto)")
    day = serializers.IntegerField(required=False, allow_null=True, help_text="dia de vencimento (1 a 28)")
    service_type = serializers.ChoiceField(
        choices=[s.value for s in SERVICE_TYPE_LABELS], required=False, allow_null=True
    )


class BillingExceptionChangeIn(BillingExceptionIn):
    kind = None  # type: ignore[assignment]  # the kind of an exception never changes


def exception_json(row: BillingExceptionRow) -> dict[str, Any]:
    return {
        "id": row.pk,
        "property": row.property_id,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "volume_m3": row.volume_m3,
        "percent": None if row.percent is None else format(row.percent, "f"),
        "day": row.day,
        "service_type": row.service_type or None,
        "parameter": svc.parameter_text(row),
        "valid_from": f"{row.valid_from:%Y-%m}",
        "valid_until": f"{row.valid_until:%Y-%m}" if row.valid_until else None,
        "reason": row.reason,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
    }


def _params(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: data.get(k) for k in ("volume_m3", "percent", "day", "service_type") if data.get(k) is not None
    }


class PropertyBillingExceptionsApi(APIView):
    """GET/POST /api/v1/properties/{id}/billing-exceptions: the property's billing exceptions; POST
    adds one (an overlap with another of the same family → 400, field `valid_from`)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.exemptions"

    @extend_schema(operation_id="property_billing_exceptions_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        return Response(
            {"property": prop.pk, "exceptions": [exception_json(e) for e in svc.exceptions_of(pk)]}
        )

    @extend_schema(
        operation_id="property_billing_exceptions_create",
        request=BillingExceptionIn,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, pk: int) -> Response:
        get_object_or_404(Property, pk=pk)
        data = BillingExceptionIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        row = svc.exception_create(
            actor=request.user,
            property_id=pk,
            kind=d["kind"],
            valid_from=d["valid_from"],
            valid_until=d.get("valid_until"),
            reason=d["reason"],
            **_params(d),
        )
        return Response(exception_json(row), status=status.HTTP_201_CREATED)


class BillingExceptionApi(APIView):
    """GET/PUT/DELETE /api/v1/billing/exceptions/{id}: one exception; PUT changes its window,
    parameter and reason, DELETE removes it (both audited)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.exemptions"
    function_actions: ClassVar[dict[str, str]] = {"GET": "view", "PUT": "change", "DELETE": "change"}

    @extend_schema(operation_id="billing_exception_read", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, billing_exception_id: int) -> Response:
        return Response(exception_json(svc.exception_get(billing_exception_id)))

    @extend_schema(
        operation_id="billing_exception_update",
        request=BillingExceptionChangeIn,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, billing_exception_id: int) -> Response:
        svc.exception_get(billing_exception_id)
        data = BillingExceptionChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        row = svc.exception_update(
            actor=request.user,
            exception_id=billing_exception_id,
            valid_from=d["valid_from"],
            valid_until=d.get("valid_until"),
            reason=d["reason"],
            **_params(d),
        )
        return Response(exception_json(row))

    @extend_schema(operation_id="billing_exception_delete", responses={204: None})
    def delete(self, request: Request, billing_exception_id: int) -> Response:
        svc.exception_remove(actor=request.user, exception_id=billing_exception_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
