from django.urls import path

from . import apis

urlpatterns = [
    path("properties/<int:pk>/debts", apis.PropertyDebtsApi.as_view(), name="api-property-debts"),
    path("properties/<int:pk>/statement", apis.StatementApi.as_view(), name="api-property-statement"),
    path(
        "properties/<int:pk>/certificates", apis.CertificatesApi.as_view(), name="api-property-certificates"
    ),
    path("installments/simulate", apis.InstallmentSimulateApi.as_view(), name="api-installments-simulate"),
    path("agreements", apis.AgreementsApi.as_view(), name="api-agreements"),
    path("agreements/<int:pk>", apis.AgreementDetailApi.as_view(), name="api-agreement"),
    path("agreements/<int:pk>/cancel", apis.AgreementCancelApi.as_view(), name="api-agreement-cancel"),
    path(
        "debt/installment-policies",
        apis.InstallmentPoliciesApi.as_view(),
        name="api-debt-installment-policies",
    ),
    path("debt/document-templates", apis.DocumentTemplatesApi.as_view(), name="api-debt-document-templates"),
    path(
        "debt/document-templates/preview",
        apis.DocumentTemplatePreviewApi.as_view(),
        name="api-debt-document-template-preview",
    ),
]
