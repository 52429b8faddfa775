from django.urls import path

from . import automatic_views, desk_views, field_views, views

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
    path("campo/", field_views.field_monitor_view, name="field_monitor"),
    path("campo/fotos/<int:pk>/", field_views.field_photo_view, name="field_photo"),
    path("campo/avisos/<int:pk>/", field_views.field_notice_view, name="field_notice"),
]

from . import orders_views  # noqa: E402

urlpatterns += [
    path("ordens/prazos/", orders_views.deadline_queue_view, name="deadline_queue"),
    path("ordens/lote/", orders_views.batch_view, name="batch_new"),
    path("ordens/lote/<int:pk>/", orders_views.batch_detail_view, name="batch"),
    path("ordens/<int:pk>/formulario.pdf", orders_views.order_form_pdf_view, name="order_form_pdf"),
    path("ordens/<int:pk>/termos/<int:term>.pdf", orders_views.order_term_pdf_view, name="order_term_pdf"),
    path("avisos-de-abertura/", orders_views.notices_view, name="notices"),
    path("termos/", orders_views.terms_view, name="terms"),
    path("termos/<str:kind>/", orders_views.term_edit_view, name="term_edit"),
    path("termos/<str:kind>/previa.pdf", orders_views.term_preview_view, name="term_preview"),
    path("empreiteiras/", orders_views.contractors_view, name="contractors"),
    path("empreiteiras/contratos/<int:pk>/", orders_views.contract_view, name="contract"),
    path(
        "empreiteiras/contratos/<int:pk>/medicoes/<str:month>/",
        orders_views.measurement_view,
        name="measurement",
    ),
    path(
        "empreiteiras/contratos/<int:pk>/medicoes/<str:month>/medicao.pdf",
        orders_views.measurement_pdf_view,
        name="measurement_pdf",
    ),
]
urlpatterns += [
    path("codigos/<int:pk>/encerramento/", orders_views.closing_form_view, name="closing_form"),
]
urlpatterns += [
    path("ordens/retrabalho/", orders_views.rework_view, name="rework"),
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
urlpatterns += [
    path(
        "atendimento/imovel/<int:pk>/leituras/", desk_views.reading_summary_view, name="desk_reading_summary"
    ),
]

from . import connections_views  # noqa: E402

urlpatterns += [
    path("ligacoes/", connections_views.requests_view, name="connections"),
    path("ligacoes/nova/", connections_views.request_new_view, name="connection_new"),
    path("ligacoes/<int:pk>/", connections_views.request_view, name="connection"),
    path("ligacoes/fluxos/", connections_views.workflows_view, name="connection_workflows"),
]
from . import timeline_views  # noqa: E402

# S10.5-03: the property's timeline of status-changing records
urlpatterns += [
    path(
        "atendimento/imovel/<int:pk>/linha-do-tempo/", timeline_views.desk_timeline_view, name="desk_timeline"
    ),
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

# exceptions and legal processes of a property (TR S10.13; ADR 0188)
from . import legal_views  # noqa: E402

urlpatterns += [
    path("atendimento/imovel/<int:pk>/excecoes-e-processos/", legal_views.desk_legal_view, name="desk_legal"),
]

# the consumption review (seed 001 3.2.6)
from . import review_views  # noqa: E402

urlpatterns += [
    path("revisoes/", review_views.reviews_view, name="reviews"),
    path("revisoes/nova/", review_views.review_new_view, name="review_new"),
    path("revisoes/da-leitura/", review_views.review_from_reading_view, name="review_from_reading"),
    path("revisoes/agenda/", review_views.agenda_view, name="review_agenda"),
    path("revisoes/configuracao/", review_views.review_settings_view, name="review_settings"),
    path("revisoes/<int:pk>/", review_views.review_view, name="review"),
    path("revisoes/<int:pk>/documento.pdf", review_views.review_pdf_view, name="review_pdf"),
]

# the reading reports (seed 001 3.2.4)
from . import reports_views  # noqa: E402

urlpatterns += [
    path("relatorios-de-leitura/", reports_views.reading_reports_view, name="reading_reports"),
]

# the reading report generator (TR S12.9-01, ADR 0230)
from . import reports_builder_views  # noqa: E402

urlpatterns += [
    path(
        "relatorios-de-leitura/gerador/",
        reports_builder_views.report_builder_view,
        name="reading_report_builder",
    )
]
# h-docs: loss charges (perdas, ADR 0228)
from . import losses_views  # noqa: E402

urlpatterns += [path("perdas/", losses_views.losses_view, name="losses")]
