"""Citizen API (/agencia/api/v1/): a short-lived hashed token from the same sign-in as the pages,
then only what that citizen may reach. Staff tokens never authenticate here, nor the reverse."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import authentication, exceptions, permissions, serializers, status, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.common.http import client_ip

from . import domain, selectors, services, services_desk
from .access import access_property_by_id, access_request_by_protocol, granted_properties
from .auth import Grant, citizen_sign_in
from .models import AgencySettings, ServiceRequest


class CitizenTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Grant, str] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Cabeçalho Authorization inválido.")
        grant = services.citizen_token_resolve(header[1])
        if grant is None:
            raise exceptions.AuthenticationFailed("Token inválido ou expirado. Entre de novo.")
        return grant, header[1]

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class IsCitizen(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, Grant)


class CitizenThrottle(throttling.SimpleRateThrottle):
    scope = "citizen"
    rate = "120/min"

    def get_cache_key(self, request: Request, view: Any) -> str:
        ident = request.auth[:8] if isinstance(request.auth, str) else client_ip(request)
        return f"portal:api:{ident}"


class CitizenView(APIView):
    authentication_classes = [CitizenTokenAuthentication]
    permission_classes = [IsCitizen]
    throttle_classes = [CitizenThrottle]

    @property
    def grant(self) -> Grant:
        user = self.request.user
        assert isinstance(user, Grant)
        return user


# --- sign-in ---------------------------------------------------------------------------------------


class SignInInput(serializers.Serializer):
    account = serializers.CharField(max_length=20, help_text="Matrícula com dígito verificador, ex.: 12345-6")
    document = serializers.CharField(max_length=20, required=False, allow_blank=True, help_text="CPF ou CNPJ")


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
    property_id = serializers.IntegerField()


class SignInApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="citizen_sign_in",
        request=SignInInput,
        responses={
            201: TokenOutput,
            400: OpenApiResponse(description="dados que não conferem (a mesma resposta para todos os casos)"),
            403: OpenApiResponse(
                description="`document_not_registered` (VA-07): a matrícula e o dígito conferem, mas nenhum "
                "cliente vinculado ao imóvel tem CPF/CNPJ cadastrado; peça o cadastro (atendimento ou "
                "solicitação de atualização de CPF/CNPJ). Nenhum token é emitido."
            ),
            429: OpenApiResponse(description="muitas tentativas"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = SignInInput(data=request.data)
        data.is_valid(raise_exception=True)
        grant = citizen_sign_in(
            account=data.validated_data["account"],
            document=data.validated_data.get("document", ""),
            ip=client_ip(request._request),
            channel="api",
        )
        token, expires = services.citizen_token_issue(grant=grant)
        body = {"token": token, "expires_at": expires, "property_id": grant.signed_property_id}
        return Response(TokenOutput(body).data, status=status.HTTP_201_CREATED)


class SignOutApi(CitizenView):
    @extend_schema(operation_id="citizen_sign_out", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        services.citizen_token_revoke(str(request.auth))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- properties --------------------------------------------------------------------------------------


class PropertyListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account_number = serializers.CharField()
    address = serializers.CharField()


class CategoryOutput(serializers.Serializer):
    category = serializers.CharField()
    economies = serializers.IntegerField()


class ConnectionOutput(serializers.Serializer):
    kind = serializers.CharField()
    situation = serializers.CharField()
    since = serializers.DateField()
    meter_number = serializers.CharField()


class DebtsOutput(serializers.Serializer):
    available = serializers.BooleanField()
    open_bills = serializers.IntegerField(allow_null=True)
    updated_total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    message = serializers.CharField()


class PropertyDetailOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account_number = serializers.CharField()
    inscription = serializers.CharField()
    address = serializers.CharField()
    district_city = serializers.CharField()
    holder_name = serializers.CharField()
    holder_document = serializers.CharField(help_text="sempre mascarado")
    economies_total = serializers.IntegerField()
    categories = CategoryOutput(many=True)
    connections = ConnectionOutput(many=True)
    due_day = serializers.IntegerField(allow_null=True)
    open_debts = DebtsOutput()
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=list(domain.AGENCY_SERVICE_CODES)),
        help_text="Serviços que a concessionária oferece na agência (VA-08), para montar o menu; os "
        "endpoints dos demais respondem 404 com o código `service_disabled`.",
    )


class PropertyListApi(CitizenView):
    @extend_schema(operation_id="citizen_property_list", responses=PropertyListOutput(many=True))
    def get(self, request: Request) -> Response:
        props = granted_properties(self.grant).select_related("street").order_by("account_base")
        rows = [
            {"id": p.pk, "account_number": p.account_number, "address": selectors.address_line(p)}
            for p in props
        ]
        return Response(PropertyListOutput(rows, many=True).data)


class PropertyDetailApi(CitizenView):
    @extend_schema(operation_id="citizen_property_detail", responses=PropertyDetailOutput)
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        o = selectors.property_overview(self.grant, prop)
        debts = selectors.open_debts_summary(prop)
        offered = AgencySettings.current().enabled_services
        body = {
            "id": prop.pk,
            "account_number": prop.account_number,
            "inscription": prop.inscription,
            "address": o.address,
            "district_city": o.district_city,
            "holder_name": o.holder_name,
            "holder_document": o.holder_document,
            "economies_total": o.economies_total,
            "categories": [{"category": c, "economies": n} for c, n in o.categories],
            "connections": [
                {"kind": c.kind, "situation": c.situation, "since": c.since, "meter_number": c.meter_number}
                for c in o.connections
            ],
            "due_day": o.due_day,
            "open_debts": {
                "available": debts.available,
                "open_bills": debts.open_bills,
                "updated_total": debts.updated_total,
                "message": debts.message,
            },
            "services": [c for c in domain.AGENCY_SERVICE_CODES if c in offered],
        }
        return Response(PropertyDetailOutput(body).data)


# --- service requests --------------------------------------------------------------------------------


class RequestOutput(serializers.Serializer):
    """VA-24: número, especificação, data de atendimento e de encerramento, situação, motivo."""

    protocol = serializers.CharField()
    kind = serializers.CharField()
    type = serializers.CharField(source="type_code")
    type_label = serializers.CharField()
    channel = serializers.CharField(help_text="web, totem, api ou counter (balcão)")
    channel_label = serializers.CharField(source="get_channel_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    unit = serializers.CharField(help_text="Setor que está com o protocolo")
    created_at = serializers.DateTimeField()
    expected_on = serializers.DateField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    closing_reason = serializers.CharField()


class RequestEventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    from_unit = serializers.CharField()
    to_unit = serializers.CharField(source="unit")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    note = serializers.CharField()


class RequestDetailOutput(RequestOutput):
    """VA-25: the protocol with its routing history, oldest first."""

    events = RequestEventOutput(many=True, source="events.all")


class RequestInput(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[t.code for t in domain.SERVICE_REQUEST_TYPES if t.code != "document_update"],
        help_text="A atualização de CPF/CNPJ tem rota própria: properties/{id}/document-update",
    )
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=20)
    email = serializers.EmailField()
    reference_point = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class RequestListApi(CitizenView):
    @extend_schema(operation_id="citizen_request_list", responses=RequestOutput(many=True))
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        return Response(RequestOutput(selectors.requests_of(self.grant, prop), many=True).data)

    @extend_schema(
        operation_id="citizen_request_create", request=RequestInput, responses={201: RequestOutput}
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        data = RequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = services.request_open(
            grant=self.grant,
            kind=ServiceRequest.Kind.SERVICE,
            type_code=v["type"],
            prop=prop,
            requester=services.Requester(
                name=v["name"], email=v["email"], phone=v["phone"], document=self.grant.document
            ),
            channel=ServiceRequest.Channel.API,
            description=v.get("description", ""),
            reference_point=v.get("reference_point", ""),
            context={"user_agent": request.headers.get("User-Agent", "")[:300]},
        )
        return Response(RequestOutput(item).data, status=status.HTTP_201_CREATED)


class RequestDetailApi(CitizenView):
    @extend_schema(operation_id="citizen_request_detail", responses=RequestDetailOutput)
    def get(self, request: Request, protocol: str) -> Response:
        return Response(RequestDetailOutput(access_request_by_protocol(self.grant, protocol)).data)


class DocumentUpdateInput(serializers.Serializer):
    new_document = serializers.CharField(max_length=20, help_text="Novo CPF ou CNPJ (dígitos conferidos)")
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=20)
    email = serializers.EmailField()
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(), help_text="Documento com o novo número (PDF, JPG ou PNG)"
    )


class DocumentUpdateApi(CitizenView):
    """VA-26: multipart; the registry keeps the old number until the utility approves."""

    @extend_schema(
        operation_id="citizen_document_update",
        request={"multipart/form-data": DocumentUpdateInput},
        responses={201: RequestDetailOutput},
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        data = DocumentUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = services_desk.document_update_request(
            grant=self.grant,
            prop=prop,
            new_document=v["new_document"],
            requester=services.Requester(
                name=v["name"], email=v["email"], phone=v["phone"], document=self.grant.document
            ),
            attachments=v["attachments"],
            channel=ServiceRequest.Channel.API,
            description=v.get("description", ""),
            context={"user_agent": request.headers.get("User-Agent", "")[:300]},
        )
        return Response(RequestDetailOutput(item).data, status=status.HTTP_201_CREATED)
