"""The field team's phone app under /campo/: the page, its service worker (scope /campo/) and its
web app manifest."""

from django.urls import path

from . import field_views

app_name = "field"

urlpatterns = [
    path("", field_views.field_app_view, name="app"),
    path("sw.js", field_views.service_worker_view, name="service_worker"),
    path("manifest.webmanifest", field_views.manifest_view, name="manifest"),
]
