"""Staff API of collection's settings (function `collection.settings`): collecting agents, index
series and their monthly rates (by hand or the Central Bank's CSV), late-charge policy versions."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.domain.dates import YearMonth
from modules.common.errors import NotFound, ValidationFailed
from modules.common.parsers import JSONObjectParser

from . import agents, index_rates, late_charge_policies
from .errors import ErrorCode
from .models import CollectingAgent, IndexRate, IndexSeries, LateChargePolicyVersion, PixReceiver

FUNCTION = "collection.settings"

# the API's field names → the agent's
AGENT_FIELDS = {
    "name": "name",
    "channel": "kind",
    "agreement": "agreement_code",
    "contract": "contract_number",
    "contract_start": "contract_start",
    "contract_end": "contract_end",
    "fee": "fee_per_payment",
    "credit_days": "credit_days",
    "active": "active",
    "report_emails": "report_emails",
}


class AgentOut(serializers.ModelSerializer):
    channel = serializers.CharField(source="kind")
    channel_label = serializers.CharField(source="get_kind_display")
    agreement = serializers.CharField(source="agreement_code")
    contract = serializers.CharField(source="contract_number")
    fee = serializers.DecimalField(source="fee_per_payment", max_digits=8, decimal_places=2)

    class Meta:
        model = CollectingAgent
        fields = [
            "id",
            "code",
            "name",
            "channel",
            "channel_label",
            "agreement",
            "contract",
            "contract_start",
            "contract_end",
            "fee",
            "credit_days",
            "active",
            "report_emails",
        ]


class AgentIn(serializers.Serializer):
    code = serializers.CharField(
        max_length=10, help_text="código do banco no arquivo retorno (A.05, 3 dígitos)"
    )
    name = serializers.CharField(max_length=120)
    # a plain string, checked by the service (pt-BR, field `channel`): as an enum it would collide in
    # the schema with the payment's `channel` (a different list)
    channel = serializers.CharField(
        max_length=14,
        default=CollectingAgent.Kind.BANK,
        help_text="; ".join(f"{value} ({label})" for value, label in CollectingAgent.Kind.choices),
    )
    agreement = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    contract = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    contract_start = serializers.DateField(required=False, allow_null=True, default=None)
    contract_end = serializers.DateField(required=False, allow_null=True, default=None)
    fee = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, default="0.00"
    )
    credit_days = serializers.IntegerField(min_value=0, max_value=365, required=False, default=1)
    active = serializers.BooleanField(required=False, default=True)
    report_emails = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="e-mails (separados por vírgula) do resultado de cada arquivo da pasta de entrada",
    )


class AgentPatchIn(AgentIn):
    code = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


def _agent_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {AGENT_FIELDS[k]: v for k, v in data.items() if k in AGENT_FIELDS}


class AgentsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    parser_classes: ClassVar[list[Any]] = [JSONObjectParser]

    @extend_schema(responses={200: AgentOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(AgentOut(agents.agent_list(), many=True).data)

    @extend_schema(request=AgentIn, responses={201: AgentOut})
    def post(self, request: Request) -> Response:
        data = AgentIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = _agent_fields(dict(data.validated_data))
        agent = agents.agent_create(actor=request.user, code=data.validated_data["code"], **fields)
        return Response(AgentOut(agent).data, status=status.HTTP_201_CREATED)


class AgentApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    parser_classes: ClassVar[list[Any]] = [JSONObjectParser]

    @extend_schema(responses={200: AgentOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(AgentOut(agents.agent_get(pk)).data)

    @extend_schema(request=AgentPatchIn, responses={200: AgentOut})
    def patch(self, request: Request, pk: int) -> Response:
        data = AgentPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        given = {k: v for k, v in data.validated_data.items() if k in request.data}
        agent = agents.agent_update(actor=request.user, agent_id=pk, **_agent_fields(given))
        return Response(AgentOut(agent).data)


class IndexSeriesOut(serializers.ModelSerializer):
    class Meta:
        model = IndexSeries
        fields = ["code", "name", "provisional_rate", "sgs_code"]


class IndexRateOut(serializers.ModelSerializer):
    index = serializers.CharField(source="series.code")
    month = serializers.SerializerMethodField()

    class Meta:
        model = IndexRate
        fields = [
            "id",
            "index",
            "month",
            "rate",
            "provisional",
            "source",
            "recorded_at",
            "recorded_by",
            "reason",
        ]

    def get_month(self, row: IndexRate) -> str:
        return f"{row.month:%Y-%m}"


class IndexRateIn(serializers.Serializer):
    index = serializers.CharField(max_length=10, help_text="código do índice (SELIC, IPCA…)")
    month = serializers.CharField(help_text="AAAA-MM")
    rate = serializers.DecimalField(
        max_digits=10,
        decimal_places=6,
        min_value=-1,
        max_value=1,
        help_text='fração mensal: 0,93 % é "0.0093"',
    )
    provisional = serializers.BooleanField(required=False, default=False)
    correction = serializers.BooleanField(
        required=False,
        default=False,
        help_text="registra nova versão de uma taxa já usada em acréscimos faturados",
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def _month(text: str) -> YearMonth:
    try:
        return YearMonth.parse(text)
    except ValueError as exc:
        raise ValidationFailed(
            "Informe o mês no formato AAAA-MM (ex.: 2026-10).", field="month", code=ErrorCode.INVALID
        ) from exc


class IndexSeriesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION

    @extend_schema(responses={200: IndexSeriesOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(IndexSeriesOut(index_rates.series_list(), many=True).data)


class IndexRatesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    parser_classes: ClassVar[list[Any]] = [JSONObjectParser]

    @extend_schema(
        parameters=[OpenApiParameter("index", str, description="código do índice (SELIC, IPCA…)")],
        responses={200: IndexRateOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        """Every recorded row, corrections included (the month's rate is its latest row)."""
        qs = IndexRate.objects.select_related("series").order_by("series__code", "month", "recorded_at", "id")
        code = request.query_params.get("index", "")
        if code:
            qs = qs.filter(series=index_rates.series_get(code))
        return Response(IndexRateOut(qs, many=True).data)

    @extend_schema(request=IndexRateIn, responses={201: IndexRateOut, 200: IndexRateOut})
    def post(self, request: Request) -> Response:
        data = IndexRateIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        row, outcome = index_rates.index_rate_register(
            actor=request.user,
            index=v["index"],
            month=_month(v["month"]),
            rate=v["rate"],
            provisional=v["provisional"],
            correction=v["correction"],
            reason=v["reason"],
        )
        code = status.HTTP_201_CREATED if outcome in ("created", "corrected") else status.HTTP_200_OK
        return Response({**IndexRateOut(row).data, "outcome": outcome}, status=code)


class IndexRatesCsvApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}
    parser_classes: ClassVar[list[Any]] = [MultiPartParser, FormParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "index": {"type": "string"},
                    "file": {"type": "string", "format": "binary"},
                    "correction": {"type": "boolean"},
                    "reason": {"type": "string"},
                },
            }
        },
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                "Envie o CSV do Banco Central (data;valor) no campo 'file'.",
                field="file",
                code=ErrorCode.INVALID,
            )
        result = index_rates.index_rates_import_csv(
            actor=request.user,
            index=str(request.data.get("index", "")),
            data=upload.read(),
            filename=upload.name or "",
            correction=str(request.data.get("correction", "")).lower() in ("1", "true", "on", "sim"),
            reason=str(request.data.get("reason", "")),
        )
        return Response(
            {
                "created": result.created,
                "changed": result.changed,
                "corrected": result.corrected,
                "unchanged": result.unchanged,
            }
        )


