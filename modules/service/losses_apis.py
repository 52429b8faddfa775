"""Staff API of loss charges (perdas, ADR 0228): types, the fine table, the long-cut inspection
rule and its run, the loss charge on an executed inspection order, and the report."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.errors import ValidationFailed

from .domain.losses import DEGREE_LABELS, NATURE_LABELS, Degree, Nature
from .errors import ErrorCode
from .models import LossCharge, LossType
from .services import losses

FUNCTION = "service.losses"


def type_out(t: LossType) -> dict[str, Any]:
    return {
        "code": t.code,
        "name": t.name,
        "nature": t.nature,
        "nature_label": NATURE_LABELS[Nature(t.nature)],
        "active": t.active,
        "fines": [
            {
                "degree": f.degree,
                "degree_label": DEGREE_LABELS[Degree(f.degree)],
                "valid_from": f.valid_from.isoformat(),
                "amount": str(f.amount),
            }
            for f in t.fines.order_by("degree", "-valid_from")
        ],
    }


class LossTypeIn(serializers.Serializer):
    code = serializers.CharField(max_length=10)
    name = serializers.CharField(max_length=120)
    nature = serializers.ChoiceField(choices=[n.value for n in Nature])


class LossTypesApi(APIView):
    """GET/POST /api/v1/service/loss-types: the loss types with their fine table."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(operation_id="service_loss_types_get", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response({"types": [type_out(t) for t in LossType.objects.order_by("code")]})

    @extend_schema(request=LossTypeIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = LossTypeIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = losses.loss_type_create(actor=request.user, **data.validated_data)
        return Response(type_out(row), status=status.HTTP_201_CREATED)


class LossTypeChangeIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    active = serializers.BooleanField()


class LossTypeApi(APIView):
    """PUT /api/v1/service/loss-types/{code}: rename a type or turn it off."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(request=LossTypeChangeIn, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request, code: str) -> Response:
        data = LossTypeChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = losses.loss_type_update(actor=request.user, code=code, **data.validated_data)
        return Response(type_out(row))


class LossFineIn(serializers.Serializer):
    loss_type = serializers.CharField(max_length=10)
    degree = serializers.ChoiceField(choices=[d.value for d in Degree])
    valid_from = serializers.DateField()
    amount = serializers.CharField(max_length=20)


class LossFinesApi(APIView):
    """POST /api/v1/service/loss-fines: a row of the fine table (type, degree, validity, amount)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(request=LossFineIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = LossFineIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = losses.loss_fine_create(actor=request.user, **data.validated_data)
        return Response(type_out(row.loss_type), status=status.HTTP_201_CREATED)


class LossChargeIn(serializers.Serializer):
    order = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="OS de inspeção"
    )
    loss_type = serializers.CharField(max_length=10)
    degree = serializers.ChoiceField(choices=[d.value for d in Degree])
    police_report = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


def charge_out(c: LossCharge) -> dict[str, Any]:
    return {
        "id": c.pk,
        "order": c.order_id,
        "property": c.property_id,
        "loss_type": c.loss_type.code,
        "degree": c.degree,
        "fine": str(c.fine),
        "police_report": c.police_report,
        "photos": sorted(p.pk for p in c.photos.all()),
        "found_on": c.found_on.isoformat(),
        "charge": c.charge_id,
    }


class LossChargesApi(APIView):
    """POST /api/v1/service/loss-charges: the loss an executed inspection order found; its fine goes
    on the property's next bill. Without its order → 400, field `order`."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(request=LossChargeIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = LossChargeIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        loss = losses.loss_charge_register(
            actor=request.user,
            order_id=v["order"],
            data=losses.LossInput(v["loss_type"], v["degree"], v["police_report"], v["photos"], v["notes"]),
        )
        return Response(charge_out(loss), status=status.HTTP_201_CREATED)


class LossInspectionsApi(APIView):
    """POST /api/v1/service/loss-inspections: open the inspection orders of units cut too long."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        orders = losses.long_cut_inspections_open(actor=request.user)
        return Response(
            {"opened": [{"id": o.pk, "label": o.label, "property": o.property_id} for o in orders]},
            status=status.HTTP_201_CREATED,
        )


def _date(raw: str | None, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError as exc:
        raise ValidationFailed(
            "Use a data no formato AAAA-MM-DD.", field=field, code=ErrorCode.INVALID
        ) from exc


class LossReportApi(APIView):
    """GET /api/v1/service/loss-report?from=…&to=…: counts, properties and fines per type and degree."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        start = _date(request.query_params.get("from"), "from")
        end = _date(request.query_params.get("to"), "to")
        rows, count, total = losses.loss_report(start, end)
        return Response(
            {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "count": count,
                "amount": str(total),
                "rows": [
                    {
                        "loss_type": r.loss_type,
                        "name": r.name,
                        "degree": r.degree,
                        "count": r.count,
                        "properties": r.properties,
                        "amount": str(r.amount),
                    }
                    for r in rows
                ],
            }
        )
