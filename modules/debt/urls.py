from django.urls import path

from . import views

app_name = "debt"

urlpatterns = [
    path("imovel/", views.lookup_view, name="lookup"),
    path("certidoes/", views.certificate_lookup_view, name="certificate_lookup"),
    path("imoveis/<int:pk>/", views.position_view, name="position"),
    path("imoveis/<int:pk>/parcelamento/", views.agreement_new_view, name="agreement_new"),
    path("imoveis/<int:pk>/certidoes/", views.certificates_view, name="certificates"),
    path("imoveis/<int:pk>/certidoes/emitir/", views.certificate_issue_view, name="certificate_issue"),
    path("parametros/", views.settings_view, name="settings"),
    path("configuracoes/parcelamento/", views.policies_view, name="policies"),
    path("configuracoes/documentos/", views.templates_view, name="templates"),
    path("configuracoes/documentos/<str:kind>/", views.template_edit_view, name="template_edit"),
    path(
        "configuracoes/documentos/<str:kind>/previa.pdf", views.template_preview_view, name="template_preview"
    ),
    path("parcelamentos/", views.agreements_view, name="agreements"),
    path("parcelamentos/<int:pk>/", views.agreement_view, name="agreement"),
    path("parcelamentos/<int:pk>/termo.pdf", views.agreement_term_pdf_view, name="agreement_term_pdf"),
    path("certidoes/<int:pk>.pdf", views.certificate_pdf_view, name="certificate_pdf"),
    path("documentos/<int:pk>.pdf", views.statement_pdf_view, name="statement_pdf"),
]

from . import cutoff_views  # noqa: E402

urlpatterns += [
    path("configuracoes/corte/", cutoff_views.cutoff_policy_view, name="cutoff_policy"),
    path("regua/", cutoff_views.ladder_view, name="ladder"),
    path("avisos-de-corte/", cutoff_views.notices_view, name="notices"),
    path("avisos-de-corte/<int:pk>/<str:action>/", cutoff_views.notice_action_view, name="notice_action"),
    path("avisos-de-corte/<int:pk>/aviso.pdf", cutoff_views.notice_pdf_view, name="notice_pdf"),
    path("bloqueios/", cutoff_views.block_view, name="block"),
    path("ordens-de-corte/", cutoff_views.cut_orders_view, name="cut_orders"),
    path("cartas/", cutoff_views.letters_view, name="letters"),
]
