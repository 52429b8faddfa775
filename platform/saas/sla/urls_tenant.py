from django.urls import path

from . import views_tenant

app_name = "sla"

urlpatterns = [
    path("", views_tenant.incidents_view, name="incidents"),
    path("<str:protocol>/aceite/", views_tenant.incident_accept_view, name="incident_accept"),
]
