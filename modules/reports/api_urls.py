from django.urls import path

from . import apis

urlpatterns = [
    path("reports", apis.ReportCatalogueApi.as_view(), name="api-reports"),
    path("reports/runs/<int:pk>", apis.ReportRunDetailApi.as_view(), name="api-report-run"),
    path(
        "reports/runs/<int:pk>/download", apis.ReportRunDownloadApi.as_view(), name="api-report-run-download"
    ),
    path("reports/<slug:code>/runs", apis.ReportRunCreateApi.as_view(), name="api-report-runs"),
]
