"""Staff pages of collection (arrecadação)."""

from django.urls import path

from . import direct_debit_views, exceptions_views, settings_views, views

app_name = "collection"

urlpatterns = [
    path("pagamentos/", views.payments_view, name="payments"),
    path("pagamentos/<int:pk>/", views.payment_view, name="payment"),
    path("revisao/", views.review_view, name="review"),
    path("revisao/<int:pk>/", views.review_resolve_view, name="review_resolve"),
    path("retornos/", views.return_files_view, name="return_files"),
    path("configuracoes/agentes/", settings_views.agents_view, name="settings_agents"),
    path("configuracoes/agentes/novo/", settings_views.agent_create_view, name="settings_agent_create"),
    path("configuracoes/agentes/<int:pk>/", settings_views.agent_edit_view, name="settings_agent"),
    path("configuracoes/pix/", settings_views.pix_view, name="settings_pix"),
    path("configuracoes/indices/", settings_views.indexes_view, name="settings_indexes"),
    path("configuracoes/indices/<str:code>/", settings_views.index_view, name="settings_index"),
    path("configuracoes/acrescimos/", settings_views.policies_view, name="settings_policies"),
    # direct debit (ADR 0235)
    path("debito-automatico/", direct_debit_views.direct_debit_view, name="direct_debit"),
    path(
        "debito-automatico/remessas/", direct_debit_views.remittance_create_view, name="dd_remittance_create"
    ),
    path(
        "debito-automatico/remessas/<int:pk>/arquivo/",
        direct_debit_views.remittance_file_view,
        name="dd_remittance_file",
    ),
    path(
        "debito-automatico/convenios/", direct_debit_views.agreement_create_view, name="dd_agreement_create"
    ),
    path(
        "debito-automatico/autorizacoes/",
        direct_debit_views.authorization_create_view,
        name="dd_authorization_create",
    ),
    path(
        "debito-automatico/autorizacoes/<int:pk>/cancelar/",
        direct_debit_views.authorization_cancel_view,
        name="dd_authorization_cancel",
    ),
    path("debito-automatico/faturas/", direct_debit_views.bill_action_view, name="dd_bill_action"),
    path(
        "debito-automatico/cadastros/<int:pk>/",
        direct_debit_views.enrolment_resolve_view,
        name="dd_enrolment_resolve",
    ),
    # payment exceptions (ADR 0236) and the monthly closing (ADR 0237)
    path("revisao/<int:pk>/vincular/", exceptions_views.payment_attach_view, name="payment_attach"),
    path("revisao/<int:pk>/credito/", exceptions_views.payment_credit_view, name="payment_credit"),
    path("pagamentos/<int:pk>/transferir/", exceptions_views.payment_transfer_view, name="payment_transfer"),
    path("depositos/", exceptions_views.deposits_view, name="deposits"),
    path("fechamento/", exceptions_views.closings_view, name="closings"),
    path("fechamento/<str:month>/", exceptions_views.closing_view, name="closing"),
]

# h-docs: the guia avulsa, any payable document with its PDF, a credit's ledger (ADR 0228)
from . import slips_views  # noqa: E402

urlpatterns += [
    path("guias/nova/", slips_views.slip_create_view, name="slip_create"),
    path("documentos/<int:pk>/", slips_views.document_view, name="document"),
    path("documentos/<int:pk>/pdf/", slips_views.document_pdf_view, name="document_pdf"),
    path("creditos/<int:pk>/", slips_views.credit_view, name="credit"),
]
