"""/agencia/ (namespace "agencia") and /totem/ (namespace "totem"): the same views; /atendimento/
(namespace "desk"): the staff's protocol desk and agency settings."""

from django.urls import include, path

from . import (
    api_urls,
    views,
    views_bills,
    views_card,
    views_channels,
    views_document_update,
    views_email,
    views_services,
)
from .service_gate import gate_pages
from .urls_desk import desk_patterns

# every page below belongs to one of the agency's services (domain.AGENCY_SERVICES) or is always on;
# gate_pages answers 404 for the services the utility does not offer (VA-08)
property_pages = [
    path("", views.property_home, name="property_home"),
    path("cadastro/", views.property_registry, name="property_registry"),
    path("vencimento/", views.due_day, name="due_day"),
    path("pedidos/", views.requests_list, name="requests_list"),
    path("pedidos/novo/", views.request_new, name="request_new"),
    path("pedidos/<str:protocol>/", views.request_detail, name="request_detail"),
    path("cpf-cnpj/", views_document_update.document_update, name="document_update"),
    *[  # money pages (portal/views_bills.py)
        path("contas/", views_bills.bills_list, name="bills_list"),
        path("contas/<int:bill_id>/pdf/", views_bills.bill_pdf_view, name="bill_pdf"),
        path("contas/<int:bill_id>/linha/", views_bills.bill_line, name="bill_line"),
        path("contas/<int:bill_id>/email/", views_bills.bill_email, name="bill_email"),
        path("extrato/", views_bills.statement, name="statement"),
        path("extrato/<int:document_id>/pdf/", views_bills.statement_pdf_view, name="statement_pdf"),
        path("extrato/email/", views_email.statement_email, name="statement_email"),
        path("pagar/", views_bills.pay, name="pay"),
        path("pagar/cartao/", views_card.card_pay, name="card_pay"),
        path("pagar/cartao/retorno/<int:document_id>/", views_card.card_return, name="card_return"),
        path("pagar/<int:charge_id>/", views_bills.charge_detail, name="charge_detail"),
        path("pagar/<int:charge_id>/situacao.json", views_bills.charge_status, name="charge_status"),
        path("pagamentos/", views_bills.payments, name="payments"),
        path("consumo/", views_bills.consumption, name="consumption"),
    ],
    # debt and billing services (views_services.py)
    path("certidao/", views_services.certificates, name="certificates"),
    path("certidao/<int:certificate_id>/", views_services.certificate_detail, name="certificate_detail"),
    path("certidao/<int:certificate_id>.pdf", views_services.certificate_pdf, name="certificate_pdf"),
    path("certidao/<int:certificate_id>/email/", views_email.certificate_email, name="certificate_email"),
    path("declaracao-anual/", views_services.annual_declaration, name="annual_declaration"),
    path("parcelamento/", views_services.installments, name="installments"),
    path("parcelamentos/<int:agreement_id>/", views_services.agreement_detail, name="agreement_detail"),
    path(
        "parcelamentos/<int:agreement_id>/guia.pdf",
        views_services.agreement_guia_pdf,
        name="agreement_guia_pdf",
    ),
    path(
        "parcelamentos/<int:agreement_id>/termo.pdf",
        views_services.agreement_term_pdf,
        name="agreement_term_pdf",
    ),
]
property_pages = gate_pages(property_pages)

totem_patterns = [
    path("", views.sign_in, name="sign_in"),
    path("sair/", views.sign_out, name="sign_out"),
    path("inicio/", views.home, name="home"),
    path("tarifas/", views_services.tariff_table, name="tariffs"),
    path("simulador-de-conta/", views_services.bill_simulator, name="bill_simulator"),
    path("imoveis/<int:property_id>/", include(property_pages)),
]
totem_patterns = gate_pages(totem_patterns)

agency_patterns = [
    *totem_patterns,
    path("imoveis/<int:property_id>/email/", views.email_change, name="email_change"),
    path("imoveis/<int:property_id>/ouvidoria/", views.ombudsman, name="ombudsman"),
    path("email/confirmar/<str:token>/", views.email_confirm, name="email_confirm"),
    path("problema/", views.problem_report, name="problem_report"),
    path("atendimento/", views_channels.channels, name="channels"),
    path(
        "cpf-cnpj/<str:token>/",
        views_document_update.document_update_with_pass,
        name="document_update_pass",
    ),
    path("privacidade/", views.legal, {"which": "privacidade"}, name="privacy"),
    path("termos/", views.legal, {"which": "termos"}, name="terms"),
    path("logo.svg", views.logo, name="logo"),
]
agency_patterns = gate_pages(agency_patterns)

urlpatterns = [
    path("agencia/api/v1/", include(api_urls)),
    path("agencia/", include((agency_patterns, "agencia"), namespace="agencia")),
    path("totem/", include((totem_patterns, "totem"), namespace="totem")),
    # staff pages of the agency: the protocol desk and the agency settings (portal/views_desk.py)
    path("atendimento/", include((desk_patterns, "desk"), namespace="desk")),
]
