"""Citizen API under /agencia/api/v1/, with its own OpenAPI schema (never the staff one)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from .apis import (
    bills,
    certificates,
    consumption,
    debts,
    email,
    forms,
    installments,
    news,
    notifications,
    payments,
    properties,
    requests,
    reviews,
    sign_in,
    tariffs,
    unit,
)
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
    path("auth/token", sign_in.SignInApi.as_view(), name="citizen-api-sign-in"),
    path("auth/sign-out", sign_in.SignOutApi.as_view(), name="citizen-api-sign-out"),
    path("properties", properties.PropertyListApi.as_view(), name="citizen-api-properties"),
    path("properties/<int:property_id>", properties.PropertyDetailApi.as_view(), name="citizen-api-property"),
    path(
        "properties/<int:property_id>/requests",
        requests.RequestListApi.as_view(),
        name="citizen-api-property-requests",
    ),
    path("requests/<str:protocol>", requests.RequestDetailApi.as_view(), name="citizen-api-request"),
    path(
        "properties/<int:property_id>/consumption-reviews",
        reviews.CitizenReviewListApi.as_view(),
        name="citizen-api-consumption-reviews",
    ),
    path("request-types", requests.RequestTypesApi.as_view(), name="citizen-api-request-types"),
    path(
        "properties/<int:property_id>/document-update",
        requests.DocumentUpdateApi.as_view(),
        name="citizen-api-document-update",
    ),
    # issue 7 for the mobile app: the same services as the agency's pages (portal/apis/)
    path("properties/<int:property_id>/bills", bills.BillListApi.as_view(), name="citizen-api-bills"),
    path(
        "properties/<int:property_id>/bills/<int:bill_id>",
        bills.BillDetailApi.as_view(),
        name="citizen-api-bill",
    ),
    path(
        "properties/<int:property_id>/bills/<int:bill_id>/pdf",
        bills.BillPdfApi.as_view(),
        name="citizen-api-bill-pdf",
    ),
    path(
        "properties/<int:property_id>/bills/<int:bill_id>/email",
        email.BillEmailApi.as_view(),
        name="citizen-api-bill-email",
    ),
    path("properties/<int:property_id>/debts", debts.OpenDebtsApi.as_view(), name="citizen-api-debts"),
    path(
        "properties/<int:property_id>/statements",
        debts.StatementCreateApi.as_view(),
        name="citizen-api-statements",
    ),
    path(
        "properties/<int:property_id>/statements/<int:document_id>",
        debts.StatementDetailApi.as_view(),
        name="citizen-api-statement",
    ),
    path(
        "properties/<int:property_id>/statements/<int:document_id>/pdf",
        debts.StatementPdfApi.as_view(),
        name="citizen-api-statement-pdf",
    ),
    path(
        "properties/<int:property_id>/statements/<int:document_id>/email",
        email.StatementEmailApi.as_view(),
        name="citizen-api-statement-email",
    ),
    path(
        "properties/<int:property_id>/charges", payments.ChargeCreateApi.as_view(), name="citizen-api-charges"
    ),
    path(
        "properties/<int:property_id>/charges/<int:charge_id>",
        payments.ChargeDetailApi.as_view(),
        name="citizen-api-charge",
    ),
    path(
        "properties/<int:property_id>/payments",
        payments.PaymentListApi.as_view(),
        name="citizen-api-payments",
    ),
    path(
        "properties/<int:property_id>/consumption",
        consumption.ConsumptionApi.as_view(),
        name="citizen-api-consumption",
    ),
    path(
        "properties/<int:property_id>/certificates",
        certificates.CertificatesApi.as_view(),
        name="citizen-api-certificates",
    ),
    path(
        "properties/<int:property_id>/certificates/<int:certificate_id>",
        certificates.CertificateDetailApi.as_view(),
        name="citizen-api-certificate",
    ),
    path(
        "properties/<int:property_id>/certificates/<int:certificate_id>/pdf",
        certificates.CertificatePdfApi.as_view(),
        name="citizen-api-certificate-pdf",
    ),
    path(
        "properties/<int:property_id>/certificates/<int:certificate_id>/email",
        email.CertificateEmailApi.as_view(),
        name="citizen-api-certificate-email",
    ),
    path(
        "properties/<int:property_id>/annual-declarations",
        certificates.AnnualDeclarationApi.as_view(),
        name="citizen-api-annual-declarations",
    ),
    path(
        "properties/<int:property_id>/installments",
        installments.InstallmentsApi.as_view(),
        name="citizen-api-installments",
    ),
    path(
        "properties/<int:property_id>/agreements",
        installments.AgreementCreateApi.as_view(),
        name="citizen-api-agreements",
    ),
    path(
        "properties/<int:property_id>/agreements/<int:agreement_id>/booklet",
        installments.BookletApi.as_view(),
        name="citizen-api-booklet",
    ),
    path(
        "properties/<int:property_id>/agreements/<int:agreement_id>/booklet/pdf",
        installments.BookletPdfApi.as_view(),
        name="citizen-api-booklet-pdf",
    ),
    path(
        "properties/<int:property_id>/agreements/<int:agreement_id>/booklet/email",
        installments.BookletEmailApi.as_view(),
        name="citizen-api-booklet-email",
    ),
    # VA-02: the API twins of the due-day, ombudsman and problem pages (apis/forms.py)
    path("properties/<int:property_id>/due-day", forms.DueDayApi.as_view(), name="citizen-api-due-day"),
    path(
        "properties/<int:property_id>/ombudsman", forms.OmbudsmanApi.as_view(), name="citizen-api-ombudsman"
    ),
    path("problem-reports", forms.ProblemReportApi.as_view(), name="citizen-api-problem-reports"),
    path("tariffs", tariffs.TariffApi.as_view(), name="citizen-api-tariffs"),
    path("water-quality", tariffs.WaterQualityApi.as_view(), name="citizen-api-water-quality"),
    path("bill-simulation", tariffs.BillSimulatorApi.as_view(), name="citizen-api-bill-simulation"),
    path("news", news.PublicNewsApi.as_view(), name="citizen-api-news"),
    path(
        "properties/<int:property_id>/news", news.PropertyNewsApi.as_view(), name="citizen-api-property-news"
    ),
    # the notices the citizen chooses, the mobile number and the digital bill (issue 23, ADR 0207)
    path(
        "notifications/preferences",
        notifications.PreferencesApi.as_view(),
        name="citizen-api-notification-preferences",
    ),
    path(
        "notifications/offered", notifications.OfferedApi.as_view(), name="citizen-api-notification-offered"
    ),
    path(
        "notifications/push-devices", notifications.PushDeviceApi.as_view(), name="citizen-api-push-devices"
    ),
    path(
        "notifications/digital-bill", notifications.DigitalBillApi.as_view(), name="citizen-api-digital-bill"
    ),
    path("contacts/mobile", notifications.MobileApi.as_view(), name="citizen-api-mobile"),
    path("contacts/email", notifications.EmailApi.as_view(), name="citizen-api-email"),
    path(
        "contacts/mobile/confirm", notifications.MobileConfirmApi.as_view(), name="citizen-api-mobile-confirm"
    ),
    path(
        "properties/<int:property_id>/reading-dates",
        unit.ReadingDatesApi.as_view(),
        name="citizen-api-reading-dates",
    ),
    path(
        "properties/<int:property_id>/service-orders",
        unit.UnitOrdersApi.as_view(),
        name="citizen-api-service-orders",
    ),
    path(
        "properties/<int:property_id>/registration-sheet",
        unit.RegistrationSheetApi.as_view(),
        name="citizen-api-registration-sheet",
    ),
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
