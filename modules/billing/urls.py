from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("tarifas/", views.tariffs_view, name="tariffs"),
    path("tarifas/nova/", views.tariff_create_view, name="tariff_create"),
    path("tarifas/novo-rascunho/", views.tariff_new_view, name="tariff_new"),
    path("tarifas/<int:pk>/editar/", views.tariff_edit_view, name="tariff_edit"),
    path("tarifas/<int:pk>/", views.tariff_view, name="tariff"),
    path("tarifas/<int:pk>/exportar/", views.tariff_export_view, name="tariff_export"),
    path("simulador/", views.simulator_view, name="simulator"),
    path("simulador/comparar/", views.compare_view, name="compare"),
    path("execucoes/", views.runs_view, name="runs"),
    path("execucoes/<int:pk>/", views.run_view, name="run"),
    path("faturas/<int:pk>/", views.bill_view, name="bill"),
    path("faturas/<int:pk>/pdf/", views.bill_pdf_view, name="bill_pdf"),
    path("faturas/<int:pk>/alterar/", views.bill_change_view, name="bill_change"),
    path("faturas/<int:pk>/2via/", views.bill_second_copy_view, name="bill_second_copy"),
    path("configuracao/", views.settings_view, name="settings"),
    path("mensagens/", views.messages_view, name="messages"),
    path("mensagens/<int:pk>/", views.message_view, name="message"),
    path("qualidade-da-agua/", views.quality_list_view, name="quality_list"),
    path("qualidade-da-agua/nova/", views.quality_new_view, name="quality_new"),
    path("qualidade-da-agua/<int:pk>/", views.quality_view, name="quality"),
]

# h-condo: condominiums, exemptions and the sewer notice, from the property page
from . import views_condo  # noqa: E402

urlpatterns += [
    path("imoveis/<int:pk>/dependentes/", views_condo.property_dependents_view, name="property_dependents"),
    path("imoveis/<int:pk>/isencoes/", views_condo.property_exemptions_view, name="property_exemptions"),
    # h-bill: billing exceptions (S4.7, ADR 0220)
    path(
        "imoveis/<int:pk>/excecoes-faturamento/",
        views_condo.property_billing_exceptions_view,
        name="property_billing_exceptions",
    ),
    path(
        "imoveis/<int:pk>/comunicado-esgoto/",
        views_condo.property_sewer_notice_view,
        name="property_sewer_notice",
    ),
    path("comunicado-esgoto/", views_condo.sewer_notice_texts_view, name="sewer_notice_texts"),
]

# h-docs: the critique's rule set and a run's critique report (ADR 0226)
from . import views_critique  # noqa: E402

urlpatterns += [
    path("critica/", views_critique.critique_rules_view, name="critique_rules"),
    path("execucoes/<int:pk>/critica/", views_critique.run_critique_view, name="run_critique"),
    path("execucoes/<int:pk>/grafica.csv", views_critique.run_print_file_view, name="run_print_file"),
]
