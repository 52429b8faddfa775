"""Staff API of a property's condominium dependents (S14.8-01), tariff exemptions (3.2.13.10.13) and
sewer-billing notice (3.2.13.10.7), and of the notice's text versions."""

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
from modules.common.api import YearMonthField
from modules.common.clock import tenant_today
from modules.common.errors import ValidationFailed
from modules.registry.models import Property

from . import sewer_notice
from .domain.pricing import EXEMPTIBLE_KINDS
from .errors import ErrorCode
from .models import TariffExemption
from .services import condo, exemptions, notices


def _dependents_out(master: Property) -> dict[str, Any]:
    parent = condo.master_of(master.pk)
    return {
        "property": master.pk,
        "master": {"id": parent.pk, "account_number": parent.account_number} if parent else None,
        "dependents": [
            {"id": d.property_id, "account_number": d.account_number, "address": d.address}
            for d in condo.dependents_of(master.pk)
        ],
    }


class DependentIn(serializers.Serializer):
    dependent = serializers.IntegerField(help_text="id do imóvel dependente")


class PropertyDependentsApi(APIView):
    """GET/POST/DELETE /api/v1/properties/{id}/dependents: the units (dependents) of the condominium
    whose main meter is this property's; POST links one, DELETE (`?dependent=<id>`) unlinks it."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.condominiums"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_dependents_out(get_object_or_404(Property, pk=pk)))

    @extend_schema(request=DependentIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        get_object_or_404(Property, pk=pk)
        data = DependentIn(data=request.data)
        data.is_valid(raise_exception=True)
        condo.dependent_link(actor=request.user, master_id=pk, dependent_id=data.validated_data["dependent"])
        return Response(_dependents_out(Property.objects.get(pk=pk)), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def delete(self, request: Request, pk: int) -> Response:
        get_object_or_404(Property, pk=pk)
        raw = request.query_params.get("dependent", "")
        if not raw.isdigit():
            raise ValidationFailed(
                "Informe ?dependent=<id do imóvel dependente>.",
                field="dependent",
                code=ErrorCode.DEPENDENT_NOT_LINKED,
            )
        condo.dependent_unlink(actor=request.user, master_id=pk, dependent_id=int(raw))
        return Response(_dependents_out(Property.objects.get(pk=pk)))


class ExemptionIn(serializers.Serializer):
    component = serializers.ChoiceField(choices=[k.value for k in EXEMPTIBLE_KINDS])
    valid_from = YearMonthField(help_text="primeira referência isenta (AAAA-MM)")
    valid_until = YearMonthField(required=False, allow_null=True, default=None, help_text="última (AAAA-MM)")
    reason = serializers.CharField(max_length=500)


def _exemption_out(row: TariffExemption) -> dict[str, Any]:
    return {
        "id": row.pk,
        "component": row.component,
        "component_label": row.get_component_display(),
        "valid_from": f"{row.valid_from:%Y-%m}",
        "valid_until": f"{row.valid_until:%Y-%m}" if row.valid_until else None,
        "reason": row.reason,
        "created_by": row.created_by,
    }


class PropertyExemptionsApi(APIView):
    """GET/POST /api/v1/properties/{id}/exemptions: the property's tariff exemptions; POST adds one
    (an overlapping window of the same component → 400, field `valid_from`)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.exemptions"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        prop = get_object_or_404(Property, pk=pk)
        return Response(
            {"property": prop.pk, "exemptions": [_exemption_out(e) for e in exemptions.exemptions_of(pk)]}
        )

    @extend_schema(request=ExemptionIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        get_object_or_404(Property, pk=pk)
        data = ExemptionIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        row = exemptions.exemption_create(
            actor=request.user,
            property_id=pk,
            component=d["component"],
            valid_from=d["valid_from"],
            valid_until=d.get("valid_until"),
            reason=d["reason"],
        )
        return Response(_exemption_out(row), status=status.HTTP_201_CREATED)


class PropertySewerNoticeApi(APIView):
    """GET /api/v1/properties/{id}/sewer-notice: the sewer-billing notice as PDF, in today's text."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.sewer_notice"

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> HttpResponse:
        prop = get_object_or_404(Property, pk=pk)
        pdf = sewer_notice.sewer_notice_pdf(prop, tenant_today())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="comunicado-esgoto-{prop.account_number}.pdf"'
        return response


class NoticeTemplateIn(serializers.Serializer):
    valid_from = serializers.DateField()
    title = serializers.CharField(max_length=200)
    body_html = serializers.CharField()


class SewerNoticeTemplatesApi(APIView):
    """GET/POST /api/v1/billing/sewer-notice-templates: the notice's text versions and placeholders;
    POST saves a new version (a placeholder or markup outside the whitelist → 400 naming it)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "billing.sewer_notice"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "placeholders": [
                    {"name": p.name, "description": p.description} for p in sewer_notice.PLACEHOLDERS
                ],
                "versions": [
                    {"id": v.pk, "valid_from": v.valid_from, "title": v.title, "body_html": v.body_html}
                    for v in notices.sewer_notice_versions()
                ],
            }
        )

    @extend_schema(request=NoticeTemplateIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = NoticeTemplateIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = notices.sewer_notice_template_create(
            actor=request.user, today=tenant_today(), **data.validated_data
        )
        return Response(
            {"id": row.pk, "valid_from": row.valid_from, "title": row.title}, status=status.HTTP_201_CREATED
        )
