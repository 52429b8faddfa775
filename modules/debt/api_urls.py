from django.urls import path

from . import active_debt_apis as da
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
    path("agreements/<int:pk>/booklet", apis.AgreementBookletApi.as_view(), name="api-agreement-booklet"),
    path("agreements/<int:pk>/cancel", apis.AgreementCancelApi.as_view(), name="api-agreement-cancel"),
    path("debt/settings", apis.DebtSettingsApi.as_view(), name="api-debt-settings"),
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
    # dívida ativa (seed 001 3.2.9.18; ADR 0198)
    path("debt/active-debt/preview", da.ActiveDebtPreviewApi.as_view(), name="api-active-debt-preview"),
    path("debt/active-debt/books", da.ActiveDebtBooksApi.as_view(), name="api-active-debt-books"),
    path("debt/active-debt/books/<int:pk>", da.ActiveDebtBookApi.as_view(), name="api-active-debt-book"),
    path("debt/active-debt/reports", da.ActiveDebtReportApi.as_view(), name="api-active-debt-reports"),
    path("debt/active-debt/export", da.ActiveDebtExportApi.as_view(), name="api-active-debt-export"),
    path(
        "properties/<int:pk>/active-debt", da.PropertyActiveDebtApi.as_view(), name="api-property-active-debt"
    ),
    path(
        "properties/<int:pk>/active-debt/notices",
        da.PropertyActiveDebtNoticesApi.as_view(),
        name="api-property-active-debt-notices",
    ),
    path(
        "properties/<int:pk>/active-debt/certificates",
        da.PropertyActiveDebtCertificatesApi.as_view(),
        name="api-property-active-debt-certificates",
    ),
    path(
        "properties/<int:pk>/active-debt/confession",
        da.PropertyActiveDebtConfessionApi.as_view(),
        name="api-property-active-debt-confession",
    ),
    path(
        "debt/active-debt/notices/<int:pk>/receipt",
        da.ActiveDebtNoticeReceiptApi.as_view(),
        name="api-active-debt-notice-receipt",
    ),
    path(
        "debt/active-debt/certificates/<int:pk>/installments",
        da.ActiveDebtInstallmentsApi.as_view(),
        name="api-active-debt-installments",
    ),
    path(
        "debt/active-debt/certificates/<int:pk>/filing",
        da.ActiveDebtFilingApi.as_view(),
        name="api-active-debt-filing",
    ),
    path(
        "debt/active-debt/entries/<int:pk>/end",
        da.ActiveDebtEntryEndApi.as_view(),
        name="api-active-debt-entry-end",
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

urlpatterns += [
    path("debt/letters/preview", cutoff_apis.LettersPreviewApi.as_view(), name="api-debt-letters-preview"),
    path("debt/letters", cutoff_apis.LettersIssueApi.as_view(), name="api-debt-letters-issue"),
]
