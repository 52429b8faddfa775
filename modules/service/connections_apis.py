"""Staff API of new connections (ADR 0183): the requests (list, register at the counter), a request
with its workflow, and the actions of its steps (settle the fee, confirm the payment, complete with
a stock meter, cancel). The feasibility and execution orders are closed through the orders API too."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction

from .domain.connections import AREAS
from .models_connections import ConnectionRequest, WorkflowDefinition, WorkflowInstance
from .services import connections as cx
from .services import connections2 as cx2


class ConnectionRequestIn(serializers.Serializer):
    requester_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    requester_document = serializers.CharField(max_length=18)
    requester_rg = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    phone_is_owner = serializers.BooleanField(required=False, default=True)
    citizen_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    street_id = serializers.IntegerField()
    street_number = serializers.CharField(max_length=10)
    kind = serializers.ChoiceField(choices=ConnectionRequest.Kind.choices)
    neighbourhood_id = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, default=0)
    municipal_inscription = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    sector = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)
    block = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)
    lot = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)
    billing_group_id = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, default=0)
    route_id = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, default=0)
    without_cdc = serializers.BooleanField(required=False, default=False)
    service_type = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    collection_form = serializers.CharField(max_length=30, required=False, allow_blank=True, default="normal")
    documents = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, default=list
    )


class ConnectionSettleIn(serializers.Serializer):
    settlement = serializers.ChoiceField(choices=[("bill", "Na próxima conta"), ("paid", "Pago no balcão")])
    installments = serializers.IntegerField(min_value=1, required=False, default=1)


class ConnectionCompleteIn(serializers.Serializer):
    team_id = serializers.IntegerField()
    executed_at = serializers.DateTimeField()
    meter_id = serializers.IntegerField()
    initial_reading = serializers.IntegerField(min_value=0, required=False, default=0)


class ConnectionCancelIn(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


def _order_json(order: Any, area: str) -> dict[str, Any] | None:
    if order is None:
        return None
    return {
        "id": order.pk,
        "number": order.label,
        "code": order.code.code,
        "area": area,
        "area_label": AREAS.get(area, area),
        "property": order.property.account_number if order.property_id else None,
        "status": order.status,
    }


def request_json(req: ConnectionRequest) -> dict[str, Any]:
    instance = WorkflowInstance.objects.select_related("definition").filter(request=req).first()
    steps = list(instance.definition.steps.all()) if instance else []
    area = instance.definition.area if instance else "water"
    orders = [o for o in (req.feasibility_order, req.execution_order) if o is not None]
    return {
        "citizen_name": req.citizen_name,
        "phone_is_owner": req.phone_is_owner,
        "phone_owner": "requerente" if req.phone_is_owner else "munícipe",
        "area": area,
        "area_label": AREAS.get(area, area),
        "service_type": req.service_type,
        "attributes": cx2.attributes(req),
        "orders": [_order_json(o, area) for o in orders],
        "payment_documents": [
            {
                "id": d.document.pk,
                "code": d.code.code,
                "description": d.code.description,
                "amount": str(d.document.amount),
                "barcode": d.document.barcode,
                "typeable_line": d.document.typeable_line,
                "valid_until": d.document.valid_until.isoformat(),
                "status": d.document.status,
            }
            for d in cx2.request_documents(req)
        ],
        "id": req.pk,
        "number": req.label,
        "status": req.status,
        "status_label": req.get_status_display(),
        "kind": req.kind,
        "requester_name": req.requester_name,
        "requester_document": req.requester_document,
        "phone": req.phone,
        "street": str(req.street),
        "street_number": req.street_number,
        "account_number": req.target.account_number if req.target else None,
        "feasibility_order": req.feasibility_order.label if req.feasibility_order else None,
        "execution_order": req.execution_order.label if req.execution_order else None,
        "fee": str(req.fee) if req.fee is not None else None,
        "settlement": req.settlement,
        "installments": req.installments,
        "documents": sorted(req.documents),
        "workflow": {
            "name": instance.definition.name,
            "position": instance.position,
            "steps": [
                {"position": s.position, "title": s.title, "checkpoint": s.checkpoint, "code": s.service_code}
                for s in steps
            ],
        }
        if instance
        else None,
    }


def _one(pk: int) -> ConnectionRequest:
    return cx.request_get(pk)


class ConnectionRequestsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(operation_id="service_connection_requests_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        rows = ConnectionRequest.objects.select_related(
            "street", "target", "feasibility_order", "execution_order"
        )
        if request.query_params.get("status"):
            rows = rows.filter(status=request.query_params["status"])
        return Response({"results": [request_json(r) for r in rows[:200]]})

    @extend_schema(request=ConnectionRequestIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = ConnectionRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        req = cx.request_register(actor=request.user, data=cx.RequestInput(**data.validated_data))
        return Response(request_json(_one(req.pk)), status=status.HTTP_201_CREATED)


class ConnectionRequestDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(operation_id="service_connection_request_get", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(request_json(_one(pk)))


class ConnectionRequestSettleApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ConnectionSettleIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = ConnectionSettleIn(data=request.data)
        data.is_valid(raise_exception=True)
        cx.request_settle(actor=request.user, request_id=_one(pk).pk, **data.validated_data)
        return Response(request_json(_one(pk)))


class ConnectionRequestPaymentApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        cx.request_confirm_payment(actor=request.user, request_id=_one(pk).pk)
        return Response(request_json(_one(pk)))


class ConnectionRequestCompleteApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ConnectionCompleteIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = ConnectionCompleteIn(data=request.data)
        data.is_valid(raise_exception=True)
        cx.request_complete(actor=request.user, request_id=_one(pk).pk, **data.validated_data)
        return Response(request_json(_one(pk)))


class ConnectionRequestCancelApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ConnectionCancelIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = ConnectionCancelIn(data=request.data)
        data.is_valid(raise_exception=True)
        cx.request_cancel(actor=request.user, request_id=_one(pk).pk, reason=data.validated_data["reason"])
        return Response(request_json(_one(pk)))


class ConnectionActivateIn(serializers.Serializer):
    usage = serializers.CharField(max_length=10)
    service_type = serializers.CharField(max_length=30)
    economies = serializers.IntegerField(min_value=1, max_value=9999)
    collection_form = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class ConnectionLinkIn(serializers.Serializer):
    property_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class StreetSectorIn(serializers.Serializer):
    sector_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class ConnectionRequestActivateApi(APIView):
    """S8.5-05: provisória → ativa by the area that closed the execution order."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ConnectionActivateIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        req = _one(pk)
        data = ConnectionActivateIn(data=request.data)
        data.is_valid(raise_exception=True)
        cx2.request_activate(actor=request.user, request_id=req.pk, **data.validated_data)
        return Response(request_json(_one(pk)))


