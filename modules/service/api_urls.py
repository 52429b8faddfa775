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
    path("field/badges", field_apis.BadgesApi.as_view(), name="api-field-badges"),
]

from . import channels_apis  # noqa: E402

# attendance channels: tickets (senhas) and CTI (ADR 0182)
urlpatterns += [
    path("service/ticket-units", channels_apis.TicketUnitsApi.as_view(), name="api-service-ticket-units"),
    path(
        "service/ticket-units/<int:pk>/queues",
        channels_apis.TicketUnitQueuesApi.as_view(),
        name="api-service-ticket-unit-queues",
    ),
    path("service/tickets", channels_apis.TicketsApi.as_view(), name="api-service-tickets"),
    path(
        "service/tickets/call-next",
        channels_apis.TicketCallNextApi.as_view(),
        name="api-service-ticket-call-next",
    ),
    path("service/tickets/<int:pk>", channels_apis.TicketDetailApi.as_view(), name="api-service-ticket"),
    path(
        "service/tickets/<int:pk>/recall",
        channels_apis.TicketRecallApi.as_view(),
        name="api-service-ticket-recall",
    ),
    path(
        "service/tickets/<int:pk>/finish",
        channels_apis.TicketFinishApi.as_view(),
        name="api-service-ticket-finish",
    ),
    path(
        "service/tickets/<int:pk>/no-show",
        channels_apis.TicketNoShowApi.as_view(),
        name="api-service-ticket-no-show",
    ),
    path(
        "service/tickets/<int:pk>/identify",
        channels_apis.TicketIdentifyApi.as_view(),
        name="api-service-ticket-identify",
    ),
    path("cti/events", channels_apis.CtiEventsApi.as_view(), name="api-cti-events"),
    path("cti/ivr/outage", channels_apis.IvrOutageApi.as_view(), name="api-cti-ivr-outage"),
    path("cti/ivr/protocol", channels_apis.IvrProtocolApi.as_view(), name="api-cti-ivr-protocol"),
    path("cti/ivr/debts", channels_apis.IvrDebtsApi.as_view(), name="api-cti-ivr-debts"),
    path("cti/ivr/second-copy", channels_apis.IvrSecondCopyApi.as_view(), name="api-cti-ivr-second-copy"),
    path(
        "cti/ivr/service-points",
        channels_apis.IvrServicePointsApi.as_view(),
        name="api-cti-ivr-service-points",
    ),
    path("cti/ivr/instructions", channels_apis.IvrInstructionsApi.as_view(), name="api-cti-ivr-instructions"),
    path("cti/screen-pop", channels_apis.ScreenPopApi.as_view(), name="api-cti-screen-pop"),
    path("cti/current-call", channels_apis.CurrentCallApi.as_view(), name="api-cti-current-call"),
    path("cti/monitor", channels_apis.QueueMonitorApi.as_view(), name="api-cti-monitor"),
    path("cti/supply-outages", channels_apis.OutagesApi.as_view(), name="api-cti-supply-outages"),
    path(
        "cti/supply-outages/<int:pk>/end",
        channels_apis.OutageEndApi.as_view(),
        name="api-cti-supply-outage-end",
    ),
    path("cti/campaigns", channels_apis.CampaignsApi.as_view(), name="api-cti-campaigns"),
    path("cti/campaigns/<int:pk>", channels_apis.CampaignDetailApi.as_view(), name="api-cti-campaign"),
    path(
        "cti/campaigns/<int:pk>/start",
        channels_apis.CampaignStartApi.as_view(),
        name="api-cti-campaign-start",
    ),
    path(
        "cti/campaigns/<int:pk>/refresh",
        channels_apis.CampaignRefreshApi.as_view(),
        name="api-cti-campaign-refresh",
    ),
]
from . import orders_apis  # noqa: E402

