"""Vendor SLA API under /ops/api/v1/ (included by saas.ops.api_urls)."""

from django.urls import path

from . import alerts, apis

urlpatterns = [
    path("tenants/<str:schema>/contract", apis.ContractApi.as_view(), name="ops-api-contract"),
    path("tenants/<str:schema>/outages", apis.OutageCreateApi.as_view(), name="ops-api-outages"),
    path("tenants/<str:schema>/sla", apis.SlaMonthApi.as_view(), name="ops-api-sla"),
    path("tenants/<str:schema>/sla/report.pdf", apis.SlaReportPdfApi.as_view(), name="ops-api-sla-pdf"),
    path("tenants/<str:schema>/invoices", apis.InvoiceListIssueApi.as_view(), name="ops-api-invoices"),
    path("outages/<int:pk>/exclusion", apis.OutageExclusionApi.as_view(), name="ops-api-outage-exclusion"),
    path("probes", apis.ProbeCreateApi.as_view(), name="ops-api-probes"),
    path("alerts/alertmanager/", alerts.AlertmanagerWebhookApi.as_view(), name="ops-api-alertmanager"),
    path("incidents", apis.IncidentListCreateApi.as_view(), name="ops-api-incidents"),
    path("incidents/<str:protocol>", apis.IncidentDetailApi.as_view(), name="ops-api-incident"),
    path(
        "incidents/<str:protocol>/acknowledge",
        apis.IncidentActionApi.as_view(action="acknowledge"),
        name="ops-api-incident-acknowledge",
    ),
    path(
        "incidents/<str:protocol>/resolve",
        apis.IncidentActionApi.as_view(action="resolve"),
        name="ops-api-incident-resolve",
    ),
    path(
        "incidents/<str:protocol>/close",
        apis.IncidentActionApi.as_view(action="close"),
        name="ops-api-incident-close",
    ),
    path("invoices/<int:pk>/pdf", apis.InvoicePdfApi.as_view(), name="ops-api-invoice-pdf"),
]
