"""The vendor's ops API (public schema): tenants and their provisioning."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import IsAuthenticatedAndCurrent
from modules.common.errors import Conflict, NotFound, ValidationFailed
from tenants import admins, provisioning
from tenants.errors import ErrorCode as TenantCode
from tenants.healing import provisioning_health
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
    template = serializers.CharField(
        max_length=63,
        required=False,
        allow_blank=True,
        default="",
        help_text="esquema de uma concessionária ativa: a nova começa com a configuração dela",
    )


class TenantOut(serializers.ModelSerializer):
    schema = serializers.CharField(source="schema_name")
    domain = serializers.CharField(source="primary_domain")
    template = serializers.SlugRelatedField(slug_field="schema_name", read_only=True, allow_null=True)

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
            "provisioning_retried_at",
            "provisioned_at",
            "primary_color",
            "secondary_color",
            "email",
            "phone",
            "template",
            "created_at",
        ]


def _tenant(schema: str) -> Tenant:
    tenant = Tenant.objects.exclude(schema_name="public").filter(schema_name=schema).first()
    if tenant is None:
        raise NotFound(f"Concessionária '{schema}' não encontrada.", code=TenantCode.TENANT_NOT_FOUND)
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
            template=values.pop("template"),
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
            raise ValidationFailed(
                "A concessionária já está ativa.", field="schema", code=TenantCode.TENANT_ALREADY_ACTIVE
            )
        if not provisioning_health(tenant).retry_allowed:
            raise Conflict(
                "A implantação ainda está em andamento: nova tentativa só após falha ou se ficar parada.",
                field="schema",
                code=TenantCode.PROVISIONING_RUNNING,
            )
        provision_tenant_task.delay(tenant.pk)
        return Response(TenantOut(tenant).data, status=status.HTTP_202_ACCEPTED)


def tenant_sign_in_url(request: HttpRequest, tenant: Tenant) -> str:
    """The staff sign-in page on the utility's own host, as seen from the vendor's request (same
    scheme and port: the demo's :8000, the ingress's 443)."""
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    return f"{request.scheme}://{tenant.primary_domain}{suffix}/conta/entrar/"


class AdminIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    temporary_password = serializers.CharField(max_length=128, trim_whitespace=False)


class AdminOut(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="full_name")
    email = serializers.EmailField()
    is_admin = serializers.BooleanField()
    must_change_password = serializers.BooleanField()


class TenantAdminCreateApi(APIView):
    """The utility's first administrator (or another one): created in its schema, invited by e-mail."""

    permission_classes: ClassVar[list[Any]] = [IsAuthenticatedAndCurrent]

    @extend_schema(request=AdminIn, responses={201: AdminOut})
    def post(self, request: Request, schema: str) -> Response:
        tenant = _tenant(schema)
        data = AdminIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = admins.tenant_admin_create(
            actor=request.user,
            tenant=tenant,
            request=admins.AdminRequest(**data.validated_data),
            sign_in_url=tenant_sign_in_url(request, tenant),
        )
        return Response(AdminOut(user).data, status=status.HTTP_201_CREATED)
