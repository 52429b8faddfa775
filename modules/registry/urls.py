from django.urls import path

from . import views, views_numbering, views_reference, views_rental

app_name = "registry"

urlpatterns = [
    path("", views.search_view, name="search"),
    path("imoveis/novo/", views.property_create_view, name="property_create"),
    path("imoveis/<int:pk>/", views.property_view, name="property"),
    path("imoveis/<int:pk>/<slug:action>/", views.property_action_view, name="property_action"),
    path("clientes/", views.customers_view, name="customers"),
    path("clientes/novo/", views.customer_create_view, name="customer_create"),
    path("clientes/<int:pk>/", views.customer_edit_view, name="customer_edit"),
    path("tabelas/", views_reference.reference_index_view, name="reference_index"),
    path("tabelas/classificacao/", views_reference.classification_index_view, name="classification_index"),
    path("tabelas/<slug:slug>/", views_reference.reference_list_view, name="reference_list"),
    path("tabelas/<slug:slug>/<int:pk>/", views_reference.reference_edit_view, name="reference_edit"),
    # rental contracts and a unit's addresses (h-rental); own prefixes: "imoveis/<pk>/<slug>/" is taken
    path("locacao/imoveis/<int:pk>/", views_rental.rental_view, name="rental"),
    path("locacao/contratos/<int:pk>/encerrar/", views_rental.rental_end_view, name="rental_end"),
    path("enderecos/imoveis/<int:pk>/", views_rental.addresses_view, name="addresses"),
]

# location (h-location): a unit's setor/quadra/lote and a route re-sequenced from them
from . import views_location  # noqa: E402

urlpatterns += [
    path(
        "imoveis/<int:pk>/localizacao/alterar/",
        views_location.property_location_view,
        name="property_location",
    ),
    path("rotas/<int:pk>/resequenciar/", views_location.route_resequence_view, name="route_resequence"),
    # R-05 (ADR 0225): the matrícula's check-digit rule
    path("numeracao/", views_numbering.numbering_view, name="numbering"),
]
