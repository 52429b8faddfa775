"""Citizen API under /agencia/api/v1/, with its own OpenAPI schema (never the staff one)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from . import apis
from . import apis_email as mail_api
from . import apis_services as svc
from .service_gate import gate_api

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
        "properties/<int:property_id>/document-update",
        apis.DocumentUpdateApi.as_view(),
        name="citizen-api-document-update",
    ),
    # issue 7 for the mobile app: the same services as the agency's pages (portal/apis_services.py)
    path("properties/<int:property_id>/bills", svc.BillListApi.as_view(), name="citizen-api-bills"),
    path(
        "properties/<int:property_id>/bills/<int:bill_id>",
        svc.BillDetailApi.as_view(),
        name="citizen-api-bill",
    ),
    path(
        "properties/<int:property_id>/bills/<int:bill_id>/pdf",
        svc.BillPdfApi.as_view(),
        name="citizen-api-bill-pdf",
    ),
    path(
        "properties/<int:property_id>/bills/<int:bill_id>/email",
        mail_api.BillEmailApi.as_view(),
        name="citizen-api-bill-email",
    ),
    path("properties/<int:property_id>/debts", svc.OpenDebtsApi.as_view(), name="citizen-api-debts"),
    path(
        "properties/<int:property_id>/statements",
        svc.StatementCreateApi.as_view(),
        name="citizen-api-statements",
    ),
    path(
        "properties/<int:property_id>/statements/<int:document_id>",
        svc.StatementDetailApi.as_view(),
        name="citizen-api-statement",
    ),
    path(
        "properties/<int:property_id>/statements/<int:document_id>/pdf",
        svc.StatementPdfApi.as_view(),
        name="citizen-api-statement-pdf",
    ),
    path(
        "properties/<int:property_id>/statements/<int:document_id>/email",
        mail_api.StatementEmailApi.as_view(),
        name="citizen-api-statement-email",
    ),
    path("properties/<int:property_id>/charges", svc.ChargeCreateApi.as_view(), name="citizen-api-charges"),
    path(
        "properties/<int:property_id>/charges/<int:charge_id>",
        svc.ChargeDetailApi.as_view(),
        name="citizen-api-charge",
    ),
    path("properties/<int:property_id>/payments", svc.PaymentListApi.as_view(), name="citizen-api-payments"),
    path(
        "properties/<int:property_id>/consumption",
        svc.ConsumptionApi.as_view(),
        name="citizen-api-consumption",
    ),
    path(
        "properties/<int:property_id>/certificates",
        svc.CertificatesApi.as_view(),
        name="citizen-api-certificates",
    ),
    path(
        "properties/<int:property_id>/certificates/<int:certificate_id>",
        svc.CertificateDetailApi.as_view(),
        name="citizen-api-certificate",
    ),
    path(
        "properties/<int:property_id>/certificates/<int:certificate_id>/pdf",
        svc.CertificatePdfApi.as_view(),
        name="citizen-api-certificate-pdf",
    ),
    path(
        "properties/<int:property_id>/certificates/<int:certificate_id>/email",
        mail_api.CertificateEmailApi.as_view(),
        name="citizen-api-certificate-email",
    ),
    path(
        "properties/<int:property_id>/annual-declarations",
        svc.AnnualDeclarationApi.as_view(),
        name="citizen-api-annual-declarations",
    ),
    path(
        "properties/<int:property_id>/installments",
        svc.InstallmentsApi.as_view(),
        name="citizen-api-installments",
    ),
    path(
        "properties/<int:property_id>/agreements",
        svc.AgreementCreateApi.as_view(),
        name="citizen-api-agreements",
    ),
    path("tariffs", svc.TariffApi.as_view(), name="citizen-api-tariffs"),
    path("bill-simulation", svc.BillSimulatorApi.as_view(), name="citizen-api-bill-simulation"),
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
# each endpoint belongs to one of the agency's services (domain.AGENCY_SERVICES) or is always on;
# gate_api answers 404 `service_disabled` for the services the utility does not offer (VA-08)
urlpatterns = gate_api(urlpatterns)
