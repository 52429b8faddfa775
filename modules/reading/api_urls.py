from django.urls import path

from . import apis

urlpatterns = [
    path("readings", apis.ReadingListApi.as_view(), name="api-readings"),
    path("readings/file", apis.ReadingFileApi.as_view(), name="api-readings-file"),
    path("readings/<int:pk>/review", apis.ReadingReviewApi.as_view(), name="api-reading-review"),
    path("reading/schedules", apis.ScheduleListApi.as_view(), name="api-reading-schedules"),
    path(
        "reading/schedules/<int:pk>/adjust",
        apis.ScheduleAdjustApi.as_view(),
        name="api-reading-schedule-adjust",
    ),
    path(
        "settings/consumption-regulation",
        apis.ConsumptionRegulationApi.as_view(),
        name="api-consumption-regulation",
    ),
    path(
        "settings/consumption-regulation/<str:valid_from>",
        apis.ConsumptionRegulationVersionApi.as_view(),
        name="api-consumption-regulation-version",
    ),
    path("settings/reading-schedule", apis.ScheduleSettingsListApi.as_view(), name="api-schedule-settings"),
    path(
        "settings/reading-schedule/<int:code>",
        apis.ScheduleSettingsApi.as_view(),
        name="api-schedule-settings-group",
    ),
    path("settings/holidays", apis.HolidayListApi.as_view(), name="api-holidays"),
    path("settings/holidays/<str:day>", apis.HolidayApi.as_view(), name="api-holiday"),
]
