from django.urls import path

from . import apis

urlpatterns = [
    path("notifications/deliveries", apis.DeliveriesApi.as_view(), name="notifications-api-deliveries"),
    path("notifications/consents", apis.ConsentsApi.as_view(), name="notifications-api-consents"),
]
