"""Staff API of LGPD tooling: the subject report (JSON or PDF) and anonymisation on request."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import PageNumberPagination
from modules.common.audit import audit_record

from . import selectors
from .fraud import fraud_finding_close, fraud_hunt_run
from .models import FraudFinding
from .services import subject_anonymise


class SubjectReportApi(APIView):
    """Everything the utility holds on a CPF/CNPJ (`?formato=pdf` for the document). Another
    utility's customer, or nobody's, answers 404. Issuing the report is audited."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "privacy.subjects"

    @extend_schema(
        operation_id="privacy_subject_report",
        parameters=[OpenApiParameter("formato", str, enum=["json", "pdf"])],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, document: str) -> Response | HttpResponse:
        from django.db import transaction

        customer = selectors.subject_get(document)
        report = selectors.subject_report(customer)
        with transaction.atomic():
            audit_record(actor=request.user, action="privacy.subject_report", target=customer)
        if request.query_params.get("formato") == "pdf":
            from .pdf import subject_report_pdf

            response = HttpResponse(subject_report_pdf(report), content_type="application/pdf")
            response["Content-Disposition"] = 'inline; filename="titular.pdf"'
            return response
        return Response(report)


class AnonymiseIn(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class SubjectAnonymiseApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "privacy.subjects"
    function_actions: ClassVar[dict[str, str]] = {"POST": "delete"}

    @extend_schema(
        operation_id="privacy_subject_anonymise", request=AnonymiseIn, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, document: str) -> Response:
        data = AnonymiseIn(data=request.data)
        data.is_valid(raise_exception=True)
        customer = subject_anonymise(
            actor=request.user, document=document, reason=data.validated_data["reason"]
        )
        return Response({"customer": customer.pk, "anonymised": True})


class FindingOut(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.CharField()
    summary = serializers.CharField()
    detail = serializers.JSONField()
    found_at = serializers.DateTimeField()
    status = serializers.CharField()
    closed_by = serializers.CharField()
    close_reason = serializers.CharField()


class FraudFindingsApi(APIView):
    """The queue of fraud-hunting findings (S6.3), open first; `status=open|closed`, `rule=`."""

    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "privacy.fraud"

    @extend_schema(
        operation_id="privacy_fraud_findings",
        parameters=[OpenApiParameter("status", str), OpenApiParameter("rule", str)],
        responses={200: FindingOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        qs = FraudFinding.objects.all()
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
        if request.query_params.get("rule"):
            qs = qs.filter(rule=request.query_params["rule"])
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs.order_by("status", "-found_at", "-id"), request, view=self)
        return paginator.get_paginated_response(FindingOut(page, many=True).data)


class FraudRunApi(APIView):
    """Run the fraud-hunting rules now (they also run nightly)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "privacy.fraud"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(operation_id="privacy_fraud_run", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        result = fraud_hunt_run(actor=request.user)
        return Response(
            {
                "repeated": result.repeated,
                "similar_names": result.similar_names,
                "conflicts": result.conflicts,
            }
        )


class FindingCloseIn(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class FraudFindingCloseApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "privacy.fraud"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(operation_id="privacy_fraud_close", request=FindingCloseIn, responses={200: FindingOut})
    def post(self, request: Request, pk: int) -> Response:
        data = FindingCloseIn(data=request.data)
        data.is_valid(raise_exception=True)
        finding = fraud_finding_close(actor=request.user, finding_id=pk, reason=data.validated_data["reason"])
        return Response(FindingOut(finding).data)
