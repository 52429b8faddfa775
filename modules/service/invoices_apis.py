"""Staff API of the attendant's invoice functions (invoices_views has the pages): the property's
bills by status with flags and late charges, sending selected bills by e-mail or SMS, the unit's
cut-off permissions and the selection for notices and cut orders."""

from __future__ import annotations

from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.billing.services import delivery
from modules.common.clock import tenant_today
from modules.common.errors import ValidationFailed
from modules.debt.disconnection import PURPOSES, cut_candidates
from modules.registry.models import Property
from modules.registry.services.properties import property_update

from .errors import ErrorCode
from .invoices import BILL_FILTERS, BillRow, property_bills


def row_json(r: BillRow) -> dict[str, Any]:
    b = r.bill
    return {
        "id": b.pk,
        "reference": f"{b.reference:%Y-%m}",
        "due_date": b.due_date.isoformat(),
        "status": b.status,
        "states": list(r.states),
        "hold": b.hold,
        "agreement": r.agreement,
        "replaced_by": r.replaced_by,
        "total": str(b.total),
        "fine": str(r.fine),
        "interest": str(r.interest),
        "correction": str(r.correction),
        "updated_total": str(r.updated_total),
        "incorporated_late_charges": list(r.incorporated),
        "typeable_line": b.typeable_line,
        "paid_on": r.paid_on.isoformat() if r.paid_on else None,
        "active_debt": bool(r.active_debt),
        "execution": bool(r.execution),
        "legal_process": r.active_debt or r.execution,
    }


class PropertyBillsApi(APIView):
    """GET /api/v1/properties/{id}/bills?status=: every bill of the unit, or those in one situation."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bills"

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=list(BILL_FILTERS), description="situação")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        status = request.query_params.get("status", "")
        if status not in BILL_FILTERS:
            raise ValidationFailed(
                f"Situação desconhecida: {status!r}.", field="status", code=ErrorCode.INVALID
            )
        rows = property_bills(prop.pk, status=status, today=tenant_today())
        return Response({"property": prop.pk, "status": status, "results": [row_json(r) for r in rows]})


class BillSendIn(serializers.Serializer):
    bills = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    channel = serializers.ChoiceField(choices=[("email", "e-mail"), ("sms", "SMS")])
    to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PropertyBillsSendApi(APIView):
    """POST /api/v1/properties/{id}/bills/send: selected bills by e-mail (PDFs) or SMS."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bills"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=BillSendIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = BillSendIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if d["channel"] == "sms":
            ids = delivery.bills_send_sms(
                actor=request.user,
                property_id=prop.pk,
                bill_ids=d["bills"],
                phone=d["to"],
                reason=d["reason"],
            )
            return Response({"channel": "sms", "messages": ids})
        address = delivery.bills_send_email(
            actor=request.user, property_id=prop.pk, bill_ids=d["bills"], to=d["to"], reason=d["reason"]
        )
        return Response({"channel": "email", "to": address})


class CutPermissionIn(serializers.Serializer):
    cut_notice_allowed = serializers.BooleanField()
    cut_order_allowed = serializers.BooleanField()


