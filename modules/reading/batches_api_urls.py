from django.urls import path

from . import batches_apis as apis

urlpatterns = [
    path("reading/batches", apis.BatchListApi.as_view(), name="api-reading-batches"),
    path("reading/batches/<int:id>", apis.BatchDetailApi.as_view(), name="api-reading-batch"),
    path("reading/batches/<int:id>/close", apis.BatchCloseApi.as_view(), name="api-reading-batch-close"),
    path(
        "reading/batches/<int:id>/rereading", apis.RereadingApi.as_view(), name="api-reading-batch-rereading"
    ),
    path("reading/batches/<int:id>/return", apis.ReturnFileApi.as_view(), name="api-reading-batch-return"),
    path(
        "reading/batches/<int:id>/routes/<int:route>/device",
        apis.RouteDeviceApi.as_view(),
        name="api-reading-route-device",
    ),
    path(
        "reading/batches/<int:id>/routes/<int:route>/package",
        apis.PackageApi.as_view(),
        name="api-reading-route-package",
    ),
    path(
        "reading/batches/<int:id>/routes/<int:route>/collector-file",
        apis.CollectorFileApi.as_view(),
        name="api-reading-route-collector-file",
    ),
    path("reading/sync", apis.SyncApi.as_view(), name="api-reading-sync"),
    path("reading/photos", apis.PhotoApi.as_view(), name="api-reading-photos"),
    path("reading/amr", apis.AmrApi.as_view(), name="api-reading-amr"),
    path("reading/readers", apis.ReadersApi.as_view(), name="api-reading-readers"),
    path("reading/devices", apis.DevicesApi.as_view(), name="api-reading-devices"),
    path(
        "reading/devices/<str:code>/messages",
        apis.DeviceMessageApi.as_view(),
        name="api-reading-device-messages",
    ),
    path("reading/monitor", apis.MonitorApi.as_view(), name="api-reading-monitor"),
    path("reading/occurrences", apis.OccurrencesApi.as_view(), name="api-reading-occurrences"),
]

# the routes' reading order (seed 001 3.2.4.1/.3/.10/.11, ADR 0232)
from . import routes_apis  # noqa: E402

urlpatterns += [
    path("reading/routes", routes_apis.GroupRoutesApi.as_view(), name="api-reading-routes"),
    path("reading/routes/<int:id>", routes_apis.RouteUnitsApi.as_view(), name="api-reading-route"),
    path("reading/routes/<int:id>/move", routes_apis.RouteMoveApi.as_view(), name="api-reading-route-move"),
]

urlpatterns += [
    path("reading/field-settings", apis.FieldSettingsApi.as_view(), name="api-reading-field-settings"),
]

urlpatterns += [
    path("reading/locality-types", routes_apis.LocalityTypesApi.as_view(), name="api-reading-locality-types"),
    path(
        "reading/routes/<int:id>/locality",
        routes_apis.RouteLocalityApi.as_view(),
        name="api-reading-route-locality",
    ),
]

# the reader's phone app (h-reader, ADR 0227)
from . import reader_apis  # noqa: E402

urlpatterns += [
    path("reading/me", reader_apis.ReaderMeApi.as_view(), name="api-reading-me"),
    path("reading/app-settings", reader_apis.ReaderAppSettingsApi.as_view(), name="api-reading-app-settings"),
    path(
        "reading/batches/<int:id>/routes/<int:route>/order",
        reader_apis.PhoneRouteOrderApi.as_view(),
        name="api-reading-route-order",
    ),
]
