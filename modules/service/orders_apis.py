"""Staff API around the order engine: batch opening with a preview, the deadline queue by remaining
time, quality inspections, opening notices, contractors, contracts and their measurements."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.access.scoping import scoped
from modules.common.api import PageNumberPagination
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import NotFound, ValidationFailed

from . import selectors
from .apis import MONEY, PAGE_OF_OBJECTS, order_json
from .domain.closing import FieldKind, fields_json
from .errors import ErrorCode
from .models import Sector
from .models_orders import Contract, Contractor, Measurement, OpeningNotice, QualityInspection
from .services import batch, contractors, opening_settings, orders

# --- batch opening ---------------------------------------------------------------------------------


class BatchFiltersIn(serializers.Serializer):
    status = serializers.CharField(required=False, allow_blank=True, max_length=12)
    category = serializers.CharField(required=False, allow_blank=True, max_length=10)
    meter_diameter_mm = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    meter_model = serializers.CharField(required=False, allow_blank=True, max_length=60)
    meter_installed_before = serializers.DateField(required=False)
    meter_manufactured_until = serializers.IntegerField(required=False, min_value=1900, max_value=2999)
    billing_group = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    route_from = serializers.IntegerField(required=False, min_value=0, max_value=2_000_000_000)
    route_to = serializers.IntegerField(required=False, min_value=0, max_value=2_000_000_000)
    neighbourhood = serializers.IntegerField(required=False, min_value=1, max_value=2_000_000_000)
    street = serializers.IntegerField(required=False, min_value=1, max_value=2_000_000_000)
    min_overdue_bills = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    consumption_min = serializers.IntegerField(required=False, min_value=0, max_value=2_000_000_000)
    consumption_max = serializers.IntegerField(required=False, min_value=0, max_value=2_000_000_000)
    skip_open = serializers.BooleanField(required=False, default=True)


class OrdersBatchIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    key = serializers.CharField(
        max_length=64, required=False, help_text="chave do lote; obrigatória ao abrir"
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    filters = BatchFiltersIn()


def filters_from(data: dict[str, Any]) -> batch.BatchFilters:
    return batch.BatchFilters(
        status=data.get("status", ""),
        category=data.get("category", ""),
        meter_diameter_mm=data.get("meter_diameter_mm"),
        meter_model=data.get("meter_model", ""),
        meter_installed_before=data.get("meter_installed_before"),
        meter_manufactured_until=data.get("meter_manufactured_until"),
        billing_group=data.get("billing_group"),
        route_from=data.get("route_from"),
        route_to=data.get("route_to"),
        neighbourhood_id=data.get("neighbourhood"),
        street_id=data.get("street"),
        min_overdue_bills=data.get("min_overdue_bills"),
        consumption_min=data.get("consumption_min"),
        consumption_max=data.get("consumption_max"),
        skip_open=data.get("skip_open", True),
    )


class OrdersBatchApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(
        operation_id="service_orders_batch",
        request=OrdersBatchIn,
        parameters=[OpenApiParameter("preview", bool, description="1: só a contagem e as primeiras linhas")],
        responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = OrdersBatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        filters = filters_from(v["filters"])
        today = tenant_today()
        if request.query_params.get("preview") in {"1", "true"}:
            preview = batch.batch_preview(code=v["code"], filters=filters, today=today)
            return Response(
                {
                    "count": preview.count,
                    "first": [
                        {
                            "property": p.pk,
                            "account_number": p.account_number,
                            "address": f"{p.street}, {p.number}",
                        }
                        for p in preview.first
                    ],
                }
            )
        if not v.get("key"):
            raise ValidationFailed("Informe a chave do lote.", field="key", code=ErrorCode.INVALID)
        result = batch.batch_open(
            actor=request.user,
            key=v["key"],
            code=v["code"],
            filters=filters,
            today=today,
            description=v.get("description", ""),
        )
        body = {
            "id": result.batch.pk,
            "key": result.batch.key,
            "code": v["code"].strip().upper(),
            "count": result.batch.count,
            "created": result.created,
            "orders": list(result.batch.items.order_by("id").values_list("order_id", flat=True)),
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


# --- deadline queue --------------------------------------------------------------------------------


class DeadlineQueueApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(
        operation_id="service_orders_deadline_queue",
        parameters=[
            OpenApiParameter("team", int),
            OpenApiParameter("sector", int),
            OpenApiParameter("code", str),
        ],
        responses={200: PAGE_OF_OBJECTS},
    )
    def get(self, request: Request) -> Response:
        """Open orders by remaining time (the overdue first), with the time left in the code's unit."""
        from django.utils import timezone

        q = request.query_params
        now = timezone.now()
        qs = selectors.order_queue(
            now=now,
            team_id=_int(q.get("team"), "team"),
            sector_id=_int(q.get("sector"), "sector"),
            code=q.get("code", ""),
            by_remaining=True,
        )
        qs = scoped(qs, request.user, "service.orders", orders.ORDER_SCOPE_PATHS)
        paginator = PageNumberPagination()
        page = list(paginator.paginate_queryset(qs, request, view=self) or [])
        labels = selectors.remaining_in_unit(page, now)
        return paginator.get_paginated_response(
            [order_json(o, now) | {"remaining_label": labels[o.pk]} for o in page]
        )


