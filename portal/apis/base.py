"""What every endpoint of the citizen API (/agencia/api/v1/) shares: a short-lived hashed token from
the same sign-in as the pages, then only what that citizen may reach (staff tokens never
authenticate here, nor the reverse); the rate limit; money as a string with two decimals; the same
404 for "not yours" and "missing"."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import authentication, exceptions, permissions, serializers, throttling
from rest_framework.request import Request
from rest_framework.views import APIView

from modules.common.http import client_ip

from .. import services
from ..auth import Grant

PDF_RESPONSE = {(200, "application/pdf"): OpenApiTypes.BINARY}
NOT_FOUND = OpenApiResponse(description="inexistente ou de outro cidadão (a mesma resposta)")


def Money(**kwargs: Any) -> serializers.DecimalField:
    """Money as a string with two decimals, e.g. "57.30"."""
    return serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True, **kwargs)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def api_url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs)


class CitizenTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Grant, str] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Acesso inválido. Entre de novo.")
        grant = services.citizen_token_resolve(header[1])
        if grant is None:
            raise exceptions.AuthenticationFailed("Sua sessão expirou ou não é válida. Entre de novo.")
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


# a public endpoint (no token), rate limited by client address; no docstring: drf-spectacular would
# print it as every public operation's description
class PublicView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [CitizenThrottle]
