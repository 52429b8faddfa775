"""/agencia/ (namespace "agencia") and /totem/ (namespace "totem"): the same views; /atendimento/
(namespace "desk"): the staff's protocol desk and agency settings."""

from django.urls import include, path

from . import api_urls
from .service_gate import gate_pages
from .urls_desk import desk_patterns
from .views import (
    app,
    bills,
    card,
    certificates,
    channels,
    document_update,
    email,
    installments,
    notifications,
    properties,
    public,
    quality,
    requests,
    reviews,
    sign_in,
    tariffs,
    unit,
)

# every page below belongs to one of the agency's services (domain.AGENCY_SERVICES) or is always on;
# gate_pages answers 404 for the services the utility does not offer (VA-08)
property_pages = [
    path("", properties.property_home, name="property_home"),
    path("cadastro/", properties.property_registry, name="property_registry"),
    path("vencimento/", properties.due_day, name="due_day"),
    path("pedidos/", requests.requests_list, name="requests_list"),
    path("pedidos/novo/", requests.request_new, name="request_new"),
    path("pedidos/<str:protocol>/", requests.request_detail, name="request_detail"),
    path("revisao-de-consumo/", reviews.review_new, name="review_new"),
    path("cpf-cnpj/", document_update.document_update, name="document_update"),
    *[  # money pages (portal/bills.py)
        path("contas/", bills.bills_list, name="bills_list"),
        path("contas/<int:bill_id>/pdf/", bills.bill_pdf_view, name="bill_pdf"),
        path("contas/<int:bill_id>/linha/", bills.bill_line, name="bill_line"),
        path("contas/<int:bill_id>/email/", bills.bill_email, name="bill_email"),
        path("extrato/", bills.statement, name="statement"),
        path("extrato/<int:document_id>/pdf/", bills.statement_pdf_view, name="statement_pdf"),
        path("extrato/email/", email.statement_email, name="statement_email"),
        path("pagar/", bills.pay, name="pay"),
        path("pagar/cartao/", card.card_pay, name="card_pay"),
        path("pagar/cartao/retorno/<int:document_id>/", card.card_return, name="card_return"),
        path("pagar/<int:charge_id>/", bills.charge_detail, name="charge_detail"),
        path("pagar/<int:charge_id>/situacao.json", bills.charge_status, name="charge_status"),
        path("pagamentos/", bills.payments, name="payments"),
        path("consumo/", bills.consumption, name="consumption"),
    ],
    # debt and billing services (views/certificates.py, views/installments.py)
    path("certidao/", certificates.certificates, name="certificates"),
    path("certidao/<int:certificate_id>/", certificates.certificate_detail, name="certificate_detail"),
    path("certidao/<int:certificate_id>.pdf", certificates.certificate_pdf, name="certificate_pdf"),
    path("certidao/<int:certificate_id>/email/", email.certificate_email, name="certificate_email"),
    path("declaracao-anual/", certificates.annual_declaration, name="annual_declaration"),
    path("parcelamento/", installments.installments, name="installments"),
    path("parcelamentos/<int:agreement_id>/", installments.agreement_detail, name="agreement_detail"),
    path(
        "parcelamentos/<int:agreement_id>/guia.pdf",
        installments.agreement_guia_pdf,
        name="agreement_guia_pdf",
    ),
    path(
        "parcelamentos/<int:agreement_id>/termo.pdf",
        installments.agreement_term_pdf,
        name="agreement_term_pdf",
    ),
    # VA-16 / VA-17: the installment booklet, its slips payable today (ADR 0213)
    path("carnes/", installments.booklets, name="booklets"),
    path("parcelamentos/<int:agreement_id>/carne/", installments.agreement_booklet, name="agreement_booklet"),
    path(
        "parcelamentos/<int:agreement_id>/carne.pdf",
        installments.agreement_booklet_pdf,
        name="agreement_booklet_pdf",
    ),
    path(
        "parcelamentos/<int:agreement_id>/carne/email/",
        installments.agreement_booklet_email,
        name="agreement_booklet_email",
    ),
    # the notices, the mobile number and the digital bill (views/notifications.py, ADR 0207)
    path("avisos/", notifications.notifications, name="notifications"),
    path("avisos/push/", notifications.push_device, name="push_device"),
    # the unit's registration sheet and service orders (views/unit.py, 3.2.14.2 and .5)
    path("cadastro/ficha.pdf", unit.registration_sheet, name="registration_sheet"),
    path("ordens/", unit.orders, name="unit_orders"),
    # the e-mail, on the totem too (3.2.15.1): the link it sends opens in the citizen's own agency
    path("email/", properties.email_change, name="email_change"),
]
property_pages = gate_pages(property_pages)

totem_patterns = [
    path("", sign_in.sign_in, name="sign_in"),
    path("sair/", sign_in.sign_out, name="sign_out"),
    path("inicio/", sign_in.home, name="home"),
    path("tarifas/", tariffs.tariff_table, name="tariffs"),
    path("simulador-de-conta/", tariffs.bill_simulator, name="bill_simulator"),
    path("qualidade-da-agua/", quality.water_quality, name="water_quality"),
    path("imoveis/<int:property_id>/", include(property_pages)),
]
totem_patterns = gate_pages(totem_patterns)

agency_patterns = [
    *totem_patterns,
    path("imoveis/<int:property_id>/ouvidoria/", requests.ombudsman, name="ombudsman"),
    path("email/confirmar/<str:token>/", properties.email_confirm, name="email_confirm"),
    path("problema/", requests.problem_report, name="problem_report"),
    path("atendimento/", channels.channels, name="channels"),
    path(
        "cpf-cnpj/<str:token>/",
        document_update.document_update_with_pass,
        name="document_update_pass",
    ),
    path("privacidade/", public.legal, {"which": "privacidade"}, name="privacy"),
    path("termos/", public.legal, {"which": "termos"}, name="terms"),
    path("logo.svg", public.logo, name="logo"),
    # the agency as an installable app (views/app.py, ADR 0206)
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("offline/", app.offline, name="offline"),
    path("icone-<int:size>.png", app.app_icon, name="app_icon"),
]
agency_patterns = gate_pages(agency_patterns)

urlpatterns = [
    path("agencia/api/v1/", include(api_urls)),
    path("agencia/", include((agency_patterns, "agencia"), namespace="agencia")),
    path("totem/", include((totem_patterns, "totem"), namespace="totem")),
    # staff pages: the protocol desk (modules/service) and the agency settings (portal/views_desk.py)
    path("atendimento/", include((desk_patterns, "desk"), namespace="desk")),
]
