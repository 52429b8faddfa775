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

# invoices (h-invoices): the attendant's bill functions and cut-off permissions
from . import invoices_views  # noqa: E402

urlpatterns += [
    path("atendimento/imovel/<int:pk>/faturas/", invoices_views.desk_bills_view, name="desk_bills"),
    path(
        "atendimento/imovel/<int:pk>/emitir-fatura/",
        invoices_views.desk_bill_issue_view,
        name="desk_bill_issue",
    ),
    path(
        "atendimento/imovel/<int:pk>/permissoes-de-corte/",
        invoices_views.desk_cut_permission_view,
        name="desk_cut_permission",
    ),
    path("corte/selecao/", invoices_views.cut_candidates_view, name="cut_candidates"),
]
urlpatterns += [
    path("atendimento/imovel/<int:pk>/cadastro/", invoices_views.desk_registry_view, name="desk_registry"),
]