class ConnectionRequestLinkApi(APIView):
    """S8.4-06: a sewer-only request registered without CDC, linked to it later."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ConnectionLinkIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        req = _one(pk)
        data = ConnectionLinkIn(data=request.data)
        data.is_valid(raise_exception=True)
        cx2.request_link(
            actor=request.user, request_id=req.pk, property_id=data.validated_data["property_id"]
        )
        return Response(request_json(_one(pk)))


class ConnectionTypeServicesApi(APIView):
    """S8.2-01: the services (with their prices in force) a connection type involves and charges."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(operation_id="service_connection_type_services", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind", "")
        if kind not in ConnectionRequest.Kind.values:
            return Response(
                {"detail": "Tipo de ligação deve ser water, sewer ou both.", "field": "kind"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        definition = cx.workflow_for(kind)
        return Response(type_json(kind, definition))


def type_json(kind: str, definition: WorkflowDefinition) -> dict[str, Any]:
    return {
        "kind": kind,
        "workflow": definition.name,
        "area": definition.area,
        "area_label": AREAS.get(definition.area, definition.area),
        "services": [
            {
                "code": s.code,
                "description": s.description,
                "price": str(s.price) if s.price is not None else None,
            }
            for s in cx2.type_services(definition)
        ],
    }


class ConnectionStreetsApi(APIView):
    """S8.1-04: streets searched by description, each with its setor to pre-fill the request."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(operation_id="service_connection_streets", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        hits = cx2.street_search(request.query_params.get("q", ""))
        return Response(
            {
                "results": [
                    {
                        "id": h.street.pk,
                        "name": str(h.street),
                        "sector": {"id": h.sector.pk, "code": h.sector.code, "name": h.sector.name}
                        if h.sector
                        else None,
                    }
                    for h in hits
                ]
            }
        )


class ConnectionStreetSectorApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.codes"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=StreetSectorIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        from modules.registry.models import Street

        if not Street.objects.filter(pk=pk).exists():
            return Response(
                {"detail": "Logradouro não encontrado.", "field": "street"}, status=status.HTTP_404_NOT_FOUND
            )
        data = StreetSectorIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = cx2.street_sector_set(
            actor=request.user, street_id=pk, sector_id=data.validated_data["sector_id"]
        )
        return Response({"street": pk, "sector": row.sector_id})


class ConnectionAttributesApi(APIView):
    """S8.1-06: the tenant's value lists of a connection's attributes."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(operation_id="service_connection_attributes", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        from .models_connections2 import ConnectionAttributeValue

        return Response(
            {
                attribute: [{"code": c, "label": label} for c, label in cx2.values(attribute)]
                for attribute in ConnectionAttributeValue.Attribute.values
            }
        )
