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

from . import cutoff_apis  # noqa: E402

urlpatterns += [
    path("debt/cutoff-policy", cutoff_apis.CutoffPolicyApi.as_view(), name="api-debt-cutoff-policy"),
    path("debt/cutoff/earliest-date", cutoff_apis.EarliestCutApi.as_view(), name="api-debt-cutoff-earliest"),
    path("debt/ladder/preview", cutoff_apis.LadderPreviewApi.as_view(), name="api-debt-ladder-preview"),
    path("debt/ladder/run", cutoff_apis.LadderRunApi.as_view(), name="api-debt-ladder-run"),
    path(
        "debt/notices/<int:pk>/cancel", cutoff_apis.NoticeCancelApi.as_view(), name="api-debt-notice-cancel"
    ),
    path(
        "debt/notices/<int:pk>/reschedule",
        cutoff_apis.NoticeRescheduleApi.as_view(),
        name="api-debt-notice-reschedule",
    ),
    path(
        "properties/<int:pk>/collection-block",
        cutoff_apis.PropertyBlockApi.as_view(),
        name="api-property-collection-block",
    ),
]
