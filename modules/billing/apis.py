"""Staff API of billing: tariff versions, simulation, runs, bills (with barcode, typeable line, PDF)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import LIST_OF_OBJECTS, PageNumberPagination, YearMonthField
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.registry.models import BillingGroup, Category, UsagePlan

from . import selectors
from .domain.calculation import PricingMethod
from .domain.exceptions import PARAMETER as EXCEPTION_PARAMETER
from .domain.exceptions import BillingException, ExceptionKind, family
from .domain.pricing import EXEMPTIBLE_KINDS, UnitFact
from .domain.tariffs import DwellingUnitMode, ServiceType, TariffInvalid
from .errors import ErrorCode
from .models import Bill, BillHold, BillingRun, BillText, Tariff, TariffStatus
from .pdf import bill_pdf
from .services import bills as bill_services
from .services import rebill as rebill_services
from .services import runs as run_services
from .services import settings as settings_services
from .services import simulation
from .services import tariffs as tariff_services
from .services import texts as text_services
from .services.rebill import BillChanges, ServiceLine


def _tariff_invalid(exc: TariffInvalid) -> Response:
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        errors.setdefault(problem.path or "non_field_errors", []).append(problem.message)
    return Response(
        {"code": exc.code, "detail": exc.message, "field": exc.field, "errors": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _tariff_kind(data: Any) -> tuple[Any, bool]:
    """The JSON without its `status`, and whether it asks for a projection."""
    if not isinstance(data, dict):
        return data, False
    data = dict(data)
    data.pop("id", None)
    wanted = data.pop("status", TariffStatus.DRAFT) or TariffStatus.DRAFT
    if wanted not in (TariffStatus.DRAFT, TariffStatus.PROJECTION):
        raise ValidationFailed(
            'Uma versão nova é "draft" (rascunho) ou "projection" (projeção); só a aprovação a torna '
            "vigente.",
            field="status",
            code=ErrorCode.TARIFF_INVALID,
        )
    return data, wanted == TariffStatus.PROJECTION


class TariffListCreateApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.tariffs"

    @extend_schema(operation_id="billing_tariffs_list", responses={200: LIST_OF_OBJECTS})
    def get(self, request: Request) -> Response:
        """Every version; `?status=projection` (or draft, approved) lists one kind."""
        rows = Tariff.objects.order_by("-valid_from", "-id")
        if request.query_params.get("status"):
            rows = rows.filter(status=request.query_params["status"])
        return Response(
            [{"id": t.pk, "act": t.act, "valid_from": t.valid_from, "status": t.status} for t in rows]
        )

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        """A draft from the tariff JSON; with `"status": "projection"` a projection (never approved)."""
        data, projection = _tariff_kind(request.data)
        try:
            tariff = tariff_services.tariff_create(actor=request.user, data=data, projection=projection)
        except TariffInvalid as exc:
            return _tariff_invalid(exc)
        return Response(tariff_services.tariff_json(tariff), status=status.HTTP_201_CREATED)


class TariffDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.tariffs"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(tariff_services.tariff_json(get_object_or_404(Tariff, pk=pk)))

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request, pk: int) -> Response:
        """Replace a draft or a projection (an approved version is never edited: 409)."""
        tariff = get_object_or_404(Tariff, pk=pk)
        data, _ = _tariff_kind(request.data)
        try:
            tariff = tariff_services.tariff_update(actor=request.user, tariff=tariff, data=data)
        except TariffInvalid as exc:
            return _tariff_invalid(exc)
        return Response(tariff_services.tariff_json(tariff))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        tariff_services.tariff_discard(actor=request.user, tariff=get_object_or_404(Tariff, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TariffApproveApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.tariffs"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        tariff = tariff_services.tariff_approve(
            actor=request.user, tariff=get_object_or_404(Tariff, pk=pk), today=tenant_today()
        )
        return Response(tariff_services.tariff_json(tariff))


class TariffCopyIn(serializers.Serializer):
    act = serializers.CharField(max_length=120)
    valid_from = serializers.DateField()
    projection = serializers.BooleanField(default=False)


class TariffCopyApi(APIView):
    """A new draft (or projection) with a version's categories and bands: how a projection becomes a
    draft that can be approved, and how a new act starts from the one in force."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.tariffs"
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=TariffCopyIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = TariffCopyIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            copy = tariff_services.tariff_copy(
                actor=request.user, source=get_object_or_404(Tariff, pk=pk), **data.validated_data
            )
        except TariffInvalid as exc:
            return _tariff_invalid(exc)
        return Response(tariff_services.tariff_json(copy), status=status.HTTP_201_CREATED)


