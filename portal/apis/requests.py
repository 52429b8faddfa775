"""Citizen API: protocols (VA-24/VA-25) and the CPF/CNPJ update request with its document (VA-26)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from modules.service.models import ServiceRequest

from .. import domain, selectors, services, services_desk
from ..access import access_property_by_id, access_request_by_protocol
from .base import CitizenView, PublicView


class CitizenRequestOrderOutput(serializers.Serializer):
    """The service order the request opened (ADR 0223): "Aguardando aprovação" until the utility
    validates it, then its progress."""

    number = serializers.CharField(source="label")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")


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
    specification = serializers.CharField(help_text="VA-23: a especificação escolhida (vazio: nenhuma)")
    order = CitizenRequestOrderOutput(allow_null=True)


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
    specification = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Código da especificação, obrigatório nos tipos que a têm (GET request-types)",
    )


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
            specification=v.get("specification", ""),
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


class RequestSpecificationOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    deadline_days = serializers.IntegerField()


class RequestTypeOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    deadline_days = serializers.IntegerField()
    opens_order = serializers.BooleanField(help_text="abre ordem de serviço, que aguarda a validação")
    specifications = RequestSpecificationOutput(many=True)


class RequestTypesOutput(serializers.Serializer):
    types = RequestTypeOutput(many=True)


class RequestTypesApi(PublicView):
    @extend_schema(operation_id="public_request_types", responses=RequestTypesOutput, auth=[])
    def get(self, request: Request) -> Response:
        from modules.service.services.protocols import protocol_types

        from ..models import AgencySettings

        offered = set(AgencySettings.current().request_types)
        types = [
            {
                "code": t.code,
                "label": t.label,
                "deadline_days": t.deadline_days,
                "opens_order": bool(t.service_code),
                "specifications": t.specifications,
            }
            for t in protocol_types("service")
            if t.code in offered and t.code != "document_update"
        ]
        return Response(RequestTypesOutput({"types": types}).data)
