from django.urls import path

from . import active_debt_views as da
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
    path("parcelamentos/<int:pk>/carne.pdf", views.agreement_booklet_pdf_view, name="agreement_booklet_pdf"),
    path("certidoes/<int:pk>.pdf", views.certificate_pdf_view, name="certificate_pdf"),
    path("documentos/<int:pk>.pdf", views.statement_pdf_view, name="statement_pdf"),
    # dívida ativa (seed 001 3.2.9.18; ADR 0198)
    path("divida-ativa/", da.index_view, name="active_debt"),
    path("divida-ativa/livros/<int:pk>/", da.book_view, name="active_debt_book"),
    path("divida-ativa/relatorios/", da.reports_view, name="active_debt_reports"),
    path("divida-ativa/procuradoria.csv", da.export_view, name="active_debt_export"),
    path("divida-ativa/parametros/", da.settings_view, name="active_debt_settings"),
    path("imoveis/<int:pk>/divida-ativa/", da.property_view, name="active_debt_property"),
    path("imoveis/<int:pk>/divida-ativa/notificar/", da.notice_issue_view, name="active_debt_notice"),
    path(
        "imoveis/<int:pk>/divida-ativa/certidao/", da.certificate_issue_view, name="active_debt_certificate"
    ),
    path("imoveis/<int:pk>/divida-ativa/confissao/", da.confession_view, name="active_debt_confession"),
    path(
        "divida-ativa/notificacoes/<int:pk>/recebimento/", da.notice_receipt_view, name="active_debt_receipt"
    ),
    path("divida-ativa/notificacoes/<int:pk>.pdf", da.notice_pdf_view, name="active_debt_notice_pdf"),
    path("divida-ativa/certidoes/<int:pk>.pdf", da.certificate_pdf_view, name="active_debt_certificate_pdf"),
    path(
        "divida-ativa/certidoes/<int:pk>/parcelamento/", da.installments_view, name="active_debt_installments"
    ),
    path("divida-ativa/certidoes/<int:pk>/ajuizamento/", da.filing_view, name="active_debt_filing"),
    path("divida-ativa/termos/<int:pk>.pdf", da.confession_pdf_view, name="active_debt_confession_pdf"),
    path("divida-ativa/inscricoes/<int:pk>/encerrar/", da.entry_end_view, name="active_debt_entry_end"),
]

from . import views_bureau  # noqa: E402

urlpatterns += [
    path("configuracoes/negativacao/", views_bureau.bureau_settings_view, name="bureau_settings"),
    path("negativacao/", views_bureau.bureau_listings_view, name="bureau_listings"),
    path(
        "negativacao/lotes/<int:pk>/desfazer/",
        views_bureau.bureau_listing_undo_view,
        name="bureau_listing_undo",
    ),
    path("negativacao/enviar/", views_bureau.bureau_run_view, name="bureau_run"),
    path("negativacao/retorno/", views_bureau.bureau_return_view, name="bureau_return"),
    path("imoveis/<int:pk>/negativacao/", views_bureau.bureau_property_view, name="bureau_property"),
    path("parcelamentos/<int:pk>/quitacao/", views.agreement_payoff_view, name="agreement_payoff"),
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