class EntryIn(serializers.Serializer):
    category = serializers.CharField(max_length=20)
    dwelling_units = serializers.IntegerField(min_value=1)
    # h-bill: the usage plan's economia mode and minimum (S5.3-04/05)
    dwelling_unit_mode = serializers.ChoiceField(
        choices=UsagePlan.DwellingUnitMode.choices, default=DwellingUnitMode.SPLIT.value
    )
    minimum_m3_per_unit = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


class SimulatedExceptionIn(serializers.Serializer):
    """One billing exception of the simulated property (S4.7): its kind and the parameter it needs."""

    kind = serializers.ChoiceField(choices=[k.value for k in ExceptionKind])
    volume_m3 = serializers.IntegerField(min_value=0, required=False)
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    day = serializers.IntegerField(min_value=1, max_value=28, required=False)
    service_type = serializers.ChoiceField(choices=[s.value for s in ServiceType], required=False)
    component = serializers.ChoiceField(choices=[k.value for k in EXEMPTIBLE_KINDS], required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        needed = EXCEPTION_PARAMETER[ExceptionKind(attrs["kind"])]
        if attrs.get(needed) is None:
            raise serializers.ValidationError({needed: [f"A exceção {attrs['kind']} precisa de {needed}."]})
        return attrs


class SimulateIn(serializers.Serializer):
    category = serializers.CharField(max_length=20, required=False)
    dwelling_units = serializers.IntegerField(min_value=1, required=False, default=1)
    categories = EntryIn(many=True, required=False)
    consumption_m3 = serializers.IntegerField(min_value=0)
    reference = serializers.RegexField(r"^\d{4}-\d{2}$", required=False)
    tariff = serializers.IntegerField(required=False)
    service = serializers.ChoiceField(
        choices=[s.value for s in ServiceType], default=ServiceType.WATER_SEWER.value
    )
    method = serializers.ChoiceField(
        choices=[m.value for m in PricingMethod], default=PricingMethod.CASCADE.value
    )
    # h-bill (issue #17): any of the five service types (`service` kept as its older name), the
    # property's exceptions, and a master meter's dependents' volumes (the bill charges the common area)
    service_type = serializers.ChoiceField(choices=[s.value for s in ServiceType], required=False)
    exceptions = SimulatedExceptionIn(many=True, required=False)
    dependents = serializers.ListField(
        child=serializers.IntegerField(min_value=0), required=False, help_text="m³ de cada dependente no mês"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("category") and not attrs.get("categories"):
            raise serializers.ValidationError(
                {"category": ["Informe a categoria (ou a lista de categorias)."]}
            )
        kinds = [
            family(e["kind"]) for e in attrs.get("exceptions") or [] if e["kind"] != ExceptionKind.EXEMPT
        ]
        repeated = next((k for k in kinds if kinds.count(k) > 1), None)
        if repeated:
            raise serializers.ValidationError(
                {"exceptions": [f"Duas exceções da mesma família ({repeated}) no mesmo mês."]}
            )
        if attrs.get("method") == PricingMethod.LINEAR and (attrs.get("exceptions") or "dependents" in attrs):
            raise serializers.ValidationError(
                {"method": ["O preço linear só compara tarifas: sem exceções nem dependentes."]}
            )
        return attrs


def version_for(tariff_id: int | None, reference: str | None) -> Any:
    if tariff_id is not None:
        tariff = Tariff.objects.filter(pk=tariff_id).first()
        if tariff is None:
            raise ValidationFailed(
                f"Tarifa {tariff_id} não encontrada.", field="tariff", code=ErrorCode.NOT_FOUND
            )
    else:
        try:
            on = YearMonth.parse(reference).first_day() if reference else tenant_today()
        except ValueError as exc:
            raise ValidationFailed(str(exc), field="reference", code=ErrorCode.REFERENCE_INVALID) from None
        tariff = tariff_services.tariff_in_force(on)
    return tariff_services.tariff_version(tariff)


class SimulateApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.simulate"
    function_actions: ClassVar[dict[str, str]] = {"POST": "view"}

    @extend_schema(request=SimulateIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = SimulateIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        entries = [
            simulation.SimulationEntry(
                e["category"], e["dwelling_units"], e["dwelling_unit_mode"], e.get("minimum_m3_per_unit")
            )
            for e in v.get("categories") or []
        ]
        if not entries:
            entries = [simulation.SimulationEntry(v["category"], v["dwelling_units"])]
        version = version_for(v.get("tariff"), v.get("reference"))
        service = ServiceType(v.get("service_type") or v["service"])
        if v["method"] == PricingMethod.LINEAR:
            result = simulation.simulate(
                version=version,
                entries=entries,
                consumption_m3=v["consumption_m3"],
                service=service,
                method=PricingMethod.LINEAR,
            )
            return Response(result)
        reference = YearMonth.parse(v["reference"]) if v.get("reference") else YearMonth.of(tenant_today())
        result = simulation.simulate_bill(
            version=version,
            reference=reference,
            entries=entries,
            consumption_m3=v["consumption_m3"],
            service=service,
            exceptions=[
                BillingException(
                    e["kind"],
                    volume_m3=e.get("volume_m3"),
                    percent=e.get("percent"),
                    day=e.get("day"),
                    service_type=e.get("service_type", ""),
                    component=e.get("component", ""),
                )
                for e in v.get("exceptions") or []
            ],
            dependents_m3=v.get("dependents"),
        )
        return Response(result)


class CompareIn(serializers.Serializer):
    base = serializers.IntegerField(required=False)
    proposed = serializers.IntegerField()
    reference = YearMonthField()


class SimulateCompareApi(APIView):
    """Two tariff versions over the real billed consumption of a past month (seed 002 part 1 §7)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.simulate"
    function_actions: ClassVar[dict[str, str]] = {"POST": "view"}

    @extend_schema(request=CompareIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = CompareIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        month = v["reference"]
        base = version_for(v.get("base"), str(month))
        proposed = version_for(v["proposed"], None)
        return Response(
            simulation.compare(
                base=base, proposed=proposed, month=month, billed=selectors.billed_consumptions(month)
            )
        )


class BillOut(serializers.ModelSerializer):
    reference = serializers.SerializerMethodField()
    account_number = serializers.CharField(source="property.account_number")

    class Meta:
        model = Bill
        fields = [
            "id",
            "property",
            "account_number",
            "reference",
            "due_date",
            "status",
            "total",
            "consumption_m3",
            "consumption_kind",
            "barcode",
            "typeable_line",
            "tariff_act",
            "run",
            "replaces",
            "hold",
            "issued_at",
            "cancelled_at",
            "cancel_reason",
        ]

    def get_reference(self, obj: Bill) -> str:
        return f"{obj.reference:%Y-%m}"


class BillItemOut(serializers.Serializer):
    kind = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    band = serializers.CharField()
    quantity_m3 = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=4)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    source = serializers.CharField()
    source_id = serializers.CharField()


class BillDetailOut(BillOut):
    items = BillItemOut(many=True, read_only=True)
    anomalies = serializers.SerializerMethodField()

    class Meta(BillOut.Meta):
        fields = [*BillOut.Meta.fields, "items", "anomalies"]

    def get_anomalies(self, obj: Bill) -> list[dict[str, str]]:
        return [{"code": a.code, "message": a.message} for a in obj.anomalies.all()]


class BillListApi(APIView):
    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bills"

    @extend_schema(operation_id="bills_list", responses={200: BillOut(many=True)})
    def get(self, request: Request) -> Response:
        q = request.query_params
        try:
            qs = selectors.bill_list(
                property_id=int(q["property"]) if q.get("property") else None,
                # `month` is the same filter under the name the reports' fixed point uses (ADR 0233)
                reference=q.get("reference", "") or q.get("month", ""),
                status=q.get("status", ""),
                run=int(q["run"]) if q.get("run") else None,
            )
        except ValueError as exc:
            raise ValidationFailed(str(exc), field="reference", code=ErrorCode.REFERENCE_INVALID) from None
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(BillOut(page, many=True).data)


class BillDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bills"

    @extend_schema(responses={200: BillDetailOut})
    def get(self, request: Request, pk: int) -> Response:
        bill = get_object_or_404(
            Bill.objects.select_related("property").prefetch_related("items", "anomalies"), pk=pk
        )
        return Response(BillDetailOut(bill).data)


class BillPdfApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bills"

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> HttpResponse:
        bill = get_object_or_404(Bill, pk=pk)
        response = HttpResponse(bill_pdf(bill), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="fatura-{bill.pk}.pdf"'
        return response


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    consumption_m3 = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class _BillWithReasonApi(APIView):
    """A write on one bill that needs only the reason (cancel, accept the critique)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bills"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}
    service: ClassVar[Callable[..., Bill]]

    @extend_schema(request=ReasonIn, responses={200: BillOut})
    def post(self, request: Request, pk: int) -> Response:
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        bill = type(self).service(
            actor=request.user, bill=get_object_or_404(Bill, pk=pk), reason=data.validated_data["reason"]
        )
        return Response(BillOut(bill).data)


class BillCancelApi(_BillWithReasonApi):
    service = staticmethod(bill_services.bill_cancel)


class BillCritiqueAcceptApi(_BillWithReasonApi):
    service = staticmethod(bill_services.bill_critique_accept)


class UnitIn(serializers.Serializer):
    category = serializers.CharField(max_length=20)
    subcategory = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    economies = serializers.IntegerField(min_value=1)


class ServiceLineIn(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))


class RebillIn(serializers.Serializer):
    """An alteração de fatura: the reason and what changes (everything optional)."""

    reason = serializers.CharField(max_length=500)
    due_date = serializers.DateField(required=False, allow_null=True, help_text="novo vencimento (dia útil)")
    reading = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text="leitura aferida"
    )
    consumption_m3 = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    remove_water = serializers.BooleanField(required=False, default=False)
    remove_sewer = serializers.BooleanField(required=False, default=False)
    units = UnitIn(many=True, required=False, allow_null=True, help_text="categorias e economias a faturar")
    leak_percent = serializers.IntegerField(
        required=False, allow_null=True, help_text="desconto por vazamento (%)"
    )
    leak_by_average = serializers.BooleanField(
        required=False, default=False, help_text="vazamento: faturar a média dos últimos seis meses"
    )
    hold = serializers.ChoiceField(
        choices=BillHold.choices, required=False, allow_null=True, help_text="retenção; vazio a retira"
    )
    drop_items = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        help_text='itens de outros módulos retirados desta fatura, como "origem:id"',
    )
    add_services = ServiceLineIn(many=True, required=False, default=list, help_text="serviços incluídos")

    def changes(self) -> BillChanges:
        d = self.validated_data
        units = d.get("units")
        return BillChanges(
            due_date=d.get("due_date"),
            reading=d.get("reading"),
            consumption_m3=d.get("consumption_m3"),
            remove_water=d["remove_water"],
            remove_sewer=d["remove_sewer"],
            units=None
            if units is None
            else tuple(UnitFact(u["category"], u["subcategory"], u["economies"]) for u in units),
            leak_percent=d.get("leak_percent"),
            leak_by_average=d["leak_by_average"],
            hold=d.get("hold"),
            drop_items=tuple(d["drop_items"]),
            add_services=tuple(ServiceLine(x["description"], x["amount"]) for x in d["add_services"]),
        )