urlpatterns += [
    path("service/orders/batch", orders_apis.OrdersBatchApi.as_view(), name="api-service-orders-batch"),
    path(
        "service/orders/deadline-queue",
        orders_apis.DeadlineQueueApi.as_view(),
        name="api-service-orders-deadline-queue",
    ),
    path(
        "service/orders/<int:pk>/inspect",
        orders_apis.OrderInspectApi.as_view(),
        name="api-service-order-inspect",
    ),
    path(
        "service/opening-notices", orders_apis.OpeningNoticesApi.as_view(), name="api-service-opening-notices"
    ),
    path("service/contractors", orders_apis.ContractorsApi.as_view(), name="api-service-contractors"),
    path(
        "service/contractors/<int:pk>/teams",
        orders_apis.ContractorTeamsApi.as_view(),
        name="api-service-contractor-teams",
    ),
    path("service/contracts", orders_apis.ContractsApi.as_view(), name="api-service-contracts"),
    path(
        "service/contracts/<int:pk>/measurements/<str:month>",
        orders_apis.MeasurementApi.as_view(),
        name="api-service-contract-measurement",
    ),
]
urlpatterns += [
    path(
        "service/codes/<str:code>/closing-fields",
        orders_apis.ServiceCodeClosingFieldsApi.as_view(),
        name="api-service-code-closing-fields",
    ),
]
urlpatterns += [
    path("service/rework-stats", orders_apis.ReworkStatsApi.as_view(), name="api-service-rework-stats"),
]
# attendances and protocol types (ADR 0181)
from . import attendance_apis  # noqa: E402

