from django.urls import path

from . import apis, boleto_apis, direct_debit_apis, exceptions_apis, gateway_apis, settings_apis

urlpatterns = [
    path("collection/return-files", apis.ReturnFilesApi.as_view(), name="api-return-files"),
    path("collection/payments", apis.PaymentsApi.as_view(), name="api-payments"),
    path(
        "collection/payments/<int:pk>/reverse", apis.PaymentReverseApi.as_view(), name="api-payment-reverse"
    ),
    path(
        "collection/payments/<int:pk>/resolve", apis.PaymentResolveApi.as_view(), name="api-payment-resolve"
    ),
    path("collection/review", apis.ReviewQueueApi.as_view(), name="api-payment-review"),
    path("collection/settlement", apis.SettlementApi.as_view(), name="api-settlement"),
    path(
        "collection/late-charges/simulate",
        apis.LateChargesSimulateApi.as_view(),
        name="api-late-charges-simulate",
    ),
    path("collection/charges", gateway_apis.ChargeCreateApi.as_view(), name="api-gateway-charges"),
    path("collection/agents", settings_apis.AgentsApi.as_view(), name="api-collection-agents"),
    path("collection/agents/<int:pk>", settings_apis.AgentApi.as_view(), name="api-collection-agent"),
    path("collection/index-series", settings_apis.IndexSeriesApi.as_view(), name="api-index-series"),
    path("collection/index-rates", settings_apis.IndexRatesApi.as_view(), name="api-index-rates"),
    path("collection/index-rates/csv", settings_apis.IndexRatesCsvApi.as_view(), name="api-index-rates-csv"),
    path(
        "collection/late-charge-policies",
        settings_apis.LateChargePoliciesApi.as_view(),
        name="api-late-charge-policies",
    ),
    # direct debit (ADR 0235)
    path(
        "collection/direct-debit/agreements",
        direct_debit_apis.DebitAgreementsApi.as_view(),
        name="api-dd-agreements",
    ),
    path(
        "collection/direct-debit/authorizations",
        direct_debit_apis.DebitAuthorizationsApi.as_view(),
        name="api-dd-authorizations",
    ),
    path(
        "collection/direct-debit/authorizations/<int:pk>/cancel",
        direct_debit_apis.DebitAuthorizationCancelApi.as_view(),
        name="api-dd-authorization-cancel",
    ),
    path(
        "collection/direct-debit/remittances",
        direct_debit_apis.DebitRemittancesApi.as_view(),
        name="api-dd-remittances",
    ),
    path(
        "collection/direct-debit/remittances/<int:pk>",
        direct_debit_apis.DebitRemittanceApi.as_view(),
        name="api-dd-remittance",
    ),
    path(
        "collection/direct-debit/remittances/<int:pk>/file",
        direct_debit_apis.DebitRemittanceFileApi.as_view(),
        name="api-dd-remittance-file",
    ),
    path(
        "collection/direct-debit/returns", direct_debit_apis.DebitReturnsApi.as_view(), name="api-dd-returns"
    ),
    path(
        "collection/direct-debit/enrolments",
        direct_debit_apis.DebitEnrolmentsApi.as_view(),
        name="api-dd-enrolments",
    ),
    path(
        "collection/direct-debit/enrolments/<int:pk>/link",
        direct_debit_apis.DebitEnrolmentLinkApi.as_view(),
        name="api-dd-enrolment-link",
    ),
    path(
        "collection/direct-debit/enrolments/<int:pk>/discard",
        direct_debit_apis.DebitEnrolmentDiscardApi.as_view(),
        name="api-dd-enrolment-discard",
    ),
    path(
        "collection/direct-debit/bills/<int:pk>/control",
        direct_debit_apis.DebitBillControlApi.as_view(),
        name="api-dd-bill-control",
    ),
    path(
        "collection/direct-debit/bills/<int:pk>/resend",
        direct_debit_apis.DebitBillResendApi.as_view(),
        name="api-dd-bill-resend",
    ),
    # payment exceptions (ADR 0236) and the monthly closing (ADR 0237)
    path(
        "collection/payments/<int:pk>/attach",
        exceptions_apis.PaymentAttachApi.as_view(),
        name="api-payment-attach",
    ),
    path(
        "collection/payments/<int:pk>/credit",
        exceptions_apis.PaymentCreditApi.as_view(),
        name="api-payment-credit",
    ),
    path(
        "collection/payments/<int:pk>/transfer",
        exceptions_apis.PaymentTransferApi.as_view(),
        name="api-payment-transfer",
    ),
    path("collection/deposits", exceptions_apis.DepositsApi.as_view(), name="api-deposits"),
    path("collection/adjustments", exceptions_apis.AdjustmentsApi.as_view(), name="api-adjustments"),
    path("collection/closings", exceptions_apis.ClosingsApi.as_view(), name="api-closings"),
    path("collection/closings/<str:month>", exceptions_apis.ClosingApi.as_view(), name="api-closing"),
    path(
        "collection/boletos/remittances",
        boleto_apis.BoletoRemittancesApi.as_view(),
        name="api-boleto-remittances",
    ),
    path(
        "collection/boletos/remittances/<int:pk>/file",
        boleto_apis.BoletoRemittanceFileApi.as_view(),
        name="api-boleto-remittance-file",
    ),
    path(
        "collection/boletos/<int:pk>/write-off",
        boleto_apis.BoletoWriteOffApi.as_view(),
        name="api-boleto-write-off",
    ),
    path("collection/pix/receiver", settings_apis.PixReceiverApi.as_view(), name="api-pix-receiver"),
    path("collection/pix/receipts", boleto_apis.PixReceiptsApi.as_view(), name="api-pix-receipts"),
]

# h-docs: payable documents by id with their PDF, the guia avulsa, credits and their ledger (ADR 0228)
from . import slips_apis  # noqa: E402

urlpatterns += [
    path("documents/slips", slips_apis.SlipsApi.as_view(), name="api-document-slips"),
    path("documents/<int:pk>", slips_apis.DocumentApi.as_view(), name="api-document"),
    path("documents/<int:pk>/pdf", slips_apis.DocumentPdfApi.as_view(), name="api-document-pdf"),
    path("collection/credits/<int:pk>", slips_apis.CreditApi.as_view(), name="api-credit"),
    path(
        "collection/credits/<int:pk>/refund", slips_apis.CreditRefundApi.as_view(), name="api-credit-refund"
    ),
    path(
        "collection/credits/<int:pk>/offset", slips_apis.CreditOffsetApi.as_view(), name="api-credit-offset"
    ),
]
