from django.urls import path

from . import config_views, sla_views, views

app_name = "ops"

urlpatterns = [
    path("concessionarias/nova/", views.tenant_create, name="tenant_create"),
    path("concessionarias/<str:schema>/", views.tenant_detail, name="tenant"),
    path("concessionarias/<str:schema>/administrador/", config_views.tenant_admin, name="tenant_admin"),
    path("concessionarias/<str:schema>/dados/", config_views.tenant_branding, name="tenant_branding"),
    path("concessionarias/<str:schema>/contrato/", config_views.tenant_contract, name="tenant_contract"),
    path("concessionarias/<str:schema>/sla/", sla_views.tenant_sla, name="tenant_sla"),
    path("sla/", sla_views.sla_overview, name="sla"),
    path("chamados/", sla_views.incidents, name="incidents"),
]
