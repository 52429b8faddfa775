"""Citizen API: the certificate of debts (VA-18/VA-19: what one issued today would say, issuing it,
its PDF) and the annual debt-clearance declaration (VA-20)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from modules.common.clock import tenant_today
from modules.common.errors import Conflict
from modules.debt import pdf as debt_pdf
from modules.debt import selectors as debt_selectors
from modules.debt import services as debt_services
from modules.debt.domain.certificates import CertificateDecision, CertificateKind
from modules.debt.models import Certificate

from ..access import access_property_by_id
from ..access_services import access_certificate_by_id
from ..auth import CitizenActor
from ..domain import DECLARATION_YEARS
from .base import NOT_FOUND, PDF_RESPONSE, CitizenView, Money, api_url, pdf_response


class CertificateDebtOutput(serializers.Serializer):
    reference = serializers.CharField()
    amount = Money()
    due_date = serializers.DateField(allow_null=True)
    agreement = serializers.CharField(allow_null=True)


class DecisionOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k.value for k in CertificateKind])
    can_issue = serializers.BooleanField()
    reason = serializers.CharField()
    overdue = CertificateDebtOutput(many=True)
    overdue_total = Money()
    open_agreements = serializers.ListField(child=serializers.CharField())


class CertificateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    verify_url = serializers.CharField(help_text="autenticação pública")
    pdf_url = serializers.CharField()


class CertificateRefusalOutput(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    decision = DecisionOutput()


def _decision(d: CertificateDecision) -> dict[str, Any]:
    return {
        "kind": d.kind.value,
        "can_issue": d.kind is not CertificateKind.REFUSED,
        "reason": d.reason,
        "overdue": [
            {"reference": i.reference, "amount": i.amount, "due_date": i.due_date, "agreement": i.agreement}
            for i in d.overdue
        ],
        "overdue_total": d.overdue_total,
        "open_agreements": list(d.open_agreements),
    }


def _certificate(cert: Certificate) -> dict[str, Any]:
    return {
        "id": cert.pk,
        "code": cert.code,
        "kind": cert.kind,
        "kind_label": cert.get_kind_display(),
        "year": cert.year,
        "issued_on": cert.issued_on,
        "valid_until": cert.valid_until,
        "verify_url": f"{reverse('certificate-verify')}?codigo={cert.code}",
        "pdf_url": api_url(
            "citizen-api-certificate-pdf", property_id=cert.property_id, certificate_id=cert.pk
        ),
    }


class CertificatesApi(CitizenView):
    @extend_schema(
        operation_id="citizen_certificate_decision",
        description="O que uma certidão pedida hoje diria: negativa, positiva com efeito de negativa ou "
        "recusada, com os débitos vencidos que a impedem.",
        responses={200: DecisionOutput, 404: NOT_FOUND},
    )
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        return Response(
            DecisionOutput(_decision(debt_selectors.certificate_decision(prop.pk, tenant_today()))).data
        )

    @extend_schema(
        operation_id="citizen_certificate_issue",
        request=None,
        responses={201: CertificateOutput, 409: CertificateRefusalOutput, 404: NOT_FOUND},
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        today = tenant_today()
        try:
            cert = debt_services.certificate_issue(
                actor=CitizenActor(self.grant), property_id=prop.pk, today=today
            )
        except Conflict as exc:
            body = {
                **exc.as_dict(),
                "decision": DecisionOutput(
                    _decision(debt_selectors.certificate_decision(prop.pk, today))
                ).data,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(CertificateOutput(_certificate(cert)).data, status=status.HTTP_201_CREATED)


class CertificateDetailApi(CitizenView):
    @extend_schema(
        operation_id="citizen_certificate_detail", responses={200: CertificateOutput, 404: NOT_FOUND}
    )
    def get(self, request: Request, property_id: int, certificate_id: int) -> Response:
        cert = access_certificate_by_id(access_property_by_id(self.grant, property_id), certificate_id)
        return Response(CertificateOutput(_certificate(cert)).data)


class CertificatePdfApi(CitizenView):
    @extend_schema(operation_id="citizen_certificate_pdf", responses={**PDF_RESPONSE, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int, certificate_id: int) -> HttpResponse:
        cert = access_certificate_by_id(access_property_by_id(self.grant, property_id), certificate_id)
        return pdf_response(debt_pdf.certificate_pdf(cert), f"certidao-{cert.code}.pdf")


class YearInput(serializers.Serializer):
    year = serializers.IntegerField(help_text=f"um dos últimos {DECLARATION_YEARS} anos encerrados")


class AnnualDeclarationApi(CitizenView):
    @extend_schema(
        operation_id="citizen_annual_declaration_issue",
        description="Declaração anual de quitação (Lei 12.007/2009); recusada com as contas em aberto.",
        request=YearInput,
        responses={
            201: CertificateOutput,
            400: OpenApiResponse(description="ano inválido"),
            409: OpenApiResponse(description="contas do ano em aberto (nomeadas em `detail`)"),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        data = YearInput(data=request.data)
        data.is_valid(raise_exception=True)
        today = tenant_today()
        year = data.validated_data["year"]
        if year not in range(today.year - DECLARATION_YEARS, today.year):
            raise serializers.ValidationError({"year": ["Escolha um dos últimos anos encerrados."]})
        cert = debt_services.annual_declaration_issue(
            actor=CitizenActor(self.grant), property_id=prop.pk, year=year, today=today
        )
        return Response(CertificateOutput(_certificate(cert)).data, status=status.HTTP_201_CREATED)
