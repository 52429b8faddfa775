from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.search_view, name="search"),
    path("imoveis/novo/", views.property_create_view, name="property_create"),
    path("imoveis/<int:pk>/", views.property_view, name="property"),
    path("imoveis/<int:pk>/<slug:action>/", views.property_action_view, name="property_action"),
    path("clientes/", views.customers_view, name="customers"),
    path("clientes/novo/", views.customer_create_view, name="customer_create"),
    path("clientes/<int:pk>/", views.customer_edit_view, name="customer_edit"),
]
