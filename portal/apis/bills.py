"""Citizen API: the second copy of bills (VA-11/VA-15) with barcode, typeable line and PDF. Every bill
is reached through the token's scope (`access_bills`); the rows are the pages' (`portal.bills`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from modules.billing.pdf import bill_pdf
from modules.common.clock import tenant_today

from .. import bills as reads
from ..access import access_property_by_id
from ..access_bills import access_bill_by_id, access_bill_copy
from .base import NOT_FOUND, PDF_RESPONSE, CitizenView, Money, api_url, pdf_response


class BillOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.DateField(help_text="primeiro dia do mês de referência")
    due_date = serializers.DateField()
    total = Money()
    consumption_m3 = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=["open", "overdue", "paid", "agreement"])
    state_label = serializers.CharField()
    payable = serializers.BooleanField()
    pdf_url = serializers.CharField()


class BillDetailOutput(BillOutput):
    barcode = serializers.CharField(help_text="44 dígitos")
    typeable_line = serializers.CharField(help_text="linha digitável, 48 dígitos")


def _bill_row(row: reads.BillRow, *, detail: bool = False) -> dict[str, Any]:
    b = row.bill
    body: dict[str, Any] = {
        "id": b.pk,
        "reference": b.reference,
        "due_date": b.due_date,
        "total": b.total,
        "consumption_m3": b.consumption_m3,
        "state": row.state,
        "state_label": row.label,
        "payable": row.payable,
        "pdf_url": api_url("citizen-api-bill-pdf", property_id=b.property_id, bill_id=b.pk),
    }
    if detail:
        body |= {"barcode": b.barcode, "typeable_line": b.typeable_line}
    return body


class BillListApi(CitizenView):
    @extend_schema(operation_id="citizen_bill_list", responses={200: BillOutput(many=True), 404: NOT_FOUND})
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        rows = reads.bill_rows(prop, tenant_today())
        return Response(BillOutput([_bill_row(r) for r in rows], many=True).data)


class BillDetailApi(CitizenView):
    @extend_schema(operation_id="citizen_bill_detail", responses={200: BillDetailOutput, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int, bill_id: int) -> Response:
        bill = access_bill_by_id(self.grant, property_id, bill_id)
        rows = reads.bill_rows(bill.property, tenant_today(), limit=10_000)
        row = next(r for r in rows if r.bill.pk == bill.pk)
        return Response(BillDetailOutput(_bill_row(row, detail=True)).data)


class BillPdfApi(CitizenView):
    @extend_schema(
        operation_id="citizen_bill_pdf",
        responses={
            **PDF_RESPONSE,
            403: OpenApiResponse(description="conta em dívida ativa ou imóvel em execução fiscal"),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, property_id: int, bill_id: int) -> HttpResponse:
        bill = access_bill_copy(self.grant, property_id, bill_id)
        return pdf_response(bill_pdf(bill), f"conta-{bill.reference:%Y-%m}.pdf")
