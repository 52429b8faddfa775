"""Citizen API twins of the last agency pages that had none (VA-02: every page's data and action is a
REST call): the due day (VA-27), the ombudsman (VA-33) and a problem with the agency (VA-29). The
same services as the pages, the same pt-BR refusals."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from modules.common.errors import ErrorCode, PermissionDenied
from modules.common.http import client_ip
from modules.service.models import ServiceRequest

from .. import domain, selectors, services
from ..access import access_property_by_id
from ..models import AgencySettings
from .base import NOT_FOUND, CitizenView, PublicView
from .requests import RequestOutput


class DueDayOutput(serializers.Serializer):
    current = serializers.IntegerField(allow_null=True, help_text="o dia escolhido (nulo: o da rota)")
    options = serializers.ListField(
        child=serializers.IntegerField(), help_text="os dias que a concessionária oferece"
    )


class DueDayInput(serializers.Serializer):
    day = serializers.IntegerField(min_value=1, max_value=31)


def _due_day(prop: object) -> dict[str, object]:
    return {
        "current": selectors.chosen_due_day(prop),  # type: ignore[arg-type]
        "options": list(AgencySettings.current().due_day_options),
    }


class DueDayApi(CitizenView):
    """VA-27: the due day among the utility's options (Lei 9.791/1999), for the holder signed in with
    the CPF/CNPJ."""

    @extend_schema(operation_id="citizen_due_day", responses={200: DueDayOutput, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        return Response(DueDayOutput(_due_day(prop)).data)

    @extend_schema(
        operation_id="citizen_due_day_change",
        request=DueDayInput,
        responses={200: DueDayOutput, 404: NOT_FOUND},
    )
    def put(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        data = DueDayInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.due_day_change(grant=self.grant, prop=prop, day=data.validated_data["day"])
        return Response(DueDayOutput(_due_day(prop)).data)


class OmbudsmanInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=[t.code for t in domain.OMBUDSMAN_TYPES])
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    description = serializers.CharField(max_length=4000)


class OmbudsmanApi(CitizenView):
    """VA-33: a manifestation to the ombudsman with its protocol (confirmation by e-mail)."""

    @extend_schema(
        operation_id="citizen_ombudsman_create",
        request=OmbudsmanInput,
        responses={201: RequestOutput, 404: NOT_FOUND},
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        if not self.grant.can_request:
            raise PermissionDenied(
                "Nesta concessionária a entrada só com a matrícula permite apenas consultas.",
                code=ErrorCode.PERMISSION_DENIED,
            )
        data = OmbudsmanInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = services.request_open(
            grant=self.grant,
            kind=ServiceRequest.Kind.OMBUDSMAN,
            type_code=v["type"],
            prop=prop,
            requester=services.Requester(name=v["name"], email=v["email"], document=self.grant.document),
            channel=ServiceRequest.Channel.API,
            description=v["description"],
            context={"user_agent": request.headers.get("User-Agent", "")[:300], "ip": client_ip(request)},
        )
        return Response(RequestOutput(item).data, status=status.HTTP_201_CREATED)


class ProblemInput(serializers.Serializer):
    description = serializers.CharField(max_length=4000)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    page = serializers.CharField(max_length=300, required=False, allow_blank=True)
    screenshot = serializers.ImageField(required=False, help_text="captura da tela (PNG ou JPG)")


class ProblemOutput(serializers.Serializer):
    protocol = serializers.CharField()


class ProblemReportApi(PublicView):
    """VA-29: open to anyone (the problem may be that signing in fails), with an optional screenshot."""

    @extend_schema(
        operation_id="citizen_problem_report",
        request={"multipart/form-data": ProblemInput, "application/json": ProblemInput},
        responses={201: ProblemOutput},
    )
    def post(self, request: Request) -> Response:
        data = ProblemInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = services.request_open(
            grant=None,
            kind=ServiceRequest.Kind.AGENCY_PROBLEM,
            type_code=domain.AGENCY_PROBLEM.code,
            requester=services.Requester(name=v["name"], email=v.get("email", "")),
            channel=ServiceRequest.Channel.API,
            description=v["description"],
            attachments=[v["screenshot"]] if v.get("screenshot") else [],
            context={
                "user_agent": request.headers.get("User-Agent", "")[:300],
                "ip": client_ip(request),
                "url": v.get("page", ""),
            },
        )
        return Response(ProblemOutput({"protocol": item.protocol}).data, status=status.HTTP_201_CREATED)
