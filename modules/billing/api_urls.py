from django.urls import path

from . import apis

urlpatterns = [
    path("billing/tariffs", apis.TariffListCreateApi.as_view(), name="api-tariffs"),
    path("billing/tariffs/<int:pk>", apis.TariffDetailApi.as_view(), name="api-tariff"),
    path("billing/tariffs/<int:pk>/approve", apis.TariffApproveApi.as_view(), name="api-tariff-approve"),
    path("billing/tariffs/<int:pk>/copy", apis.TariffCopyApi.as_view(), name="api-tariff-copy"),
    path("billing/messages", apis.BillMessageListApi.as_view(), name="api-bill-messages"),
    path("billing/messages/<int:pk>", apis.BillMessageDetailApi.as_view(), name="api-bill-message"),
    path("billing/water-quality", apis.QualityTableListApi.as_view(), name="api-water-quality"),
    path("billing/water-quality/<int:pk>", apis.QualityTableDetailApi.as_view(), name="api-quality-table"),
    path("billing/simulate", apis.SimulateApi.as_view(), name="api-simulate"),
    path("billing/simulate/compare", apis.SimulateCompareApi.as_view(), name="api-simulate-compare"),
    path("billing/runs", apis.RunCreateApi.as_view(), name="api-runs"),
    path("billing/runs/<int:pk>", apis.RunDetailApi.as_view(), name="api-run"),
    path("billing/runs/<int:pk>/resume", apis.RunResumeApi.as_view(), name="api-run-resume"),
    path("billing/runs/<int:pk>/release", apis.RunReleaseApi.as_view(), name="api-run-release"),
    path("billing/settings", apis.BillingSettingsApi.as_view(), name="api-billing-settings"),
    path("bills", apis.BillListApi.as_view(), name="api-bills"),
    path("bills/<int:pk>", apis.BillDetailApi.as_view(), name="api-bill"),
    path("bills/<int:pk>/pdf", apis.BillPdfApi.as_view(), name="api-bill-pdf"),
    path("bills/<int:pk>/cancel", apis.BillCancelApi.as_view(), name="api-bill-cancel"),
    path("bills/<int:pk>/rebill", apis.BillRebillApi.as_view(), name="api-bill-rebill"),
    path("bills/<int:pk>/accept-critique", apis.BillCritiqueAcceptApi.as_view(), name="api-bill-accept"),
]

# invoices (h-invoices): a bill issued on its own, early or missed by the group's run
from . import invoices_apis  # noqa: E402

urlpatterns += [
    path("bills/issue", invoices_apis.BillIssueSingleApi.as_view(), name="api-bill-issue"),
]
urlpatterns += [
    path(
        "bills/<int:pk>/second-copy", invoices_apis.BillSecondCopyApi.as_view(), name="api-bill-second-copy"
    ),
    path("billing/second-copy-fee", invoices_apis.SecondCopyFeeApi.as_view(), name="api-second-copy-fee"),
]

# h-condo: condominium dependents, tariff exemptions and the sewer-billing notice
from . import condo_apis  # noqa: E402

urlpatterns += [
    path(
        "properties/<int:pk>/dependents",
        condo_apis.PropertyDependentsApi.as_view(),
        name="api-property-dependents",
    ),
    path(
        "properties/<int:pk>/exemptions",
        condo_apis.PropertyExemptionsApi.as_view(),
        name="api-property-exemptions",
    ),
    path(
        "properties/<int:pk>/sewer-notice",
        condo_apis.PropertySewerNoticeApi.as_view(),
        name="api-property-sewer-notice",
    ),
    path(
        "billing/sewer-notice-templates",
        condo_apis.SewerNoticeTemplatesApi.as_view(),
        name="api-sewer-notice-templates",
    ),
]

# h-docs: the critique's rule set, the minimum invoice values and a run's critique report (ADR 0226)
from . import critique_apis  # noqa: E402

urlpatterns += [
    path("billing/critique-rules", critique_apis.CritiqueRulesApi.as_view(), name="api-critique-rules"),
    path(
        "billing/critique-rules/<int:pk>", critique_apis.CritiqueRuleApi.as_view(), name="api-critique-rule"
    ),
    path("billing/invoice-minimum", critique_apis.InvoiceMinimumApi.as_view(), name="api-invoice-minimum"),
    path("billing/runs/<int:pk>/critique", critique_apis.RunCritiqueApi.as_view(), name="api-run-critique"),
    path(
        "billing/runs/<int:pk>/print-file", critique_apis.RunPrintFileApi.as_view(), name="api-run-print-file"
    ),
]

# h-bill: billing exceptions of a property (S4.7, ADR 0220)
from . import exceptions_apis  # noqa: E402

urlpatterns += [
    path(
        "properties/<int:pk>/billing-exceptions",
        exceptions_apis.PropertyBillingExceptionsApi.as_view(),
        name="api-property-billing-exceptions",
    ),
    path(
        "billing/exceptions/<int:billing_exception_id>",
        exceptions_apis.BillingExceptionApi.as_view(),
        name="api-billing-exception",
    ),
]
