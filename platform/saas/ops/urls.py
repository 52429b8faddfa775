from django.urls import path

from . import sla_views, views

app_name = "ops"

urlpatterns = [
    path("concessionarias/nova/", views.tenant_create, name="tenant_create"),
    path("concessionarias/<str:schema>/", views.tenant_detail, name="tenant"),
    path("concessionarias/<str:schema>/sla/", sla_views.tenant_sla, name="tenant_sla"),
    path("sla/", sla_views.sla_overview, name="sla"),
    path("chamados/", sla_views.incidents, name="incidents"),
]