class PolicyOut(serializers.ModelSerializer):
    interest_index = serializers.CharField(source="interest_index.code", default=None, allow_null=True)
    correction_index = serializers.CharField(source="correction_index.code", default=None, allow_null=True)

    class Meta:
        model = LateChargePolicyVersion
        fields = [
            "id",
            "effective_from",
            "resolution",
            "fine_rate",
            "interest_method",
            "interest_rate",
            "interest_on_fine",
            "interest_index",
            "correction_index",
            "rounding",
            "accrues_from",
            "created_by",
            "created_at",
        ]


class PolicyIn(serializers.Serializer):
    effective_from = serializers.DateField()
    resolution = serializers.CharField(max_length=200, required=False, allow_blank=True)
    fine_rate = serializers.DecimalField(
        max_digits=6, decimal_places=4, min_value=0, max_value=1, required=False
    )
    interest_method = serializers.ChoiceField(choices=LateChargePolicyVersion.Method.choices, required=False)
    interest_rate = serializers.DecimalField(
        max_digits=8, decimal_places=6, min_value=0, max_value=1, required=False
    )
    interest_on_fine = serializers.BooleanField(required=False)
    interest_index = serializers.CharField(max_length=10, required=False, allow_null=True, allow_blank=True)
    correction_index = serializers.CharField(max_length=10, required=False, allow_null=True, allow_blank=True)
    rounding = serializers.ChoiceField(choices=["truncate", "half_up"], required=False)
    accrues_from = serializers.DateField(required=False, allow_null=True)


class LateChargePoliciesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    parser_classes: ClassVar[list[Any]] = [JSONObjectParser]

    @extend_schema(responses={200: PolicyOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(PolicyOut(late_charge_policies.policy_version_list(), many=True).data)

    @extend_schema(request=PolicyIn, responses={201: PolicyOut})
    def post(self, request: Request) -> Response:
        data = PolicyIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = late_charge_policies.late_charge_policy_add(actor=request.user, **data.validated_data)
        return Response(PolicyOut(version).data, status=status.HTTP_201_CREATED)


class PixReceiverOut(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.code")
    key_kind = serializers.SerializerMethodField()

    class Meta:
        model = PixReceiver
        fields = ["agent", "key", "key_kind", "merchant_name", "merchant_city", "created_by", "created_at"]

    def get_key_kind(self, obj: PixReceiver) -> str:
        from .pix_bill import pix_key_kind

        return pix_key_kind(obj.key)


class PixReceiverIn(serializers.Serializer):
    agent = serializers.CharField(max_length=10, help_text="código do banco que recebe o Pix")
    key = serializers.CharField(
        max_length=120, help_text="CPF, CNPJ, e-mail, telefone (+55 DDD número) ou chave aleatória (EVP)"
    )
    merchant_name = serializers.CharField(max_length=25)
    merchant_city = serializers.CharField(max_length=15)


class PixReceiverApi(APIView):
    """The PIX key the bills carry (ADR 0217, 0246): the active one, and its replacement."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION
    parser_classes: ClassVar[list[Any]] = [JSONObjectParser]

    @extend_schema(operation_id="collection_pix_receiver_get", responses={200: PixReceiverOut})
    def get(self, request: Request) -> Response:
        from .pix_bill import pix_receiver_get

        receiver = pix_receiver_get()
        if receiver is None:
            raise NotFound("Nenhuma chave Pix cadastrada.", code=ErrorCode.PIX_RECEIVER_NOT_FOUND)
        return Response(PixReceiverOut(receiver).data)

    @extend_schema(
        operation_id="collection_pix_receiver_set", request=PixReceiverIn, responses={200: PixReceiverOut}
    )
    def put(self, request: Request) -> Response:
        from .pix_bill import pix_receiver_set

        data = PixReceiverIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        receiver = pix_receiver_set(
            actor=request.user,
            agent_code=v["agent"],
            key=v["key"],
            merchant_name=v["merchant_name"],
            merchant_city=v["merchant_city"],
        )
        return Response(PixReceiverOut(receiver).data)
