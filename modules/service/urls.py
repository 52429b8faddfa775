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

from . import connections_views  # noqa: E402

urlpatterns += [
    path("ligacoes/", connections_views.requests_view, name="connections"),
    path("ligacoes/nova/", connections_views.request_new_view, name="connection_new"),
    path("ligacoes/<int:pk>/", connections_views.request_view, name="connection"),
    path("ligacoes/fluxos/", connections_views.workflows_view, name="connection_workflows"),
]
