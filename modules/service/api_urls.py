from django.urls import path

from . import apis, automatic_apis, desk_views

urlpatterns = [
    path("service/codes", apis.ServiceCodesApi.as_view(), name="api-service-codes"),
    path("service/codes/<str:code>", apis.ServiceCodeDetailApi.as_view(), name="api-service-code"),
    path(
        "service/codes/<str:code>/prices", apis.ServiceCodePricesApi.as_view(), name="api-service-code-prices"
    ),
    path(
        "service/codes/<str:code>/price", apis.ServiceCodePriceOnApi.as_view(), name="api-service-code-price"
    ),
    path("service/teams", apis.TeamsApi.as_view(), name="api-service-teams"),
    path("service/teams/<int:pk>/members", apis.TeamMembersApi.as_view(), name="api-service-team-members"),
    path("service/materials", apis.MaterialsApi.as_view(), name="api-service-materials"),
    path(
        "service/materials/<str:code>/prices",
        apis.MaterialPricesApi.as_view(),
        name="api-service-material-prices",
    ),
    path("service/orders", apis.OrdersApi.as_view(), name="api-service-orders"),
    path("service/orders/<int:pk>", apis.OrderDetailApi.as_view(), name="api-service-order"),
    path(
        "service/orders/<int:pk>/schedule", apis.OrderScheduleApi.as_view(), name="api-service-order-schedule"
    ),
    path(
        "service/orders/<int:pk>/unschedule",
        apis.OrderUnscheduleApi.as_view(),
        name="api-service-order-unschedule",
    ),
    path("service/orders/<int:pk>/release", apis.OrderReleaseApi.as_view(), name="api-service-order-release"),
    path(
        "service/orders/<int:pk>/postpone", apis.OrderPostponeApi.as_view(), name="api-service-order-postpone"
    ),
    path("service/orders/<int:pk>/cancel", apis.OrderCancelApi.as_view(), name="api-service-order-cancel"),
    path("service/orders/<int:pk>/rework", apis.OrderReworkApi.as_view(), name="api-service-order-rework"),
    path("service/orders/<int:pk>/close", apis.OrderCloseApi.as_view(), name="api-service-order-close"),
    path(
        "service/automatic-rules",
        automatic_apis.AutomaticRulesApi.as_view(),
        name="api-service-automatic-rules",
    ),
    path(
        "service/automatic-rules/<int:pk>",
        automatic_apis.AutomaticRuleDetailApi.as_view(),
        name="api-service-automatic-rule",
    ),
    path(
        "properties/<int:pk>/pending-items",
        apis.PropertyPendingItemsApi.as_view(),
        name="api-property-pending-items",
    ),
    path(
        "properties/<int:pk>/overview",
        desk_views.PropertyOverviewApi.as_view(),
        name="api-property-overview",
    ),
]

from . import units_apis  # noqa: E402

urlpatterns += [
    path("service/streets", units_apis.StreetsApi.as_view(), name="api-service-streets"),
    path(
        "service/commercial-customers",
        units_apis.CommercialCustomersApi.as_view(),
        name="api-service-commercial-customers",
    ),
    path(
        "service/commercial-customers/<int:pk>/overview",
        units_apis.CommercialCustomerOverviewApi.as_view(),
        name="api-service-commercial-customer-overview",
    ),
    path("service/paying-bodies", units_apis.PayingBodiesApi.as_view(), name="api-service-paying-bodies"),
    path(
        "service/paying-bodies/<int:pk>/overview",
        units_apis.PayingBodyOverviewApi.as_view(),
        name="api-service-paying-body-overview",
    ),
    path(
        "service/paying-bodies/<int:pk>/invoices",
        units_apis.PayingBodyInvoicesApi.as_view(),
        name="api-service-paying-body-invoices",
    ),
    path("service/orders/<int:pk>/split", units_apis.OrderSplitApi.as_view(), name="api-service-order-split"),
    path(
        "properties/<int:pk>/reconnection-order",
        units_apis.ReconnectionOrderApi.as_view(),
        name="api-property-reconnection-order",
    ),
    path(
        "service/codes/<str:code>/effect", units_apis.CodeEffectApi.as_view(), name="api-service-code-effect"
    ),
    path(
        "service/documents/<int:pk>/due-date",
        units_apis.DocumentDueDateApi.as_view(),
        name="api-service-document-due-date",
    ),
    path(
        "service/documents/<int:pk>/cancel",
        units_apis.DocumentCancelApi.as_view(),
        name="api-service-document-cancel",
    ),
]
