"""Staff API of direct debit (débito automático, ADR 0235): agreements, authorisations, remittances and
their files, returns, the unidentified-enrolment queue and what staff decide for a bill."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.api import PageNumberPagination
from modules.common.errors import NotFound

from . import direct_debit as dd
from .errors import ErrorCode
from .models import (
    DirectDebitAgreement,
    DirectDebitAuthorization,
    DirectDebitBillControl,
    DirectDebitEnrolmentQueue,
    DirectDebitRemittance,
    DirectDebitReturn,
)

FUNCTION = "collection.direct_debit"


class DebitAgreementOut(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.code")

    class Meta:
        model = DirectDebitAgreement
        fields = ["id", "agent", "code", "name", "layout_version", "last_sequence", "active"]


class DebitAgreementIn(serializers.Serializer):
    agent = serializers.CharField(help_text="código do banco (agente arrecadador)")
    code = serializers.CharField(help_text="convênio de débito (A.03)")
    name = serializers.CharField(required=False, allow_blank=True, default="")
    layout_version = serializers.CharField(required=False, default="05")


class DebitAuthorizationOut(serializers.ModelSerializer):
    account_number = serializers.CharField(source="property.account_number")
    agreement = serializers.CharField(source="agreement.code")
    account = serializers.CharField(source="masked_account")

    class Meta:
        model = DirectDebitAuthorization
        fields = [
            "id",
            "property",
            "account_number",
            "agreement",
            "branch",
            "account",
            "status",
            "origin",
            "pending",
            "opted_on",
            "cancelled_on",
        ]


class DebitAuthorizationIn(serializers.Serializer):
    property = serializers.IntegerField()
    agreement = serializers.IntegerField()
    branch = serializers.CharField()
    account = serializers.CharField()
    opted_on = serializers.DateField(required=False)


class DebitReasonIn(serializers.Serializer):
    reason = serializers.CharField()


class DebitRemittanceOut(serializers.ModelSerializer):
    agreement = serializers.CharField(source="agreement.code")
    agent = serializers.CharField(source="agreement.agent.code")

    class Meta:
        model = DirectDebitRemittance
        fields = [
            "id",
            "agent",
            "agreement",
            "sequence",
            "generated_on",
            "due_until",
            "debit_count",
            "enrolment_count",
            "total",
            "created_by",
            "created_at",
        ]


class DebitRemittanceIn(serializers.Serializer):
    agent = serializers.CharField(help_text="código do banco")
    due_until = serializers.DateField()
    agreement = serializers.CharField(required=False, allow_blank=True, default="")


class DebitReturnOut(serializers.ModelSerializer):
    agreement = serializers.CharField(source="agreement.code")

    class Meta:
        model = DirectDebitReturn
        fields = [
            "id",
            "agreement",
            "filename",
            "sequence",
            "generated_on",
            "record_count",
            "total",
            "debited_count",
            "refused_count",
            "review_count",
            "enrolment_count",
            "unidentified_count",
            "warnings",
            "uploaded_by",
            "created_at",
        ]


class DebitEnrolmentOut(serializers.ModelSerializer):
    agreement = serializers.CharField(source="agreement.code")
    customer_id = serializers.CharField(source="record.customer_id")
    branch = serializers.CharField(source="record.branch")
    account = serializers.CharField(source="record.account")
    on = serializers.DateField(source="record.on")
    movement = serializers.CharField(source="record.code")
    line = serializers.IntegerField(source="record.line")

    class Meta:
        model = DirectDebitEnrolmentQueue
        fields = [
            "id",
            "agreement",
            "customer_id",
            "branch",
            "account",
            "on",
            "movement",
            "line",
            "status",
            "property",
            "resolution",
        ]


class DebitLinkIn(serializers.Serializer):
    property = serializers.IntegerField()
    reason = serializers.CharField()


class DebitBillControlIn(serializers.Serializer):
    frozen = serializers.BooleanField()
    forced_agreement = serializers.IntegerField(required=False, allow_null=True, default=None)
    reason = serializers.CharField()


class DebitBillControlOut(serializers.ModelSerializer):
    class Meta:
        model = DirectDebitBillControl
        fields = ["bill", "frozen", "forced_agreement", "resend_reason", "reason", "updated_by", "updated_at"]


class _Base(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION


class _Page(_Base):
    pagination_class = PageNumberPagination

    def page(self, request: Request, qs: Any, serializer: type[serializers.Serializer]) -> Response:
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(serializer(rows, many=True).data)


class DebitAgreementsApi(_Page):
    @extend_schema(
        operation_id="collection_debit_agreements_list", responses={200: DebitAgreementOut(many=True)}
    )
    def get(self, request: Request) -> Response:
        return self.page(request, DirectDebitAgreement.objects.select_related("agent"), DebitAgreementOut)

    @extend_schema(request=DebitAgreementIn, responses={201: DebitAgreementOut})
    def post(self, request: Request) -> Response:
        data = DebitAgreementIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        agreement = dd.agreement_create(
            actor=request.user,
            agent_code=v["agent"],
            code=v["code"],
            name=v["name"],
            layout_version=v["layout_version"],
        )
        return Response(DebitAgreementOut(agreement).data, status=status.HTTP_201_CREATED)


class DebitAuthorizationsApi(_Page):
    @extend_schema(
        parameters=[OpenApiParameter("property", int), OpenApiParameter("status", str)],
        responses={200: DebitAuthorizationOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        qs = DirectDebitAuthorization.objects.select_related("property", "agreement")
        prop = request.query_params.get("property", "")
        if prop.isdigit():
            qs = qs.filter(property_id=int(prop))
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
        return self.page(request, qs, DebitAuthorizationOut)

    @extend_schema(request=DebitAuthorizationIn, responses={201: DebitAuthorizationOut})
    def post(self, request: Request) -> Response:
        data = DebitAuthorizationIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        auth = dd.authorization_create(
            actor=request.user,
            property_id=v["property"],
            agreement_id=v["agreement"],
            branch=v["branch"],
            account=v["account"],
            opted_on=v.get("opted_on"),
        )
        return Response(DebitAuthorizationOut(auth).data, status=status.HTTP_201_CREATED)


class DebitAuthorizationCancelApi(_Base):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=DebitReasonIn, responses={200: DebitAuthorizationOut})
    def post(self, request: Request, pk: int) -> Response:
        data = DebitReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        auth = dd.authorization_cancel(
            actor=request.user, authorization_id=pk, reason=data.validated_data["reason"]
        )
        return Response(DebitAuthorizationOut(auth).data)


class DebitRemittancesApi(_Page):
    @extend_schema(responses={200: DebitRemittanceOut(many=True)})
    def get(self, request: Request) -> Response:
        return self.page(
            request, DirectDebitRemittance.objects.select_related("agreement__agent"), DebitRemittanceOut
        )

    @extend_schema(request=DebitRemittanceIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = DebitRemittanceIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        made = dd.remittance_create(
            actor=request.user, agent_code=v["agent"], due_until=v["due_until"], agreement_code=v["agreement"]
        )
        # one remittance per agreement of the bank: `id` is the first, `remittances` all of them
        return Response(
            {"id": made[0].pk, "remittances": DebitRemittanceOut(made, many=True).data},
            status=status.HTTP_201_CREATED,
        )


def _remittance(pk: int) -> DirectDebitRemittance:
    found = DirectDebitRemittance.objects.select_related("agreement__agent").filter(pk=pk).first()
    if found is None:
        raise NotFound("Remessa de débito automático não encontrada.", code=ErrorCode.REMITTANCE_NOT_FOUND)
    return found


class DebitRemittanceApi(_Base):
    @extend_schema(responses={200: DebitRemittanceOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(DebitRemittanceOut(_remittance(pk)).data)


class DebitRemittanceFileApi(_Base):
    @extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR})
    def get(self, request: Request, pk: int) -> HttpResponse:
        remittance = _remittance(pk)
        response = HttpResponse(
            remittance.content.encode("latin-1"), content_type="text/plain; charset=latin-1"
        )
        name = f"DA{remittance.agreement.code}_{remittance.sequence:06d}.rem"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class DebitReturnsApi(_Page):
    @extend_schema(responses={200: DebitReturnOut(many=True)})
    def get(self, request: Request) -> Response:
        return self.page(request, DirectDebitReturn.objects.select_related("agreement"), DebitReturnOut)


class DebitEnrolmentsApi(_Page):
    @extend_schema(
        parameters=[OpenApiParameter("status", str)], responses={200: DebitEnrolmentOut(many=True)}
    )
    def get(self, request: Request) -> Response:
        qs = DirectDebitEnrolmentQueue.objects.select_related("record", "agreement").filter(
            status=request.query_params.get("status") or DirectDebitEnrolmentQueue.Status.OPEN
        )
        return self.page(request, qs, DebitEnrolmentOut)


class DebitEnrolmentLinkApi(_Base):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=DebitLinkIn, responses={200: DebitEnrolmentOut})
    def post(self, request: Request, pk: int) -> Response:
        data = DebitLinkIn(data=request.data)
        data.is_valid(raise_exception=True)
        entry = dd.enrolment_link(
            actor=request.user,
            queue_id=pk,
            property_id=data.validated_data["property"],
            reason=data.validated_data["reason"],
        )
        return Response(DebitEnrolmentOut(entry).data)


class DebitEnrolmentDiscardApi(_Base):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=DebitReasonIn, responses={200: DebitEnrolmentOut})
    def post(self, request: Request, pk: int) -> Response:
        data = DebitReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        entry = dd.enrolment_discard(actor=request.user, queue_id=pk, reason=data.validated_data["reason"])
        return Response(DebitEnrolmentOut(entry).data)


class DebitBillControlApi(_Base):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=DebitBillControlIn, responses={200: DebitBillControlOut})
    def post(self, request: Request, pk: int) -> Response:
        data = DebitBillControlIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        control = dd.bill_control_set(
            actor=request.user,
            bill_id=pk,
            frozen=v["frozen"],
            forced_agreement_id=v["forced_agreement"],
            reason=v["reason"],
        )
        return Response(DebitBillControlOut(control).data)


class DebitBillResendApi(_Base):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=DebitReasonIn, responses={200: DebitBillControlOut})
    def post(self, request: Request, pk: int) -> Response:
        data = DebitReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        control = dd.bill_resend(actor=request.user, bill_id=pk, reason=data.validated_data["reason"])
        return Response(DebitBillControlOut(control).data)