class BillRebillApi(APIView):
    """POST /api/v1/bills/{id}/rebill: change the bill (seed 001 3.2.13.9). With `?preview=1` it
    answers the before and after and writes nothing."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bills"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=RebillIn, responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = RebillIn(data=request.data)
        data.is_valid(raise_exception=True)
        preview = request.query_params.get("preview") in ("1", "true")
        get_object_or_404(Bill, pk=pk)
        outcome = rebill_services.rebill(
            actor=request.user,
            bill_id=pk,
            changes=data.changes(),
            reason=data.validated_data["reason"],
            preview=preview,
        )
        change = {"kind": outcome.kind, "before": outcome.before.as_json(), "after": outcome.after.as_json()}
        if outcome.bill is None:
            return Response({"preview": True, **change})
        body = {**BillOut(outcome.bill).data, "change": change}
        return Response(
            body, status=status.HTTP_201_CREATED if outcome.kind == "reissue" else status.HTTP_200_OK
        )


class RunIn(serializers.Serializer):
    group = serializers.IntegerField(help_text="código do grupo de faturamento")
    reference = YearMonthField()
    chunk_size = serializers.IntegerField(min_value=1, max_value=5000, default=1000)


def run_json(run: BillingRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "group": run.group.code,
        "reference": f"{run.reference:%Y-%m}",
        "status": run.status,
        "attention": run.attention,
        "total_properties": run.total_properties,
        "total_chunks": run.total_chunks,
        "done_chunks": run.done_chunks,
        "progress_percent": run.progress_percent,
        "bills": run.bills_count,
        "errors": [
            {"property": e.property_id, "code": e.code, "detail": e.message} for e in run.errors.all()[:500]
        ],
        "errors_count": run.errors_count,
        "anomalies_count": run.anomalies_count,
        "held_in_critique": run_services.held_in_critique(run),
        "total_amount": format(run.total_amount, "f"),
    }


class RunCreateApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.runs"

    @extend_schema(request=RunIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = RunIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        group = BillingGroup.objects.filter(code=v["group"]).first()
        if group is None:
            raise ValidationFailed(
                f"Grupo {v['group']} não existe.", field="group", code=ErrorCode.GROUP_NOT_FOUND
            )
        run = run_services.run_create(
            actor=request.user,
            group=group,
            reference=v["reference"],
            chunk_size=v["chunk_size"],
        )
        return Response(run_json(run), status=status.HTTP_201_CREATED)


class RunDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.runs"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(run_json(get_object_or_404(BillingRun.objects.select_related("group"), pk=pk)))


class RunResumeApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.runs"

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        run = get_object_or_404(BillingRun.objects.select_related("group"), pk=pk)
        run_services.run_resume(actor=request.user, run=run)
        run.refresh_from_db()
        return Response(run_json(run))


class RunReleaseApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.runs"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        run = get_object_or_404(BillingRun.objects.select_related("group"), pk=pk)
        run_services.run_release(actor=request.user, run=run, reason=str(request.data.get("reason", "")))
        run.refresh_from_db()
        return Response(run_json(run))


class BillingSettingsIO(serializers.Serializer):
    min_days_after_issue = serializers.IntegerField(
        required=False, help_text="prazo mínimo entre a emissão e o vencimento (dias, 1 a 30)"
    )
    history_months = serializers.IntegerField(
        required=False, help_text="meses de histórico de consumo na fatura (6 a 24)"
    )
    m3_per_outlet = serializers.IntegerField(
        required=False, help_text="m³ por tomada d'água de um imóvel sem hidrômetro (0 a 100; 0: o mínimo)"
    )
    max_water_leak_percent = serializers.IntegerField(
        required=False, help_text="desconto máximo por vazamento na água (%, 0 a 100)"
    )
    max_sewer_leak_percent = serializers.IntegerField(
        required=False, help_text="desconto máximo por vazamento no esgoto (%, 0 a 100)"
    )
    # h-bill: seed 001 3.2.7.12.5, .6, .7, .11
    first_bill_min_days = serializers.IntegerField(
        required=False, help_text="dias mínimos entre a ligação (ou religação) e a leitura da primeira fatura"
    )
    history_start = YearMonthField(
        required=False, allow_null=True, help_text="primeiro mês do histórico impresso na fatura (AAAA-MM)"
    )
    delivery_fee = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text="taxa de entrega em endereço alternativo (R$, texto; 0.00: não cobra)",
    )
    print_excess_message = serializers.BooleanField(
        required=False, help_text="imprimir a mensagem de consumo excessivo"
    )
    common_area_policy = serializers.ChoiceField(
        choices=["master", "apportion"],
        required=False,
        help_text="área comum do condomínio: na fatura do principal ou rateada entre os dependentes",
    )

    def validate_history_start(self, value: Any) -> Any:
        return value.first_day() if value is not None else None


def _settings_json(row: Any) -> dict[str, Any]:
    out = {name: getattr(row, name) for name in settings_services.SETTINGS_FIELDS}
    out["delivery_fee"] = format(row.delivery_fee, "f")
    out["history_start"] = f"{row.history_start:%Y-%m}" if row.history_start else None
    return out


class BillingSettingsApi(APIView):
    """The utility's billing settings: read by whoever sees them, changed (audited) by whoever may."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.settings"

    @extend_schema(operation_id="billing_settings_read", responses={200: BillingSettingsIO})
    def get(self, request: Request) -> Response:
        return Response(_settings_json(settings_services.billing_settings()))

    @extend_schema(
        operation_id="billing_settings_update", request=BillingSettingsIO, responses={200: BillingSettingsIO}
    )
    def put(self, request: Request) -> Response:
        data = BillingSettingsIO(data=request.data)
        data.is_valid(raise_exception=True)
        row = settings_services.billing_settings_update(actor=request.user, **data.validated_data)
        return Response(_settings_json(row))


