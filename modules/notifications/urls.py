from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.deliveries_view, name="deliveries"),
    path("configurar/", views.settings_view, name="settings"),
]
