"""Citizen API: the open debts priced to today (VA-09/VA-12) and the debt statement (VA-12/VA-14),
made by `modules.debt.services.statement_create`, valid for the utility's statement validity."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from modules.common.clock import tenant_today
from modules.debt import pdf as debt_pdf
from modules.debt import selectors as debt_selectors
from modules.debt.services import statement_create

from .. import bills as reads
from ..access import access_property_by_id
from ..access_bills import access_document_by_id
from ..auth import CitizenActor
from .base import NOT_FOUND, PDF_RESPONSE, CitizenView, Money, api_url, pdf_response


class DebtItemOutput(serializers.Serializer):
    bill_id = serializers.IntegerField()
    reference = serializers.DateField()
    due_date = serializers.DateField()
    original = Money()
    charges = Money(help_text="multa + juros + correção")
    total = Money()
    state = serializers.CharField(help_text="open, review, paid, agreement ou active_debt")
    state_label = serializers.CharField()
    selectable = serializers.BooleanField(help_text="pode entrar num extrato ou pagamento")


class DebtTotalsOutput(serializers.Serializer):
    original = Money()
    fine = Money()
    interest = Money()
    correction = Money()
    total = Money()


class OpenDebtsOutput(serializers.Serializer):
    as_of = serializers.DateField()
    open_bills = serializers.IntegerField()
    items = DebtItemOutput(many=True)
    totals = DebtTotalsOutput()


def _debt_item(r: reads.StatementRow) -> dict[str, Any]:
    return {
        "bill_id": r.bill_id,
        "reference": r.reference,
        "due_date": r.due_date,
        "original": r.original,
        "charges": r.charges,
        "total": r.total,
        "state": r.state,
        "state_label": r.label,
        "selectable": r.selectable,
    }


class OpenDebtsApi(CitizenView):
    @extend_schema(
        operation_id="citizen_open_debts",
        description="Contas em aberto com acréscimos até hoje (itens e totais).",
        responses={200: OpenDebtsOutput, 404: NOT_FOUND},
    )
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        today = tenant_today()
        position = debt_selectors.debt_position(prop.pk, today)
        rows = [r for r in reads.statement_rows(prop, today) if r.selectable]
        body = {
            "as_of": today,
            "open_bills": len(position.items),
            "items": [_debt_item(r) for r in rows],
            "totals": position.totals,
        }
        return Response(OpenDebtsOutput(body).data)


# --- debt statement (VA-12 / VA-14) ----------------------------------------------------------------------


class BillIdsInput(serializers.Serializer):
    bills = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)


class DocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    amount = Money()
    as_of = serializers.DateField()
    valid_until = serializers.DateField()
    status = serializers.CharField()
    barcode = serializers.CharField()
    typeable_line = serializers.CharField(help_text="linha digitável, 48 dígitos")
    pdf_url = serializers.CharField()


def _document(doc: Any) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "amount": doc.amount,
        "as_of": doc.as_of,
        "valid_until": doc.valid_until,
        "status": doc.status,
        "barcode": doc.barcode,
        "typeable_line": doc.typeable_line,
        "pdf_url": api_url("citizen-api-statement-pdf", property_id=doc.property_id, document_id=doc.pk),
    }


class StatementCreateApi(CitizenView):
    @extend_schema(
        operation_id="citizen_statement_create",
        description="Extrato de débitos das contas escolhidas (em aberto), no prazo de validade da empresa.",
        request=BillIdsInput,
        responses={
            201: DocumentOutput,
            400: OpenApiResponse(description="nenhuma conta em aberto"),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        data = BillIdsInput(data=request.data)
        data.is_valid(raise_exception=True)
        today = tenant_today()
        valid_until = debt_selectors.statement_valid_until(today)
        doc = statement_create(
            actor=CitizenActor(self.grant),
            property_id=prop.pk,
            as_of=today,
            valid_until=valid_until,
            bill_ids=sorted(set(data.validated_data["bills"])),
        )
        return Response(DocumentOutput(_document(doc)).data, status=status.HTTP_201_CREATED)


class StatementDetailApi(CitizenView):
    @extend_schema(operation_id="citizen_statement_detail", responses={200: DocumentOutput, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int, document_id: int) -> Response:
        doc = access_document_by_id(self.grant, property_id, document_id)
        return Response(DocumentOutput(_document(doc)).data)


class StatementPdfApi(CitizenView):
    @extend_schema(operation_id="citizen_statement_pdf", responses={**PDF_RESPONSE, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int, document_id: int) -> HttpResponse:
        doc = access_document_by_id(self.grant, property_id, document_id)
        return pdf_response(debt_pdf.statement_pdf(doc), f"extrato-{doc.pk}.pdf")
