from django.urls import path

from . import apis, automatic_apis, desk_views, field_apis

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
    path("field/today", field_apis.TodayApi.as_view(), name="api-field-today"),
    path("field/sync", field_apis.SyncApi.as_view(), name="api-field-sync"),
    path("field/orders-map", field_apis.OrdersMapApi.as_view(), name="api-field-orders-map"),
    path("field/monitor", field_apis.MonitorApi.as_view(), name="api-field-monitor"),
    path("field/teams/<int:pk>/track", field_apis.TeamTrackApi.as_view(), name="api-field-team-track"),
    path("field/photos", field_apis.PhotoFeedApi.as_view(), name="api-field-photos"),
    path("field/settings", field_apis.FieldSettingsApi.as_view(), name="api-field-settings"),
    path(
        "field/closing-forms/<str:code>", field_apis.ClosingFormApi.as_view(), name="api-field-closing-form"
    ),
    path("field/badges", field_apis.BadgesApi.as_view(), name="api-field-badges"),
]
