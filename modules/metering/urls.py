from django.urls import path

from . import views

app_name = "metering"

urlpatterns = [
    path("", views.meters_view, name="meters"),
    path("novo/", views.meter_create_view, name="meter_create"),
    path("vencendo/", views.expiring_view, name="expiring"),
    path("politica/", views.policy_view, name="policy"),
    path("<int:pk>/", views.meter_view, name="meter"),
    path("ligacao/<int:connection_pk>/evento/", views.event_view, name="event"),
]
