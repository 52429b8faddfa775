from django.urls import path

from . import apis

urlpatterns = [
    path("readings", apis.ReadingListApi.as_view(), name="api-readings"),
    path("readings/file", apis.ReadingFileApi.as_view(), name="api-readings-file"),
    path("readings/<int:pk>/review", apis.ReadingReviewApi.as_view(), name="api-reading-review"),
    path("reading/schedules", apis.ScheduleListApi.as_view(), name="api-reading-schedules"),
    path("reading/schedules/adjust", apis.ScheduleAdjustApi.as_view(), name="api-reading-schedule-adjust"),
    path(
        "settings/consumption-regulation",
        apis.ConsumptionRegulationApi.as_view(),
        name="api-consumption-regulation",
    ),
    path("settings/reading-schedule", apis.ScheduleSettingsApi.as_view(), name="api-schedule-settings"),
    path("settings/holidays", apis.HolidayListApi.as_view(), name="api-holidays"),
    path("settings/holidays/import", apis.HolidayImportApi.as_view(), name="api-holidays-import"),
]

# reading in the field: batches, devices, sync, monitor (ADR 0200)
from .batches_api_urls import urlpatterns as batches_urlpatterns  # noqa: E402

urlpatterns += batches_urlpatterns
