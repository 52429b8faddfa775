from django.urls import path

from . import automatic_views, desk_views, views

app_name = "service"

urlpatterns = [
    path("ordens/", views.orders_view, name="orders"),
    path("ordens/nova/", views.order_new_view, name="order_new"),
    path("ordens/<int:pk>/", views.order_view, name="order"),
    path("codigos/", views.codes_view, name="codes"),
    path("codigos/novo/", views.code_new_view, name="code_new"),
    path("codigos/<int:pk>/", views.code_view, name="code"),
    path("equipes/", views.teams_view, name="teams"),
    path("equipes/<int:pk>/", views.team_view, name="team"),
    path("materiais/", views.materials_view, name="materials"),
    path("atendimento/imovel/<int:pk>/", desk_views.desk_property_view, name="desk_property"),
    path("abertura-automatica/", automatic_views.automatic_rules_view, name="automatic_rules"),
]

from . import units_views  # noqa: E402

urlpatterns += [
    path("logradouros/", units_views.streets_view, name="streets"),
    path("logradouros/<int:pk>/", units_views.street_view, name="street"),
    path("clientes-comerciais/", units_views.commercial_customers_view, name="commercial_customers"),
    path("clientes-comerciais/<int:pk>/", units_views.commercial_customer_view, name="commercial_customer"),
    path("documentos/<int:pk>/pdf/", units_views.document_pdf_view, name="document_pdf"),
    path("orgaos-pagadores/", units_views.paying_bodies_view, name="paying_bodies"),
    path("orgaos-pagadores/<int:pk>/", units_views.paying_body_view, name="paying_body"),
    path("faturas-centralizadas/<int:pk>/pdf/", units_views.centralized_pdf_view, name="centralized_pdf"),
    path("cartas-esgoto/", units_views.sewer_letters_view, name="sewer_letters"),
    path("cartas-esgoto/<int:pk>/pdf/", units_views.sewer_letter_pdf_view, name="sewer_letter_pdf"),
    path("ordens/<int:pk>/desdobrar/", units_views.order_split_view, name="order_split"),
    path("atendimento/imovel/<int:pk>/religacao/", units_views.reconnection_view, name="reconnection"),
]
