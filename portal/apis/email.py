"""Citizen API: a bill, a debt statement or a certificate sent by e-mail to the address on record for
the property (portal/mail.py). Nothing is sent to an address given in the request."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ..access import access_property_by_id
from ..access_bills import access_bill_copy, access_document_by_id
from ..access_services import access_certificate_by_id
from ..mail import bill_outgoing, certificate_outgoing, send_document, statement_outgoing
from .base import NOT_FOUND, CitizenView


class SentOutput(serializers.Serializer):
    sent_to = serializers.CharField(help_text="o e-mail cadastrado, mascarado (ex.: m•••a@exemplo.com.br)")


RESPONSES = {
    202: SentOutput,
    404: NOT_FOUND,
    409: OpenApiResponse(description="não há e-mail cadastrado para o imóvel (code no_email)"),
    429: OpenApiResponse(description="limite de envios por hora do imóvel (code too_many_emails)"),
}


def _sent(address: str) -> Response:
    return Response(SentOutput({"sent_to": address}).data, status=status.HTTP_202_ACCEPTED)


class BillEmailApi(CitizenView):
    @extend_schema(operation_id="citizen_bill_email", request=None, responses=RESPONSES)
    def post(self, request: Request, property_id: int, bill_id: int) -> Response:
        bill = access_bill_copy(self.grant, property_id, bill_id)
        return _sent(send_document(bill.property, bill_outgoing(bill)))


class StatementEmailApi(CitizenView):
    @extend_schema(operation_id="citizen_statement_email", request=None, responses=RESPONSES)
    def post(self, request: Request, property_id: int, document_id: int) -> Response:
        doc = access_document_by_id(self.grant, property_id, document_id)
        return _sent(send_document(doc.property, statement_outgoing(doc, doc.property)))


class CertificateEmailApi(CitizenView):
    @extend_schema(operation_id="citizen_certificate_email", request=None, responses=RESPONSES)
    def post(self, request: Request, property_id: int, certificate_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        cert = access_certificate_by_id(prop, certificate_id)
        return _sent(send_document(prop, certificate_outgoing(cert, prop)))
