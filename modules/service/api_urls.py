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

# invoices (h-invoices): the attendant's bill functions and cut-off permissions
from . import invoices_apis  # noqa: E402

urlpatterns += [
    path("properties/<int:pk>/bills", invoices_apis.PropertyBillsApi.as_view(), name="api-property-bills"),
    path(
        "properties/<int:pk>/bills/send",
        invoices_apis.PropertyBillsSendApi.as_view(),
        name="api-property-bills-send",
    ),
    path(
        "properties/<int:pk>/cut-permission",
        invoices_apis.PropertyCutPermissionApi.as_view(),
        name="api-property-cut-permission",
    ),
    path("service/cut-candidates", invoices_apis.CutCandidatesApi.as_view(), name="api-cut-candidates"),
]
urlpatterns += [
    path(
        "properties/<int:pk>/due-day", invoices_apis.PropertyDueDayApi.as_view(), name="api-property-due-day"
    ),
    path("properties/<int:pk>/route", invoices_apis.PropertyRouteApi.as_view(), name="api-property-route"),
    path(
        "connections/<int:pk>/technical",
        invoices_apis.ConnectionTechnicalApi.as_view(),
        name="api-connection-technical",
    ),
]
