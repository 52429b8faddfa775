from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("concessionarias/nova/", views.tenant_create, name="tenant_create"),
    path("concessionarias/<str:schema>/", views.tenant_detail, name="tenant"),
]
