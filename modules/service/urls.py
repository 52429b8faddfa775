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

# attendances, the follow-up queue, protocol types and the desk's configuration (ADR 0181)
from . import attendance_views  # noqa: E402

urlpatterns += [
    path("atendimentos/", attendance_views.attendances_view, name="attendances"),
    path("atendimentos/contatos/", attendance_views.contacts_view, name="attendance_contacts"),
    path("atendimentos/indicadores/", attendance_views.indicators_view, name="attendance_indicators"),
    path("atendimentos/<int:pk>/", attendance_views.attendance_view, name="attendance"),
    path(
        "atendimentos/<int:pk>/comentarios/<int:comment_id>/",
        attendance_views.comment_edit_view,
        name="attendance_comment_edit",
    ),
    path(
        "atendimentos/<int:pk>/<slug:action>/",
        attendance_views.attendance_action_view,
        name="attendance_action",
    ),
    path("documentos/", attendance_views.documents_view, name="documents"),
    path("documentos/<str:token>/", attendance_views.document_view, name="document"),
    path("protocolos/fila/", attendance_views.follow_up_view, name="follow_up"),
    path("protocolos/tipos/", attendance_views.protocol_types_view, name="protocol_types"),
    path("atendimento/configuracao/", attendance_views.desk_configuration_view, name="desk_configuration"),
]