urlpatterns += [
    path("service/attendances", attendance_apis.AttendancesApi.as_view(), name="api-service-attendances"),
    path(
        "service/attendances/indicators",
        attendance_apis.AttendanceIndicatorsApi.as_view(),
        name="api-service-attendance-indicators",
    ),
    path(
        "service/attendances/<int:pk>",
        attendance_apis.AttendanceDetailApi.as_view(),
        name="api-service-attendance",
    ),
    path(
        "service/attendances/<int:pk>/close",
        attendance_apis.AttendanceCloseApi.as_view(),
        name="api-service-attendance-close",
    ),
    path(
        "service/protocol-types",
        attendance_apis.ProtocolTypesApi.as_view(),
        name="api-service-protocol-types",
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

# the months that make the billing average, with what changed each bill (S10.7-01)
urlpatterns += [
    path(
        "properties/<int:pk>/reading-summary",
        desk_views.ReadingSummaryApi.as_view(),
        name="api-property-reading-summary",
    ),
]

from . import connections_apis  # noqa: E402

urlpatterns += [
    path(
        "service/connection-requests",
        connections_apis.ConnectionRequestsApi.as_view(),
        name="api-service-connection-requests",
    ),
    path(
        "service/connection-requests/<int:pk>",
        connections_apis.ConnectionRequestDetailApi.as_view(),
        name="api-service-connection-request",
    ),
    path(
        "service/connection-requests/<int:pk>/settle",
        connections_apis.ConnectionRequestSettleApi.as_view(),
        name="api-service-connection-request-settle",
    ),
    path(
        "service/connection-requests/<int:pk>/confirm-payment",
        connections_apis.ConnectionRequestPaymentApi.as_view(),
        name="api-service-connection-request-payment",
    ),
    path(
        "service/connection-requests/<int:pk>/complete",
        connections_apis.ConnectionRequestCompleteApi.as_view(),
        name="api-service-connection-request-complete",
    ),
    path(
        "service/connection-requests/<int:pk>/cancel",
        connections_apis.ConnectionRequestCancelApi.as_view(),
        name="api-service-connection-request-cancel",
    ),
]

from . import timeline_views  # noqa: E402

urlpatterns += [
    path(
        "properties/<int:pk>/timeline",
        timeline_views.PropertyTimelineApi.as_view(),
        name="api-property-timeline",
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

# exceptions and legal processes of a property (TR S10.13; ADR 0188)
from . import legal_apis  # noqa: E402

urlpatterns += [
    path(
        "properties/<int:pk>/exceptions",
        legal_apis.PropertyExceptionsApi.as_view(),
        name="api-property-exceptions",
    ),
    path(
        "properties/<int:pk>/exceptions/<int:exception_id>/end",
        legal_apis.PropertyExceptionEndApi.as_view(),
        name="api-property-exception-end",
    ),
    path(
        "properties/<int:pk>/legal-processes",
        legal_apis.PropertyProcessesApi.as_view(),
        name="api-property-legal-processes",
    ),
    path(
        "properties/<int:pk>/legal-processes/<int:process_id>/close",
        legal_apis.PropertyProcessCloseApi.as_view(),
        name="api-property-legal-process-close",
    ),
]

# connections, round 2 (ADR 0191): activation, link to CDC, type services, streets, attributes
urlpatterns += [
    path(
        "service/connection-requests/<int:pk>/activate",
        connections_apis.ConnectionRequestActivateApi.as_view(),
        name="api-service-connection-request-activate",
    ),
    path(
        "service/connection-requests/<int:pk>/link",
        connections_apis.ConnectionRequestLinkApi.as_view(),
        name="api-service-connection-request-link",
    ),
    path(
        "service/connection-type-services",
        connections_apis.ConnectionTypeServicesApi.as_view(),
        name="api-service-connection-type-services",
    ),
    path(
        "service/connection-streets",
        connections_apis.ConnectionStreetsApi.as_view(),
        name="api-service-connection-streets",
    ),
    path(
        "service/connection-streets/<int:pk>/sector",
        connections_apis.ConnectionStreetSectorApi.as_view(),
        name="api-service-connection-street-sector",
    ),
    path(
        "service/connection-attributes",
        connections_apis.ConnectionAttributesApi.as_view(),
        name="api-service-connection-attributes",
    ),
]

from . import news_apis  # noqa: E402

# news and notices to consumers, ticket statistics per type and point (issue 23)
urlpatterns += [
    path("service/tickets/stats", news_apis.TicketStatsApi.as_view(), name="api-service-ticket-stats"),
    path("service/news", news_apis.NewsListApi.as_view(), name="api-service-news"),
    path("service/news/<int:pk>", news_apis.NewsDetailApi.as_view(), name="api-service-news-detail"),
    path(
        "service/news/<int:pk>/withdraw",
        news_apis.NewsWithdrawApi.as_view(),
        name="api-service-news-withdraw",
    ),
]
# the consumption review (seed 001 3.2.6)
from . import review_apis  # noqa: E402

urlpatterns += [
    path("service/reviews", review_apis.ReviewListApi.as_view(), name="api-service-reviews"),
    path(
        "service/reviews/from-reading",
        review_apis.ReviewFromReadingApi.as_view(),
        name="api-service-review-from-reading",
    ),
    path("service/reviews/agenda", review_apis.ReviewAgendaApi.as_view(), name="api-service-review-agenda"),
    path("service/reviews/<int:pk>", review_apis.ReviewApi.as_view(), name="api-service-review"),
    path(
        "service/reviews/<int:pk>/advance",
        review_apis.ReviewAdvanceApi.as_view(),
        name="api-service-review-advance",
    ),
    path(
        "service/reviews/<int:pk>/visit",
        review_apis.ReviewVisitApi.as_view(),
        name="api-service-review-visit",
    ),
    path(
        "service/reviews/<int:pk>/rebill",
        review_apis.ReviewRebillApi.as_view(),
        name="api-service-review-rebill",
    ),
    path(
        "service/reviews/<int:pk>/close",
        review_apis.ReviewCloseApi.as_view(),
        name="api-service-review-close",
    ),
    path("service/reviews/<int:pk>/pdf", review_apis.ReviewPdfApi.as_view(), name="api-service-review-pdf"),
    path(
        "settings/consumption-review",
        review_apis.ReviewSettingsApi.as_view(),
        name="api-consumption-review-settings",
    ),
]

# the reading reports (seed 001 3.2.4) as CSV
from . import reports_views  # noqa: E402

urlpatterns += [
    path("reading/reports", reports_views.ReadingReportApi.as_view(), name="api-reading-report"),
]

# the reading report generator (TR S12.9-01, ADR 0230)
from . import reports_builder_views  # noqa: E402

urlpatterns += [
    path(
        "reading/report-builder",
        reports_builder_views.ReadingReportBuilderApi.as_view(),
        name="api-reading-report-builder",
    )
]

# h-docs: loss charges (perdas, ADR 0228)
from . import losses_apis  # noqa: E402

urlpatterns += [
    path("service/loss-types", losses_apis.LossTypesApi.as_view(), name="api-service-loss-types"),
    path("service/loss-types/<str:code>", losses_apis.LossTypeApi.as_view(), name="api-service-loss-type"),
    path("service/loss-fines", losses_apis.LossFinesApi.as_view(), name="api-service-loss-fines"),
    path("service/loss-charges", losses_apis.LossChargesApi.as_view(), name="api-service-loss-charges"),
    path(
        "service/loss-inspections",
        losses_apis.LossInspectionsApi.as_view(),
        name="api-service-loss-inspections",
    ),
    path("service/loss-report", losses_apis.LossReportApi.as_view(), name="api-service-loss-report"),
]
