from django.urls import path

from . import tenant_apis

urlpatterns = [
    path("incidents", tenant_apis.StaffIncidentApi.as_view(), name="api-incidents"),
    path("incidents/<str:protocol>", tenant_apis.StaffIncidentDetailApi.as_view(), name="api-incident"),
    path(
        "incidents/<str:protocol>/accept",
        tenant_apis.StaffIncidentDecisionApi.as_view(decision="accept"),
        name="api-incident-accept",
    ),
    path(
        "incidents/<str:protocol>/reject",
        tenant_apis.StaffIncidentDecisionApi.as_view(decision="reject"),
        name="api-incident-reject",
    ),
]
