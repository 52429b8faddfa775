"""Staff API of the critique's rule set, the minimum invoice values and a run's critique report
(ADR 0226)."""

from __future__ import annotations

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

from .domain.critique import RULE_KIND_LABELS, RuleKind
from .models import BillingRun, CritiqueRule
from .print_file import run_print_file
from .services import critique


def rule_out(rule: CritiqueRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "name": rule.name,
        "kind": rule.kind,
        "kind_label": RULE_KIND_LABELS[RuleKind(rule.kind)],
        "threshold": str(rule.threshold),
        "category": rule.category.code if rule.category_id else "",
        "active": rule.active,
    }


class CritiqueRuleIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=[k.value for k in RuleKind])
    threshold = serializers.CharField(max_length=20, help_text="R$, m³ ou %, como o tipo diz")
    category = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    active = serializers.BooleanField(required=False, default=True)


def _input(request: Request) -> critique.RuleInput:
    data = CritiqueRuleIn(data=request.data)
    data.is_valid(raise_exception=True)
    return critique.RuleInput(**data.validated_data)


class CritiqueRulesApi(APIView):
    """GET/POST /api/v1/billing/critique-rules: the rules that hold bills in critique."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.runs"

    @extend_schema(operation_id="billing_critique_rules_get", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        rows = CritiqueRule.objects.select_related("category").order_by("id")
        return Response({"rules": [rule_out(r) for r in rows]})

    @extend_schema(request=CritiqueRuleIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        rule = critique.critique_rule_create(actor=request.user, data=_input(request))
        return Response(rule_out(rule), status=status.HTTP_201_CREATED)


class CritiqueRuleApi(APIView):
    """PUT /api/v1/billing/critique-rules/{id}: change a rule (or turn it off with active=false)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.runs"

    @extend_schema(request=CritiqueRuleIn, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request, pk: int) -> Response:
        rule = critique.critique_rule_update(actor=request.user, rule_id=pk, data=_input(request))
        return Response(rule_out(rule))


def _minimum_out(row: Any) -> dict[str, str]:
    return {"single_bill": f"{row.single_bill:.2f}", "run_bill": f"{row.run_bill:.2f}"}


class InvoiceMinimumIn(serializers.Serializer):
    single_bill = serializers.CharField(max_length=20, help_text="fatura avulsa (R$)")
    run_bill = serializers.CharField(max_length=20, help_text="fatura do faturamento do grupo (R$)")


class InvoiceMinimumApi(APIView):
    """GET/PUT /api/v1/billing/invoice-minimum: the least a bill must come to for it to be issued."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.settings"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        row = critique.minimums()
        return Response(_minimum_out(row))

    @extend_schema(request=InvoiceMinimumIn, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request) -> Response:
        data = InvoiceMinimumIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = critique.invoice_minimum_update(actor=request.user, **data.validated_data)
        return Response(_minimum_out(row))


def report_out(report: critique.CritiqueReport) -> dict[str, Any]:
    return {
        "run": report.run_id,
        "bills": report.bills,
        "held": report.held,
        "held_amount": str(report.held_amount),
        "below_minimum": report.below_minimum,
        "rows": [
            {"code": r.code, "label": r.label, "bills": r.bills, "open": r.open, "amount": str(r.amount)}
            for r in report.rows
        ],
    }


class RunCritiqueApi(APIView):
    """GET /api/v1/billing/runs/{id}/critique: the run's critique report."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.runs"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        run = get_object_or_404(BillingRun, pk=pk)
        return Response(report_out(critique.critique_report(run)))


class RunPrintFileApi(APIView):
    """GET /api/v1/billing/runs/{id}/print-file: the print-shop file of the run's issued bills (CSV)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.runs"

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, pk: int) -> HttpResponse:
        run = get_object_or_404(BillingRun.objects.select_related("group"), pk=pk)
        response = HttpResponse(run_print_file(run), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="grafica-grupo{run.group.code}-{run.reference:%Y%m}.csv"'
        )
        return response
