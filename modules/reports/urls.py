"""Staff pages of the management reports."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.catalogue_view, name="catalogue"),
    path("execucoes/<int:pk>/", views.run_view, name="run"),
    path("execucoes/<int:pk>/arquivo/", views.run_download_view, name="run_download"),
    path("<slug:code>/", views.report_view, name="report"),
]
