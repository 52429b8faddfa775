"""Staff API of payable documents (ADR 0228): any document by id with its PDF, the guia avulsa
(stand-alone slip) created with its lines, and credits with their ledger, refund and offset."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction

from . import credits as credit_service
from . import slips
from .models import PaymentAdjustment, PaymentDocument
from .slips_pdf import document_pdf


def document_out(doc: PaymentDocument) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "kind": doc.kind,
        "kind_label": doc.get_kind_display(),
        "status": doc.status,
        "property": doc.property_id,
        "account_number": doc.property.account_number if doc.property_id else None,
        "customer": doc.customer_id,
        "amount": str(doc.amount),
        "valid_until": doc.valid_until.isoformat(),
        "as_of": doc.as_of.isoformat(),
        "barcode": doc.barcode,
        "typeable_line": doc.typeable_line,
        "items": [
            {
                "description": i.description,
                "amount": str(i.amount),
                "source": i.source,
                "source_id": i.source_id,
            }
            for i in doc.items.order_by("position", "id")
        ],
        "bills": [
            {"bill": line.bill_id, "original": str(line.original), "total": str(line.total)}
            for line in doc.lines.order_by("bill_id")
        ],
    }


class DocumentApi(APIView):
    """GET /api/v1/documents/{id}: a payable document (guia avulsa, debt statement, down payment …)
    with its lines, barcode and typeable line."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"

    @extend_schema(operation_id="documents_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(document_out(slips.document_get(pk)))


class DocumentPdfApi(APIView):
    """GET /api/v1/documents/{id}/pdf: the document as PDF, with its stub and barcode."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"

    @extend_schema(operation_id="documents_pdf", responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> HttpResponse:
        doc = slips.document_get(pk)
        response = HttpResponse(document_pdf(doc), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="documento-{doc.pk}.pdf"'
        return response


class SlipLineIn(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class SlipIn(serializers.Serializer):
    property = serializers.IntegerField(required=False, allow_null=True, default=None)
    customer = serializers.IntegerField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField()
    lines = SlipLineIn(many=True)


class SlipsApi(APIView):
    """POST /api/v1/documents/slips: a guia avulsa for a property or a customer, with its lines."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"

    @extend_schema(request=SlipIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = SlipIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        doc = slips.slip_create(
            actor=request.user,
            property_id=v["property"],
            customer_id=v["customer"],
            valid_until=v["valid_until"],
            lines=[slips.SlipLine(line["description"], line["amount"]) for line in v["lines"]],
        )
        return Response(document_out(doc), status=status.HTTP_201_CREATED)


def credit_out(credit: PaymentAdjustment) -> dict[str, Any]:
    ledger = credit_service.credit_ledger(credit)
    return {
        "id": credit.pk,
        "property": credit.property_id,
        "amount": str(credit.amount),
        "balance": str(ledger[-1].balance),
        "ledger": [
            {
                "at": ln.at,
                "kind": ln.kind,
                "kind_label": ln.kind_label,
                "amount": str(ln.amount),
                "balance": str(ln.balance),
                "detail": ln.detail,
            }
            for ln in ledger
        ],
    }


class CreditApi(APIView):
    """GET /api/v1/collection/credits/{id}: a credit with its ledger and balance."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(credit_out(credit_service.credit_get(pk)))


class CreditRefundIn(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=300)


class CreditOffsetIn(CreditRefundIn):
    bills = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class CreditRefundApi(APIView):
    """POST /api/v1/collection/credits/{id}/refund: part or all of the balance to be returned."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"

    @extend_schema(request=CreditRefundIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = CreditRefundIn(data=request.data)
        data.is_valid(raise_exception=True)
        credit_service.credit_refund(actor=request.user, credit_id=pk, **data.validated_data)
        return Response(credit_out(PaymentAdjustment.objects.get(pk=pk)), status=status.HTTP_201_CREATED)


class CreditOffsetApi(APIView):
    """POST /api/v1/collection/credits/{id}/offset: settle open bills of the property with the credit."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "collection.payments"

    @extend_schema(request=CreditOffsetIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = CreditOffsetIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        credit_service.credit_offset(
            actor=request.user, credit_id=pk, bill_ids=v["bills"], amount=v["amount"], reason=v["reason"]
        )
        return Response(credit_out(PaymentAdjustment.objects.get(pk=pk)), status=status.HTTP_201_CREATED)
