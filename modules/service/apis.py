"""Staff API of service: the catalogue (codes with prices, materials, teams), service orders (open,
the deadline queue, schedule, postpone, close, cancel) and a property's pending bill items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.domain.scopes import in_scope
from modules.access.permissions import HasFunction
from modules.access.scoping import scoped
from modules.billing.hooks import pending_items
from modules.common.api import SMALL_INT_MAX, PageNumberPagination
from modules.common.clock import tenant_today, tenant_zone
from modules.common.domain.dates import YearMonth
from modules.common.errors import NotFound, ValidationFailed
from modules.registry.models import Property

from . import selectors
from .domain.deadlines import remaining
from .domain.orders import STATUS_LABELS, OrderStatus, allowed_actions
from .errors import ErrorCode
from .models import DEADLINE_UNITS, UNITS, BillingType, Material, ServiceCode, ServiceOrder, Team
from .models_orders import QualityInspection
from .services import catalog, orders

# a page of the list endpoints ({count, next, previous, results}), each result an object
PAGE_OF_OBJECTS = {
    "type": "object",
    "required": ["count", "next", "previous", "results"],
    "properties": {
        "count": {"type": "integer"},
        "next": {"type": "string", "nullable": True},
        "previous": {"type": "string", "nullable": True},
        "results": {"type": "array", "items": {"type": "object"}},
    },
}
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0"), "coerce_to_string": True}


def _page(request: Request, view: APIView, qs: Any, render: Any) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response([render(row) for row in page or []])


# --- service codes ---------------------------------------------------------------------------------


class DeadlineIn(serializers.Serializer):
    value = serializers.IntegerField(min_value=1, max_value=10_000)
    unit = serializers.ChoiceField(choices=DEADLINE_UNITS)


class ServiceCodeIn(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Za-z0-9._-]{1,20}$")
    description = serializers.CharField(max_length=200)
    group = serializers.CharField(max_length=60, required=False, allow_blank=True)
    billing_type = serializers.ChoiceField(choices=BillingType.values)
    unit = serializers.ChoiceField(choices=UNITS, required=False)
    sector = serializers.CharField(required=False, allow_blank=True, help_text="nome do setor de controle")
    max_installments = serializers.IntegerField(min_value=1, max_value=120, required=False)
    charges_interest = serializers.BooleanField(required=False)
    taxable = serializers.BooleanField(required=False)
    down_payment_required = serializers.BooleanField(required=False)
    min_down_payment_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100"), required=False
    )
    deadline = DeadlineIn()
    priority = serializers.IntegerField(min_value=1, max_value=SMALL_INT_MAX, required=False)
    crew_size = serializers.IntegerField(min_value=1, max_value=100, required=False)
    max_postponements = serializers.IntegerField(min_value=0, max_value=100, required=False)
    print_layouts = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    accounting_rubric = serializers.CharField(max_length=30, required=False, allow_blank=True)
    opening_term = serializers.CharField(max_length=100, required=False, allow_blank=True)
    needs_approval = serializers.BooleanField(required=False)
    charges_materials = serializers.BooleanField(required=False)
    is_cut = serializers.BooleanField(required=False)
    kit = serializers.CharField(required=False, allow_blank=True, help_text="código do kit de materiais")
    price = serializers.DecimalField(required=False, **MONEY)


def code_json(row: ServiceCode, today: dt.date | None = None) -> dict[str, Any]:
    on = today or tenant_today()
    price = selectors.current_price(row, on)
    return {
        "id": row.pk,
        "code": row.code,
        "description": row.description,
        "group": row.group,
        "billing_type": row.billing_type,
        "unit": row.unit,
        "sector": row.sector.name if row.sector else None,
        "max_installments": row.max_installments,
        "charges_interest": row.charges_interest,
        "taxable": row.taxable,
        "down_payment_required": row.down_payment_required,
        "min_down_payment_percent": str(row.min_down_payment_percent),
        "deadline": {"value": row.deadline_value, "unit": row.deadline_unit},
        "priority": row.priority,
        "crew_size": row.crew_size,
        "max_postponements": row.max_postponements,
        "print_layouts": row.print_layouts,
        "accounting_rubric": row.accounting_rubric,
        "opening_term": row.opening_term,
        "needs_approval": row.needs_approval,
        "charges_materials": row.charges_materials,
        "is_cut": row.is_cut,
        "kit": row.kit.code if row.kit else None,
        "is_active": row.is_active,
        "price": str(price) if price is not None else None,
        "prices": [{"valid_from": p.valid_from.isoformat(), "price": str(p.price)} for p in row.prices.all()],
    }


def code_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The validated input as the service's keyword arguments (natural keys resolved)."""
    from .models import Kit, Sector

    fields = {k: v for k, v in data.items() if k not in {"code", "deadline", "price", "sector", "kit"}}
    if "deadline" in data:
        fields["deadline_value"] = data["deadline"]["value"]
        fields["deadline_unit"] = data["deadline"]["unit"]
    if data.get("sector"):
        sector = Sector.objects.filter(name=data["sector"]).first()
        if sector is None:
            raise NotFound(
                f"Setor {data['sector']} não encontrado.", field="sector", code=ErrorCode.SECTOR_NOT_FOUND
            )
        fields["sector"] = sector
    if data.get("kit"):
        kit = Kit.objects.filter(code=data["kit"].strip().upper()).first()
        if kit is None:
            raise NotFound(f"Kit {data['kit']} não encontrado.", field="kit", code=ErrorCode.KIT_NOT_FOUND)
        fields["kit"] = kit
    return fields


class ServiceCodesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.codes"

    @extend_schema(
        operation_id="service_codes_list",
        parameters=[OpenApiParameter("search", str), OpenApiParameter("group", str)],
        responses={200: PAGE_OF_OBJECTS},
    )
    def get(self, request: Request) -> Response:
        qs = ServiceCode.objects.select_related("sector", "kit").prefetch_related("prices")
        if text := request.query_params.get("search", "").strip():
            qs = qs.filter(description__icontains=text) | qs.filter(code__icontains=text)
        if group := request.query_params.get("group", "").strip():
            qs = qs.filter(group=group)
        today = tenant_today()
        return _page(request, self, qs.order_by("code"), lambda r: code_json(r, today))

    @extend_schema(request=ServiceCodeIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = ServiceCodeIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = catalog.service_code_create(
            actor=request.user,
            code=data.validated_data["code"],
            price=data.validated_data.get("price"),
            price_from=tenant_today(),
            **code_fields(data.validated_data),
        )
        return Response(code_json(row), status=status.HTTP_201_CREATED)


class ServiceCodeDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.codes"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, code: str) -> Response:
        return Response(code_json(selectors.code_get(code)))

    @extend_schema(request=ServiceCodeIn(partial=True), responses={200: OpenApiTypes.OBJECT})
    def patch(self, request: Request, code: str) -> Response:
        row = selectors.code_get(code)
        data = ServiceCodeIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = catalog.service_code_update(
            actor=request.user, code_id=row.pk, **code_fields(data.validated_data)
        )
        return Response(code_json(updated))


class PriceIn(serializers.Serializer):
    valid_from = serializers.DateField()
    price = serializers.DecimalField(**MONEY)


class ServiceCodePricesApi(APIView):
    """POST a price from a date; the earlier prices stay in the table."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.codes"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=PriceIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, code: str) -> Response:
        row = selectors.code_get(code)
        data = PriceIn(data=request.data)
        data.is_valid(raise_exception=True)
        catalog.service_price_set(actor=request.user, code_id=row.pk, **data.validated_data)
        return Response(code_json(selectors.code_get(code)), status=status.HTTP_201_CREATED)


class ServiceCodePriceOnApi(APIView):
    """The price in force on a date (`?on=AAAA-MM-DD`); a date with no price in force is a 400."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.codes"

    @extend_schema(
        parameters=[OpenApiParameter("on", str, description="AAAA-MM-DD")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, code: str) -> Response:
        row = selectors.code_get(code)
        on = _date(request.query_params.get("on"), "on") or tenant_today()
        return Response(
            {"code": row.code, "on": on.isoformat(), "price": str(selectors.price_in_force(row, on, "on"))}
        )


def _date(raw: str | None, field: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(
            "Informe a data no formato AAAA-MM-DD.", field=field, code=ErrorCode.INVALID
        ) from exc


# --- teams and materials -------------------------------------------------------------------------


class TeamIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    sector = serializers.CharField(required=False, allow_blank=True)
    special = serializers.BooleanField(required=False, default=False)


def team_json(team: Team, today: dt.date) -> dict[str, Any]:
    return {
        "id": team.pk,
        "name": team.name,
        "sector": team.sector.name if team.sector else None,
        "special": team.special,
        "is_active": team.is_active,
        "members": [
            {
                "user": m.user_id,
                "name": m.user.full_name or m.user.username,
                "start": m.start.isoformat(),
                "end": m.end.isoformat() if m.end else None,
            }
            for m in team.members.all()
            if m.end is None or m.end >= today
        ],
    }


class TeamsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.teams"

    @extend_schema(responses={200: PAGE_OF_OBJECTS})
    def get(self, request: Request) -> Response:
        today = tenant_today()
        qs = Team.objects.select_related("sector").prefetch_related("members__user").order_by("name")
        return _page(request, self, qs, lambda t: team_json(t, today))

    @extend_schema(request=TeamIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        from .models import Sector

        data = TeamIn(data=request.data)
        data.is_valid(raise_exception=True)
        sector = None
        if name := data.validated_data.get("sector"):
            sector = Sector.objects.filter(name=name).first()
            if sector is None:
                raise NotFound(
                    f"Setor {name} não encontrado.", field="sector", code=ErrorCode.SECTOR_NOT_FOUND
                )
        team = catalog.team_create(
            actor=request.user,
            name=data.validated_data["name"],
            sector=sector,
            special=data.validated_data["special"],
        )
        return Response(team_json(team, tenant_today()), status=status.HTTP_201_CREATED)


class MemberIn(serializers.Serializer):
    user = serializers.IntegerField(min_value=1)
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True)


class TeamMembersApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.teams"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=MemberIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = MemberIn(data=request.data)
        data.is_valid(raise_exception=True)
        catalog.team_member_add(
            actor=request.user,
            team_id=pk,
            user_id=data.validated_data["user"],
            start=data.validated_data["start"],
            end=data.validated_data.get("end"),
        )
        team = Team.objects.select_related("sector").prefetch_related("members__user").get(pk=pk)
        return Response(team_json(team, tenant_today()), status=status.HTTP_201_CREATED)


class MaterialIn(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Za-z0-9._-]{1,20}$")
    description = serializers.CharField(max_length=200)
    unit = serializers.ChoiceField(choices=UNITS, required=False, default="un")
    price = serializers.DecimalField(required=False, **MONEY)


def material_json(row: Material) -> dict[str, Any]:
    return {
        "id": row.pk,
        "code": row.code,
        "description": row.description,
        "unit": row.unit,
        "prices": [{"valid_from": p.valid_from.isoformat(), "price": str(p.price)} for p in row.prices.all()],
    }


class MaterialsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.materials"

    @extend_schema(responses={200: PAGE_OF_OBJECTS})
    def get(self, request: Request) -> Response:
        return _page(
            request, self, Material.objects.prefetch_related("prices").order_by("code"), material_json
        )

    @extend_schema(request=MaterialIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = MaterialIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = catalog.material_create(actor=request.user, price_from=tenant_today(), **data.validated_data)
        return Response(material_json(row), status=status.HTTP_201_CREATED)


class MaterialPricesApi(APIView):
    """POST a material's price from a date; the earlier prices stay in the table."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.materials"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=PriceIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, code: str) -> Response:
        row = selectors.material_get(code)
        data = PriceIn(data=request.data)
        data.is_valid(raise_exception=True)
        catalog.material_price_set(actor=request.user, material_id=row.pk, **data.validated_data)
        return Response(material_json(selectors.material_get(code)), status=status.HTTP_201_CREATED)


# --- orders ----------------------------------------------------------------------------------------


def order_json(order: ServiceOrder, now: dt.datetime | None = None) -> dict[str, Any]:
    from django.utils import timezone

    zone = tenant_zone()
    left = remaining(order.due_at, now or timezone.now())
    final = not selectors.is_open(order)
    return {
        "id": order.pk,
        "number": order.label,
        "year": order.year,
        "sequence": order.number,
        "code": order.code.code,
        "property": order.property_id,
        "street": order.street_id,
        "customer": order.customer_id,
        "status": order.status,
        "status_label": STATUS_LABELS[OrderStatus(order.status)],
        "priority": order.priority,
        "sector": order.sector.name if order.sector else None,
        "opened_at": order.opened_at.astimezone(zone).isoformat(),
        "due_at": order.due_at.astimezone(zone).isoformat(),
        "remaining_seconds": None if final else left.seconds,
        "overdue": False if final else left.overdue,
        "postponements": order.postponements,
        "team": order.team_id,
        "scheduled_for": order.scheduled_for.isoformat() if order.scheduled_for else None,
        "executed_at": order.executed_at.astimezone(zone).isoformat() if order.executed_at else None,
        "actions": [a.value for a in allowed_actions(OrderStatus(order.status))],
        "parent": order.parent_id,
        "link": order.link or None,
    }


class OrderIn(serializers.Serializer):
    property = serializers.IntegerField(min_value=1, required=False, help_text="o alvo: imóvel, ou")
    street = serializers.IntegerField(min_value=1, required=False, help_text="logradouro, ou")
    customer = serializers.IntegerField(min_value=1, required=False, help_text="cliente comercial")
    code = serializers.CharField(max_length=20)
    opened_at = serializers.DateTimeField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    breakdown = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        max_length=20,
        help_text="códigos das ordens filhas",
    )


class OrdersApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(
        operation_id="service_orders_list",
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("team", int),
            OpenApiParameter("sector", int, description="a fila do setor de controle"),
            OpenApiParameter("code", str),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("property", int),
        ],
        responses={200: PAGE_OF_OBJECTS},
    )
    def get(self, request: Request) -> Response:
        """The deadline queue: open orders by priority, then the nearest deadline."""
        from django.utils import timezone

        q = request.query_params
        now = timezone.now()
        status_filter = q.get("status", "")
        if status_filter and status_filter not in OrderStatus.__members__.values():
            raise ValidationFailed("Situação desconhecida.", field="status", code=ErrorCode.INVALID)
        qs = selectors.order_queue(
            now=now,
            status=status_filter,
            team_id=_int(q.get("team"), "team"),
            sector_id=_int(q.get("sector"), "sector"),
            code=q.get("code", ""),
            overdue_only=q.get("overdue") in {"1", "true"},
            property_id=_int(q.get("property"), "property"),
        )
        qs = scoped(qs, request.user, "service.orders", orders.ORDER_SCOPE_PATHS)
        return _page(request, self, qs, lambda o: order_json(o, now))

    @extend_schema(request=OrderIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = OrderIn(data=request.data)
        data.is_valid(raise_exception=True)
        order = orders.order_open(
            actor=request.user,
            code=data.validated_data["code"],
            property_id=data.validated_data.get("property"),
            street_id=data.validated_data.get("street"),
            customer_id=data.validated_data.get("customer"),
            opened_at=data.validated_data.get("opened_at"),
            description=data.validated_data.get("description", ""),
            breakdown=data.validated_data.get("breakdown"),
        )
        body = order_json(order)
        body["children"] = [
            order_json(c) for c in order.children.select_related("code", "sector").order_by("number")
        ]
        return Response(body, status=status.HTTP_201_CREATED)


def _int(raw: str | None, field: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationFailed("Informe um número.", field=field, code=ErrorCode.INVALID)
    return int(raw)


class OrderDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        order = selectors.order_get(pk)
        if not in_scope(
            request.user.scopes_for(self.function), orders.order_place(order.sector, order.property)
        ):
            # outside the user's scope answers as a missing order: no hint that it exists
            raise NotFound("Ordem de serviço não encontrada.", field="order", code=ErrorCode.ORDER_NOT_FOUND)
        body = order_json(order)
        body["history"] = [
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "from": e.from_status,
                "to": e.to_status,
                "note": e.note,
            }
            for e in order.events.all()
        ]
        body["services"] = [
            {
                "code": s.code.code,
                "quantity": str(s.quantity),
                "amount": str(s.amount) if s.amount is not None else None,
            }
            for s in order.executed_services.select_related("code")
        ]
        body["materials"] = [
            {
                "code": m.material.code,
                "quantity": str(m.quantity),
                "amount": str(m.amount) if m.amount is not None else None,
            }
            for m in order.materials_used.select_related("material")
        ]
        body |= order_extra_json(order)
        return Response(body)


def order_extra_json(order: ServiceOrder) -> dict[str, Any]:
    """What an opening and a closing left besides the engine (ADR 0184): terms, print layouts, the
    inventory reservation, the code's closing fields answered, the vehicle, quality inspections."""
    from .models_orders import InventoryRequest, OrderClosingData
    from .pdf import layouts_of

    inventory = InventoryRequest.objects.filter(order=order).first()
    closing = OrderClosingData.objects.filter(order=order).first()
    return {
        "vehicle": order.vehicle.plate if order.vehicle else None,
        "print_layouts": layouts_of(order),
        "terms": [{"id": t.pk, "title": t.title} for t in order.terms.all()],
        "inventory": {
            "state": inventory.state,
            "reservation": inventory.reservation,
            "lines": inventory.lines,
        }
        if inventory
        else None,
        "closing_fields": closing.values if closing else {},
        "inspections": [
            {
                "result": i.result,
                "note": i.note,
                "team": i.team.name if i.team else None,
                "rework": i.rework_id,
            }
            for i in order.inspections.select_related("team")
        ],
    }


class ScheduleIn(serializers.Serializer):
    team = serializers.IntegerField(min_value=1)
    date = serializers.DateField()
    vehicle = serializers.IntegerField(min_value=1, required=False)


class _OrderAction(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}


class OrderScheduleApi(_OrderAction):
    @extend_schema(request=ScheduleIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = ScheduleIn(data=request.data)
        data.is_valid(raise_exception=True)
        order = orders.order_schedule(
            actor=request.user,
            order_id=pk,
            team_id=data.validated_data["team"],
            day=data.validated_data["date"],
            vehicle_id=data.validated_data.get("vehicle"),
        )
        return Response(order_json(order))


class OrderReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class OrderUnscheduleApi(_OrderAction):
    @extend_schema(request=OrderReasonIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = OrderReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            order_json(orders.order_unschedule(actor=request.user, order_id=pk, **data.validated_data))
        )


class OrderCancelIn(OrderReasonIn):
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text="parecer")


class OrderCancelApi(_OrderAction):
    @extend_schema(request=OrderCancelIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = OrderCancelIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            order_json(orders.order_cancel(actor=request.user, order_id=pk, **data.validated_data))
        )


class OrderReworkApi(_OrderAction):
    """An executed order judged unsatisfactory: a rework order linked to it (201)."""

    @extend_schema(request=OrderReasonIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = OrderReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        rework = orders.order_rework(actor=request.user, order_id=pk, **data.validated_data)
        return Response(order_json(rework), status=status.HTTP_201_CREATED)


class OrderReleaseApi(_OrderAction):
    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        return Response(order_json(orders.order_release(actor=request.user, order_id=pk)))


class PostponeIn(serializers.Serializer):
    due_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=300)


class OrderPostponeApi(_OrderAction):
    @extend_schema(request=PostponeIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = PostponeIn(data=request.data)
        data.is_valid(raise_exception=True)
        order = orders.order_postpone(
            actor=request.user,
            order_id=pk,
            new_due_at=data.validated_data["due_at"],
            reason=data.validated_data["reason"],
        )
        return Response(order_json(order))


class LineIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0.001"))
    amount = serializers.DecimalField(required=False, **MONEY)


class CloseIn(serializers.Serializer):
    executed = serializers.BooleanField()
    executed_at = serializers.DateTimeField(required=False, allow_null=True)
    team = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    vehicle = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    services = LineIn(many=True, required=False)
    materials = LineIn(many=True, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    quality = serializers.ChoiceField(
        choices=QualityInspection.Result.choices,
        required=False,
        help_text="vistoria de qualidade no encerramento; insatisfatória gera o retrabalho",
    )
    quality_note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    fields = serializers.DictField(
        child=serializers.CharField(max_length=300, allow_blank=True),
        required=False,
        help_text="os campos do encerramento do código de serviço (nome → valor)",
    )
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text="parecer")
    field_data = serializers.DictField(
        required=False,
        help_text="o que um código marcado pede: meter_number, initial_reading, final_reading, "
        "destination (stock, maintenance, scrapped), seal",
    )


class OrderCloseApi(_OrderAction):
    @extend_schema(request=CloseIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = CloseIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        order = orders.order_close(
            actor=request.user,
            order_id=pk,
            executed=v["executed"],
            executed_at=v.get("executed_at"),
            team_id=v.get("team"),
            vehicle_id=v.get("vehicle"),
            services=[
                orders.ServiceLine(s["code"], s["quantity"], s.get("amount")) for s in v.get("services", [])
            ],
            materials=[orders.MaterialLine(m["code"], m["quantity"]) for m in v.get("materials", [])],
            notes=v.get("notes", ""),
            reason=v.get("reason", ""),
            quality=v.get("quality", ""),
            quality_note=v.get("quality_note", ""),
            fields=v.get("fields"),
            opinion=v.get("opinion", ""),
            field_data=v.get("field_data"),
        )
        body = order_json(order)
        body["rework"] = [c.pk for c in order.children.filter(link="rework")]
        body["charges"] = [
            {"kind": c.kind, "description": c.description, "amount": str(c.amount)}
            for c in order.charges.all()
        ]
        return Response(body)


class PropertyPendingItemsApi(APIView):
    """What the property's next bill will carry from every module that puts items on it (service
    charges, installments, late charges…), each with its source, as billing's run will read them."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        if not Property.objects.filter(pk=pk).exists():
            raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
        reference = YearMonth.of(tenant_today())
        items = pending_items([pk], reference).get(pk, [])
        return Response(
            {
                "property": pk,
                "reference": str(reference),
                "items": [
                    {
                        "kind": i.kind,
                        "description": i.description,
                        "amount": str(i.amount),
                        "source": i.source,
                        "source_id": i.source_id,
                    }
                    for i in items
                ],
                "total": str(sum((i.amount for i in items), Decimal("0.00"))),
            }
        )
