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

from . import apis_bureau  # noqa: E402

urlpatterns += [
    path("debt/bureau-policy", apis_bureau.BureauPolicyApi.as_view(), name="api-debt-bureau-policy"),
    path(
        "debt/bureau-listings/preview", apis_bureau.BureauPreviewApi.as_view(), name="api-debt-bureau-preview"
    ),
    path("debt/bureau-listings", apis_bureau.BureauListingsApi.as_view(), name="api-debt-bureau-listings"),
    path(
        "debt/bureau-listings/<int:pk>/undo",
        apis_bureau.BureauListingUndoApi.as_view(),
        name="api-debt-bureau-listing-undo",
    ),
    path("debt/bureau-run", apis_bureau.BureauRunApi.as_view(), name="api-debt-bureau-run"),
    path("debt/bureau-returns", apis_bureau.BureauReturnApi.as_view(), name="api-debt-bureau-returns"),
    path(
        "properties/<int:pk>/bureau-records",
        apis_bureau.PropertyBureauApi.as_view(),
        name="api-property-bureau",
    ),
    path("agreements/<int:pk>/payoff", apis.AgreementPayoffApi.as_view(), name="api-agreement-payoff"),
]
