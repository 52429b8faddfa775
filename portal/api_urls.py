"""Citizen API under /agencia/api/v1/, with its own OpenAPI schema (never the staff one)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from . import apis

SCHEMA_SETTINGS = {
    "TITLE": "Manancial – API da agência virtual",
    "DESCRIPTION": (
        "API do cidadão: entre com a matrícula (e o CPF/CNPJ, se a concessionária pedir) em "
        "`POST /agencia/api/v1/auth/token` e envie o token como `Authorization: Bearer <token>`. "
        "O token vale por pouco tempo e só alcança os imóveis de quem entrou."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/agencia/api/v1",
}

urlpatterns = [
    path("auth/token", apis.SignInApi.as_view(), name="citizen-api-sign-in"),
    path("auth/sign-out", apis.SignOutApi.as_view(), name="citizen-api-sign-out"),
    path("properties", apis.PropertyListApi.as_view(), name="citizen-api-properties"),
    path("properties/<int:property_id>", apis.PropertyDetailApi.as_view(), name="citizen-api-property"),
    path(
        "properties/<int:property_id>/requests",
        apis.RequestListApi.as_view(),
        name="citizen-api-property-requests",
    ),
    path("requests/<str:protocol>", apis.RequestDetailApi.as_view(), name="citizen-api-request"),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            urlconf="portal.api_schema_urls",
            custom_settings=SCHEMA_SETTINGS,
            authentication_classes=[],
            permission_classes=[AllowAny],
        ),
        name="citizen-api-schema",
    ),
]