class BillMessageIO(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    valid_from = YearMonthField(help_text="primeira referência (AAAA-MM)")
    valid_until = YearMonthField(
        required=False, allow_null=True, default=None, help_text="última (vazio: sem fim)"
    )
    billing_group = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=32767,
        help_text="código do grupo (vazio: todos)",
    )
    category = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, default=None, help_text="código (vazio: todas)"
    )
    condition = serializers.ChoiceField(choices=BillText.Condition.values, required=False, default="")

    def validate_billing_group(self, value: int | None) -> BillingGroup | None:
        if value is None:
            return None
        group = BillingGroup.objects.filter(code=value).first()
        if group is None:
            raise serializers.ValidationError(f"Grupo {value} não existe.")
        return group  # type: ignore[no-any-return]

    def validate_category(self, value: str | None) -> Category | None:
        if not value:
            return None
        category = Category.objects.filter(code=value).first()
        if category is None:
            raise serializers.ValidationError(f"Categoria {value} não existe no cadastro.")
        return category  # type: ignore[no-any-return]


def _message_json(text: BillText) -> dict[str, Any]:
    return {"id": text.pk, **text_services.message_snapshot(text)}


class BillMessageListApi(APIView):
    """Bill messages aimed by billing group, category, reference months and condition."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bill_texts"

    @extend_schema(operation_id="billing_messages_list", responses={200: BillMessageIO(many=True)})
    def get(self, request: Request) -> Response:
        rows = BillText.objects.filter(kind=BillText.Kind.MESSAGE).select_related("billing_group", "category")
        return Response([_message_json(t) for t in rows.order_by("-valid_from", "id")])

    @extend_schema(request=BillMessageIO, responses={201: BillMessageIO})
    def post(self, request: Request) -> Response:
        data = BillMessageIO(data=request.data)
        data.is_valid(raise_exception=True)
        text = text_services.bill_message_create(actor=request.user, **data.validated_data)
        return Response(_message_json(text), status=status.HTTP_201_CREATED)


class BillMessageDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bill_texts"

    @extend_schema(operation_id="billing_message_read", responses={200: BillMessageIO})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_message_json(get_object_or_404(BillText, pk=pk, kind=BillText.Kind.MESSAGE)))

    @extend_schema(request=BillMessageIO, responses={200: BillMessageIO})
    def put(self, request: Request, pk: int) -> Response:
        text = get_object_or_404(BillText, pk=pk, kind=BillText.Kind.MESSAGE)
        data = BillMessageIO(data=request.data)
        data.is_valid(raise_exception=True)
        text = text_services.bill_message_update(actor=request.user, message=text, **data.validated_data)
        return Response(_message_json(text))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        text_services.bill_message_delete(
            actor=request.user, message=get_object_or_404(BillText, pk=pk, kind=BillText.Kind.MESSAGE)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class QualityRowIO(serializers.Serializer):
    parameter = serializers.CharField(max_length=80)
    required = serializers.CharField(max_length=20)
    analysed = serializers.CharField(max_length=20)
    conforming = serializers.CharField(max_length=20)
    standard = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class QualityTableIO(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    month = YearMonthField(help_text="mês das amostras (AAAA-MM)")
    title = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    rows = QualityRowIO(many=True)


def _quality_json(text: BillText) -> dict[str, Any]:
    return {"id": text.pk, **text_services.quality_snapshot(text)}


def _quality_save(request: Request, table: BillText | None) -> BillText:
    data = QualityTableIO(data=request.data)
    data.is_valid(raise_exception=True)
    v = data.validated_data
    return text_services.quality_table_save(
        actor=request.user,
        month=v["month"],
        title=v["title"],
        note=v["note"],
        rows=[text_services.QualityRow(**r) for r in v["rows"]],
        table=table,
    )


class QualityTableListApi(APIView):
    """The monthly water-quality tables printed on bills (until the quality module feeds them)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bill_texts"

    @extend_schema(operation_id="billing_water_quality_list", responses={200: QualityTableIO(many=True)})
    def get(self, request: Request) -> Response:
        rows = BillText.objects.filter(kind=BillText.Kind.WATER_QUALITY).order_by("-valid_from")
        return Response([_quality_json(t) for t in rows])

    @extend_schema(request=QualityTableIO, responses={201: QualityTableIO})
    def post(self, request: Request) -> Response:
        return Response(_quality_json(_quality_save(request, None)), status=status.HTTP_201_CREATED)


class QualityTableDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.bill_texts"

    @extend_schema(operation_id="billing_water_quality_read", responses={200: QualityTableIO})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_quality_json(get_object_or_404(BillText, pk=pk, kind=BillText.Kind.WATER_QUALITY)))

    @extend_schema(request=QualityTableIO, responses={200: QualityTableIO})
    def put(self, request: Request, pk: int) -> Response:
        table = get_object_or_404(BillText, pk=pk, kind=BillText.Kind.WATER_QUALITY)
        return Response(_quality_json(_quality_save(request, table)))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        text_services.quality_table_delete(
            actor=request.user, table=get_object_or_404(BillText, pk=pk, kind=BillText.Kind.WATER_QUALITY)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
