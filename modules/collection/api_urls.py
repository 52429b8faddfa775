from django.urls import path

from . import apis, gateway_apis, settings_apis

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
]
