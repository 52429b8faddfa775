"""The vendor's ops API (public schema): tenants and their provisioning."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import IsAuthenticatedAndCurrent
from modules.common.errors import NotFound, ValidationFailed
from tenants import provisioning
from tenants.models import ProvisioningState, Tenant
from tenants.tasks import provision_tenant_task


class TenantIn(serializers.Serializer):
    schema = serializers.CharField(max_length=63)
    name = serializers.CharField(max_length=120)
    domain = serializers.CharField(max_length=253)
    timezone = serializers.CharField(max_length=60, default="America/Sao_Paulo")
    cnpj = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    legal_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    state = serializers.CharField(max_length=2, required=False, allow_blank=True)
    primary_color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)
    secondary_color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class TenantOut(serializers.ModelSerializer):
    schema = serializers.CharField(source="schema_name")
    domain = serializers.CharField(source="primary_domain")

    class Meta:
        model = Tenant
        fields = [
            "id",
            "schema",
            "name",
            "domain",
            "timezone",
            "cnpj",
            "legal_name",
            "city",
            "state",
            "provisioning_state",
            "provisioning_error",
            "provisioning_resume_from",
            "provisioning_attempts",
            "provisioned_at",
            "primary_color",
            "secondary_color",
            "email",
            "phone",
            "created_at",
        ]


def _tenant(schema: str) -> Tenant:
    tenant = Tenant.objects.exclude(schema_name="public").filter(schema_name=schema).first()
    if tenant is None:
        raise NotFound(f"Concessionária '{schema}' não encontrada.")
    return tenant


class TenantListCreateApi(APIView):
    permission_classes: ClassVar[list[Any]] = [IsAuthenticatedAndCurrent]

    @extend_schema(responses={200: TenantOut(many=True)})
    def get(self, request: Request) -> Response:
        qs = Tenant.objects.exclude(schema_name="public").prefetch_related("domains")
        return Response(TenantOut(qs, many=True).data)

    @extend_schema(request=TenantIn, responses={202: TenantOut})
    def post(self, request: Request) -> Response:
        data = TenantIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        req = provisioning.TenantRequest(
            schema_name=values.pop("schema"),
            name=values.pop("name"),
            domain=values.pop("domain"),
            timezone=values.pop("timezone"),
            cnpj=values.pop("cnpj"),
        )
        tenant = provisioning.tenant_request(actor=request.user, request=req, branding=values)
        return Response(TenantOut(tenant).data, status=status.HTTP_202_ACCEPTED)


class TenantDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [IsAuthenticatedAndCurrent]

    @extend_schema(responses={200: TenantOut})
    def get(self, request: Request, schema: str) -> Response:
        return Response(TenantOut(_tenant(schema)).data)

    @extend_schema(request=TenantIn(partial=True), responses={200: TenantOut})
    def patch(self, request: Request, schema: str) -> Response:
        changes = dict(request.data)
        reason = str(changes.pop("reason", ""))
        tenant = provisioning.tenant_update_branding(
            actor=request.user, tenant=_tenant(schema), changes=changes, reason=reason
        )
        return Response(TenantOut(tenant).data)


class TenantRetryApi(APIView):
    permission_classes: ClassVar[list[Any]] = [IsAuthenticatedAndCurrent]

    @extend_schema(request=None, responses={202: TenantOut})
    def post(self, request: Request, schema: str) -> Response:
        tenant = _tenant(schema)
        if tenant.provisioning_state == ProvisioningState.ACTIVE:
            raise ValidationFailed("A concessionária já está ativa.", field="schema", code="already_active")
        provision_tenant_task.delay(tenant.pk)
        return Response(TenantOut(tenant).data, status=status.HTTP_202_ACCEPTED)