class PropertyCutPermissionApi(APIView):
    """PUT /api/v1/properties/{id}/cut-permission (3.2.13.10.16/.20)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(request=CutPermissionIn, responses={200: CutPermissionIn})
    def put(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        data = CutPermissionIn(data=request.data)
        data.is_valid(raise_exception=True)
        prop = property_update(actor=request.user, prop=prop, **data.validated_data)
        return Response(
            {"cut_notice_allowed": prop.cut_notice_allowed, "cut_order_allowed": prop.cut_order_allowed}
        )


class CutCandidatesApi(APIView):
    """GET /api/v1/service/cut-candidates?purpose=notice|order&days=30."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.position"

    @extend_schema(
        parameters=[
            OpenApiParameter("purpose", str, enum=list(PURPOSES)),
            OpenApiParameter("days", int, description="dias de atraso, no mínimo"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        try:
            days = int(request.query_params.get("days", "30"))
        except ValueError:
            raise ValidationFailed("Dias inválidos.", field="days", code=ErrorCode.INVALID) from None
        rows = cut_candidates(
            as_of=tenant_today(), purpose=request.query_params.get("purpose", ""), min_days_overdue=days
        )
        return Response(
            {
                "results": [
                    {
                        "property": r.property_id,
                        "account_number": r.account_number,
                        "bills": r.bills,
                        "oldest_due": r.oldest_due.isoformat(),
                        "total": str(r.total),
                    }
                    for r in rows
                ]
            }
        )


class DueDayIn(serializers.Serializer):
    day = serializers.IntegerField(min_value=1, max_value=31)
    reason = serializers.CharField(max_length=500)


class PropertyDueDayApi(APIView):
    """PUT /api/v1/properties/{id}/due-day: the alternative due day among the group's (3.2.13.10.14)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(request=DueDayIn, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request, pk: int) -> Response:
        from modules.billing.services.due_days import due_day_set_by_staff

        prop = get_object_or_404(Property, pk=pk)
        data = DueDayIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = due_day_set_by_staff(
            actor=request.user,
            property_id=prop.pk,
            day=data.validated_data["day"],
            reason=data.validated_data["reason"],
        )
        return Response({"property": prop.pk, "day": row.day})


class RouteMoveIn(serializers.Serializer):
    route = serializers.IntegerField()
    route_sequence = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PropertyRouteApi(APIView):
    """PUT /api/v1/properties/{id}/route: the unit's place in a reading route, re-sequencing it
    (3.2.13.10.12)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"PUT": "change"}

    @extend_schema(request=RouteMoveIn, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request, pk: int) -> Response:
        from modules.registry.models import Route
        from modules.registry.services.properties import property_move_in_route

        prop = get_object_or_404(Property, pk=pk)
        data = RouteMoveIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        route = Route.objects.filter(pk=d["route"]).first()
        if route is None:
            raise ValidationFailed("Rota não encontrada.", field="route", code=ErrorCode.INVALID)
        prop = property_move_in_route(
            actor=request.user, prop=prop, route=route, sequence=d["route_sequence"], reason=d["reason"]
        )
        return Response({"property": prop.pk, "route": prop.route_id, "route_sequence": prop.route_sequence})


class ConnectionTechnicalIn(serializers.Serializer):
    diameter_mm = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    material = serializers.CharField(max_length=40, required=False, allow_blank=True)
    depth_m = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    street_pavement = serializers.CharField(max_length=40, required=False, allow_blank=True)
    sidewalk_pavement = serializers.CharField(max_length=40, required=False, allow_blank=True)
    installation_notes = serializers.CharField(required=False, allow_blank=True)


class ConnectionTechnicalApi(APIView):
    """PATCH /api/v1/connections/{id}/technical: the branch's technical data and installation
    notes (3.2.13.10.4, .6)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"
    function_actions: ClassVar[dict[str, str]] = {"PATCH": "change"}

    @extend_schema(request=ConnectionTechnicalIn, responses={200: OpenApiTypes.OBJECT})
    def patch(self, request: Request, pk: int) -> Response:
        from modules.registry.models import ServiceConnection
        from modules.registry.services.connections import connection_update

        conn = get_object_or_404(ServiceConnection, pk=pk)
        data = ConnectionTechnicalIn(data=request.data)
        data.is_valid(raise_exception=True)
        conn = connection_update(actor=request.user, connection_obj=conn, **data.validated_data)
        return Response(
            {
                "id": conn.pk,
                "kind": conn.kind,
                "diameter_mm": conn.diameter_mm,
                "material": conn.material,
                "depth_m": None if conn.depth_m is None else str(conn.depth_m),
                "street_pavement": conn.street_pavement,
                "sidewalk_pavement": conn.sidewalk_pavement,
                "installation_notes": conn.installation_notes,
            }
        )
