from django.urls import path

from . import apis

urlpatterns = [
    path("meters", apis.MeterListCreateApi.as_view(), name="api-meters"),
    path("meters/batch", apis.MeterBatchApi.as_view(), name="api-meters-batch"),
    path("meters/expiring", apis.MetersExpiringApi.as_view(), name="api-meters-expiring"),
    path("meters/<int:pk>", apis.MeterDetailApi.as_view(), name="api-meter"),
    path("meters/<int:pk>/status", apis.MeterStatusApi.as_view(), name="api-meter-status"),
    path("meters/<int:pk>/calibrations", apis.CalibrationApi.as_view(), name="api-meter-calibrations"),
    path("connections/<int:pk>/meters", apis.ConnectionMetersApi.as_view(), name="api-connection-meters"),
    path("connections/<int:pk>/meter/install", apis.MeterInstallApi.as_view(), name="api-meter-install"),
    path("connections/<int:pk>/meter/remove", apis.MeterRemoveApi.as_view(), name="api-meter-remove"),
    path("connections/<int:pk>/meter/swap", apis.MeterSwapApi.as_view(), name="api-meter-swap"),
    path("settings/metering-policy", apis.MeteringPolicyApi.as_view(), name="api-metering-policy"),
]