def _int(raw: str | None, field: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationFailed("Informe um número.", field=field, code=ErrorCode.INVALID)
    return int(raw)


# --- quality inspection ----------------------------------------------------------------------------


class InspectIn(serializers.Serializer):
    result = serializers.ChoiceField(choices=QualityInspection.Result.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class OrderInspectApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=InspectIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = InspectIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = orders.order_inspect(
            actor=request.user,
            order_id=pk,
            result=data.validated_data["result"],
            note=data.validated_data.get("note", ""),
        )
        return Response(
            {
                "order": pk,
                "result": row.result,
                "team": row.team.name if row.team else None,
                "rework": order_json(row.rework) if row.rework else None,
            },
            status=status.HTTP_201_CREATED,
        )


# --- opening notices -------------------------------------------------------------------------------


class NoticesIn(serializers.Serializer):
    codes = serializers.ListField(child=serializers.CharField(max_length=20), help_text="códigos que avisam")
    sectors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=254)),
        required=False,
        help_text="nome do setor → e-mails dos destinatários",
    )


def notices_json() -> dict[str, Any]:
    return {
        "codes": list(
            OpeningNotice.objects.filter(is_active=True)
            .order_by("code__code")
            .values_list("code__code", flat=True)
        ),
        "sectors": {
            s.name: [r.email for r in s.recipients.all()]
            for s in Sector.objects.prefetch_related("recipients")
        },
    }


class OpeningNoticesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.codes"

    @extend_schema(operation_id="service_opening_notices_get", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(notices_json())

    @extend_schema(
        operation_id="service_opening_notices_set", request=NoticesIn, responses={200: OpenApiTypes.OBJECT}
    )
    def put(self, request: Request) -> Response:
        data = NoticesIn(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = {c.strip().upper() for c in data.validated_data["codes"]}
        for code in sorted(wanted):
            opening_settings.opening_notice_set(actor=request.user, code=code, active=True)
        for notice in (
            OpeningNotice.objects.filter(is_active=True).exclude(code__code__in=wanted).select_related("code")
        ):
            opening_settings.opening_notice_set(actor=request.user, code=notice.code.code, active=False)
        for name, emails in (data.validated_data.get("sectors") or {}).items():
            sector = Sector.objects.filter(name=name).first()
            if sector is None:
                raise NotFound(
                    f"Setor {name} não encontrado.", field="sectors", code=ErrorCode.SECTOR_NOT_FOUND
                )
            opening_settings.sector_recipients_set(actor=request.user, sector_id=sector.pk, emails=emails)
        return Response(notices_json())


# --- contractors -----------------------------------------------------------------------------------


def contractor_json(row: Contractor) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "cnpj": row.cnpj,
        "is_active": row.is_active,
        "teams": [
            {
                "id": link.team_id,
                "name": link.team.name,
                "special": link.team.special,
                "members": [{"name": m.name, "cpf": m.cpf, "role": m.role} for m in link.members.all()],
            }
            for link in row.teams.all()
        ],
    }


class ContractorIn(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    cnpj = serializers.CharField(max_length=18, required=False, allow_blank=True)


class ContractorsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.contractors"

    @extend_schema(operation_id="service_contractors_list", responses={200: PAGE_OF_OBJECTS})
    def get(self, request: Request) -> Response:
        qs = Contractor.objects.prefetch_related("teams__team", "teams__members").order_by("name")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self) or []
        return paginator.get_paginated_response([contractor_json(r) for r in page])

    @extend_schema(request=ContractorIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = ContractorIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = contractors.contractor_create(actor=request.user, **data.validated_data)
        return Response(contractor_json(row), status=status.HTTP_201_CREATED)


class ContractorTeamIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    special = serializers.BooleanField(required=False, default=False)
    members = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()), required=False
    )


class ContractorTeamsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.contractors"
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=ContractorTeamIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = ContractorTeamIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        link = contractors.contractor_team_create(
            actor=request.user, contractor_id=pk, name=v["name"], special=v.get("special", False)
        )
        for index, member in enumerate(v.get("members") or []):
            if not member.get("name"):
                raise ValidationFailed(
                    "Informe o nome.", field=f"members[{index}].name", code=ErrorCode.INVALID
                )
            contractors.contractor_member_add(
                actor=request.user,
                team_id=link.team_id,
                name=member["name"],
                cpf=member.get("cpf", ""),
                role=member.get("role", ""),
            )
        return Response(contractor_json(link.contractor), status=status.HTTP_201_CREATED)


class ContractPriceIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    price = serializers.DecimalField(**MONEY)


class ContractIn(serializers.Serializer):
    contractor = serializers.IntegerField(min_value=1)
    number = serializers.CharField(max_length=30)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    pricing = serializers.ChoiceField(choices=Contract.Pricing.values)
    monthly_value = serializers.DecimalField(required=False, **MONEY)
    prices = ContractPriceIn(many=True, required=False)
    penalty_per_day = serializers.DecimalField(required=False, **MONEY)
    late_threshold_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100"), required=False
    )
    late_penalty_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100"), required=False
    )


def contract_json(row: Contract) -> dict[str, Any]:
    return {
        "id": row.pk,
        "contractor": row.contractor.name,
        "number": row.number,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
        "pricing": row.pricing,
        "monthly_value": str(row.monthly_value),
        "prices": [{"code": p.code.code, "price": str(p.price)} for p in row.prices.select_related("code")],
        "penalty_per_day": str(row.penalty_per_day),
        "late_threshold_percent": str(row.late_threshold_percent),
        "late_penalty_percent": str(row.late_penalty_percent),
    }


class ContractsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.contractors"

    @extend_schema(operation_id="service_contracts_list", responses={200: PAGE_OF_OBJECTS})
    def get(self, request: Request) -> Response:
        qs = Contract.objects.select_related("contractor").order_by("number")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self) or []
        return paginator.get_paginated_response([contract_json(r) for r in page])

    @extend_schema(request=ContractIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = ContractIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        row = contractors.contract_create(
            actor=request.user,
            contractor_id=v["contractor"],
            number=v["number"],
            starts_on=v["starts_on"],
            ends_on=v["ends_on"],
            pricing=v["pricing"],
            monthly_value=v.get("monthly_value", Decimal("0")),
            prices={p["code"]: p["price"] for p in v.get("prices", [])},
            penalty_per_day=v.get("penalty_per_day", Decimal("0")),
            late_threshold_percent=v.get("late_threshold_percent", Decimal("0")),
            late_penalty_percent=v.get("late_penalty_percent", Decimal("0")),
        )
        return Response(contract_json(row), status=status.HTTP_201_CREATED)


def measurement_json(row: Measurement) -> dict[str, Any]:
    return {
        "contract": row.contract.number,
        "month": f"{row.month:%Y-%m}",
        "orders": row.orders,
        "late_orders": row.late_orders,
        "late_days": row.late_days,
        "gross": str(row.gross),
        "penalty_delay": str(row.penalty_delay),
        "penalty_late_share": str(row.penalty_late_share),
        "net": str(row.net),
        "lines": row.lines,
    }


class MeasurementApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.contractors"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    def _month(self, month: str) -> YearMonth:
        try:
            return YearMonth.parse(month)
        except ValueError as exc:
            raise ValidationFailed("Mês no formato AAAA-MM.", field="month", code=ErrorCode.INVALID) from exc

    @extend_schema(operation_id="service_measurement_get", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int, month: str) -> Response:
        ym = self._month(month)
        row = (
            Measurement.objects.select_related("contract")
            .filter(contract_id=pk, month=ym.first_day())
            .first()
        )
        if row is None:
            raise NotFound("Medição não calculada.", field="month", code=ErrorCode.CONTRACT_NOT_FOUND)
        return Response(measurement_json(row))

    @extend_schema(
        operation_id="service_measurement_compute", request=None, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, pk: int, month: str) -> Response:
        row = contractors.measurement_compute(actor=request.user, contract_id=pk, month=self._month(month))
        return Response(measurement_json(row))


# --- the code's closing form (3.2.11.8) ------------------------------------------------------------


class ClosingFieldIn(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    label = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=[k.value for k in FieldKind])
    required = serializers.BooleanField(required=False, default=False)
    choices = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=30)


class ClosingFieldsIn(serializers.Serializer):
    fields = ClosingFieldIn(many=True)


def closing_json(code: str, fields: list[Any]) -> dict[str, Any]:
    return {"code": code, "fields": fields_json(fields)}


class ServiceCodeClosingFieldsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.codes"

    @extend_schema(operation_id="service_code_closing_fields_get", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, code: str) -> Response:
        row = selectors.code_get(code)
        return Response(closing_json(row.code, opening_settings.closing_fields_of(row.pk)))

    @extend_schema(
        operation_id="service_code_closing_fields_set",
        request=ClosingFieldsIn,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, code: str) -> Response:
        data = ClosingFieldsIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = selectors.code_get(code)
        fields = opening_settings.closing_form_set(
            actor=request.user, code=row.code, fields=data.validated_data["fields"]
        )
        return Response(closing_json(row.code, fields))


class ReworkStatsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "service.orders"

    @extend_schema(
        operation_id="service_rework_stats",
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        """Executed orders per team in the period and how many were regenerated as rework."""
        start, end = rework_period(request.query_params.get("from"), request.query_params.get("to"))
        return Response(
            {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "teams": [
                    {
                        "team": r.team,
                        "executed": r.executed,
                        "reworked": r.reworked,
                        "percent": str(r.percent),
                    }
                    for r in selectors.rework_stats(start, end)
                ],
            }
        )


def rework_period(raw_from: str | None, raw_to: str | None) -> tuple[Any, Any]:
    """The period asked (ISO dates), by default the current month up to today."""
    import datetime as dt

    today = tenant_today()
    try:
        start = dt.date.fromisoformat(raw_from) if raw_from else today.replace(day=1)
        end = dt.date.fromisoformat(raw_to) if raw_to else today
    except ValueError as exc:
        raise ValidationFailed("Datas no formato AAAA-MM-DD.", field="from", code=ErrorCode.INVALID) from exc
    if end < start or (end - start).days > 366:
        raise ValidationFailed("Período inválido (até um ano).", field="to", code=ErrorCode.INVALID)
    return start, end
