"""Citizen API: sign-in (VA-06, the same rules and limits as the pages) for a short-lived token, and
sign-out."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.common.http import client_ip

from .. import services
from ..auth import citizen_sign_in
from .base import CitizenView


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
