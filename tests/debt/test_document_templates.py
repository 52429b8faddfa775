"""The texts of debt's documents: effective-dated versions the utility edits with a PDF preview;
only the kind's placeholders, a few tags and HTML elements; a document already issued keeps its
text; with no version the PDFs print today's texts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from modules.access.models import Profile
from modules.common.audit import SystemActor
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry, DocumentTemplate
from modules.debt import documents, pdf, services, settings_services
from modules.debt.models import InstallmentPolicyVersion
from tests.collection import factories as f
from tests.conftest import TENANTS, bearer, host_client, make_user
from tests.registry import factories as reg

PASSWORD = "Senha-forte-123"
TODAY = dt.date(2025, 6, 15)
ACTOR = SystemActor("tests")
NEGATIVE = documents.CERTIFICATE_NEGATIVE
API = "/api/v1/debt/document-templates"


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 15, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def staff(tenant_alpha: Any) -> Client:
    make_user("alpha", "gestora", PASSWORD).profiles.add(Profile.objects.get(name="Gestor"))
    client = host_client(TENANTS["alpha"])
    assert client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def api(tenant_alpha: Any) -> dict[str, str]:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return bearer(host_client(TENANTS["alpha"]), "chefe", PASSWORD)


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages).split())


def test_with_no_version_the_certificate_prints_the_default_text(tenant_alpha: Any) -> None:
    cert = services.certificate_issue(actor=ACTOR, property_id=f.prop().pk, today=TODAY)

    text = _text(pdf.certificate_pdf(cert))

    assert "CERTIDÃO NEGATIVA DE DÉBITOS" in text
    assert "Certificamos, para os devidos fins, que em 15/06/2025 não constam débitos vencidos" in text
    assert "ressalvado o direito de a concessionária (Concessionária Alpha)" in text


def test_a_new_version_prints_on_documents_issued_after_it_and_not_on_those_before(tenant_alpha: Any) -> None:
    home = reg.prop(holder=reg.customer("Ana Clara Lima"))
    before = services.certificate_issue(actor=ACTOR, property_id=home.pk, today=TODAY)
    settings_services.document_template_create(
        actor=ACTOR,
        kind=NEGATIVE,
        valid_from=TODAY,
        title="Certidão de quitação",
        body_html="<p>Atestamos que o imóvel {{ imovel.matricula }} de {{ cliente.nome|upper }} nada deve "
        "em {{ certidao.emitida_em }}.</p>",
        today=TODAY,
    )
    after = services.certificate_issue(actor=ACTOR, property_id=home.pk, today=TODAY)

    old, new = _text(pdf.certificate_pdf(before)), _text(pdf.certificate_pdf(after))

    assert "Certificamos, para os devidos fins" in old and "Atestamos" not in old
    assert f"Atestamos que o imóvel {home.account_number} de ANA CLARA LIMA nada deve em 15/06/2025." in new
    assert "CERTIDÃO DE QUITAÇÃO" in new


def test_a_version_starting_tomorrow_does_not_print_today(tenant_alpha: Any) -> None:
    settings_services.document_template_create(
        actor=ACTOR,
        kind=NEGATIVE,
        valid_from=TODAY + dt.timedelta(days=1),
        title="Amanhã",
        body_html="<p>texto de amanhã</p>",
        today=TODAY,
    )

    text = _text(
        pdf.certificate_pdf(services.certificate_issue(actor=ACTOR, property_id=f.prop().pk, today=TODAY))
    )

    assert "texto de amanhã" not in text and "Certificamos" in text


def test_the_term_and_the_guide_print_the_edited_clauses_and_paragraph(tenant_alpha: Any) -> None:
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0"), min_installment=Decimal("1"))
    home = reg.prop(holder=reg.customer("Maria da Conceição Souza"))
    f.bill(home, "57.30", dt.date(2025, 3, 10), dt.date(2025, 2, 1))
    for kind, body in (
        (documents.AGREEMENT_TERM, "<ol><li>Cancela após {{ politica.cancelar_apos }} parcelas.</li></ol>"),
        (
            documents.DOWN_PAYMENT_GUIDE,
            "<p>Pague R$ {{ parcelamento.entrada }} até {{ guia.pagavel_ate }}.</p>",
        ),
    ):
        settings_services.document_template_create(
            actor=ACTOR,
            kind=kind,
            valid_from=TODAY,
            title=documents.KINDS[kind].title,
            body_html=body,
            today=TODAY,
        )
    agreement = services.agreement_create(
        actor=ACTOR, property_id=home.pk, down_payment=Decimal("20.00"), count=3, as_of=TODAY
    )

    term = _text(pdf.agreement_term_pdf(agreement))
    guide = _text(pdf.statement_pdf(agreement.down_payment_document))

    assert "Cancela após 3 parcelas." in term and "irrevogável" not in term
    assert "Pague R$ 20,00 até 20/06/2025." in guide


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<p>{{ cliente.cpf }}</p>", "Marcador desconhecido: {{ cliente.cpf }}"),
        ("<p>{% if segredo %}x{% endif %}</p>", "Marcador desconhecido: {{ segredo }}"),
        ("{% load static %}", "Comando não permitido: {% load %}"),
        ("{% include 'base.html' %}", "Comando não permitido: {% include %}"),
        ("<p>{{ imovel.matricula|safe }}</p>", "Filtro não permitido: |safe"),
        ('<img src="file:///etc/passwd">', "Marcação não permitida: <img>"),
        ('<a rel="attachment" href="file:///etc/passwd">x</a>', "Marcação não permitida: <a>"),
        ('<p style="color:red">x</p>', "Atributo não permitido em <p>: style"),
        ("<p>{% if certidao.codigo %}x</p>", "Falta fechar um {% if %}"),
    ],
)
def test_a_text_outside_the_whitelist_is_refused_naming_the_offender_and_nothing_is_saved(
    tenant_alpha: Any, body: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        settings_services.document_template_create(
            actor=ACTOR, kind=NEGATIVE, valid_from=TODAY, title="Certidão", body_html=body, today=TODAY
        )

    assert refused.value.field == "body_html"
    assert message in refused.value.message
    assert not DocumentTemplate.objects.filter(kind__startswith="debt.").exists()
    assert not AuditEntry.objects.filter(action="debt.document_template_create").exists()


def test_a_placeholder_of_another_document_is_refused(tenant_alpha: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        settings_services.template_check(kind=NEGATIVE, title="x", body_html="{{ valor_total }}")

    assert "{{ valor_total }}" in refused.value.message


def test_placeholder_values_are_escaped(tenant_alpha: Any) -> None:
    html = str(documents.text_for(documents.STATEMENT, TODAY, {"cliente": {"nome": "<b>Ana</b>"}}).body_html)
    settings_services.document_template_create(
        actor=ACTOR, kind=documents.STATEMENT, valid_from=TODAY, title="Extrato",
        body_html="<p>{{ cliente.nome }}</p>", today=TODAY,
    )  # fmt: skip

    escaped = str(
        documents.text_for(documents.STATEMENT, TODAY, {"cliente": {"nome": "<b>Ana</b>"}}).body_html
    )

    assert "Pague este extrato" in html
    assert escaped == "<p>&lt;b&gt;Ana&lt;/b&gt;</p>"


def test_the_edit_page_saves_a_version_and_the_preview_renders_the_posted_text(staff: Client) -> None:
    url = f"/cobranca/configuracoes/documentos/{NEGATIVE}/"
    page = staff.get(url)
    preview = staff.post(
        f"{url}previa.pdf", {"title": "Certidão de teste", "body_html": "<p>Prévia {{ cliente.nome }}</p>"}
    )
    saved = staff.post(
        url,
        {"valid_from": "2025-06-15", "title": "Certidão de teste", "body_html": "<p>{{ cliente.nome }}</p>"},
    )

    assert page.status_code == 200
    assert page.context["form"].initial["body_html"] == documents.KINDS[NEGATIVE].body
    assert "{{ certidao.codigo }}" in page.content.decode()
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert preview["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert "Prévia Maria da Conceição Souza" in _text(preview.content)
    assert saved.status_code == 302
    row = DocumentTemplate.objects.filter(kind__startswith="debt.").get()
    assert (row.kind, row.title, row.created_by) == (NEGATIVE, "Certidão de teste", "gestora")
    listing = staff.get("/cobranca/configuracoes/documentos/").content.decode()
    assert "desde 15/06/2025 · gestora" in listing and "Nova versão de texto de documento" in listing


def test_the_page_refuses_an_unknown_placeholder_and_the_preview_says_why(staff: Client) -> None:
    url = f"/cobranca/configuracoes/documentos/{NEGATIVE}/"
    body = {"valid_from": "2025-06-15", "title": "Certidão", "body_html": "<p>{{ cliente.cpf }}</p>"}

    refused = staff.post(url, body)
    preview = staff.post(f"{url}previa.pdf", body)

    assert refused.status_code == 400
    assert "Marcador desconhecido: {{ cliente.cpf }}" in str(refused.context["form"].errors["body_html"])
    assert preview.status_code == 400 and "Marcador desconhecido" in preview.content.decode()
    assert not DocumentTemplate.objects.filter(kind__startswith="debt.").exists()


@pytest.mark.parametrize("kind", list(documents.KINDS))
def test_every_kind_previews_its_default_text(tenant_alpha: Any, kind: str) -> None:
    k = documents.KINDS[kind]

    text = _text(pdf.preview_pdf(kind, k.title, k.body, TODAY))

    assert k.title.upper()[:20] in text.upper()


def test_the_api_lists_creates_and_previews(api: dict[str, str]) -> None:
    client = host_client(TENANTS["alpha"])
    body = {"kind": documents.STATEMENT, "title": "Extrato", "body_html": "<p>Total {{ valor_total }}</p>"}

    listed = client.get(API, **api).json()["results"]
    preview = client.post(f"{API}/preview", body, content_type="application/json", **api)
    created = client.post(API, {**body, "valid_from": "2025-06-20"}, content_type="application/json", **api)
    refused = client.post(
        API,
        {**body, "valid_from": "2025-06-21", "body_html": "{{ imovel.dono }}"},
        content_type="application/json",
        **api,
    )

    assert {r["kind"] for r in listed} == set(documents.KINDS)
    statement = next(r for r in listed if r["kind"] == documents.STATEMENT)
    assert {"name": "valor_total", "description": "valor a pagar (1.234,56)"} in statement["placeholders"]
    assert preview.status_code == 200 and "Total 118,30" in _text(preview.content)
    assert created.status_code == 201 and created.json()["valid_from"] == "2025-06-20"
    assert refused.status_code == 400
    assert refused.json()["field"] == "body_html" and "{{ imovel.dono }}" in refused.json()["detail"]
    assert DocumentTemplate.objects.filter(kind__startswith="debt.").count() == 1


def test_a_version_starting_in_the_past_or_twice_on_a_date_is_refused(tenant_alpha: Any) -> None:
    kwargs = {"actor": ACTOR, "kind": NEGATIVE, "title": "C", "body_html": "<p>x</p>", "today": TODAY}
    with pytest.raises(ValidationFailed) as past:
        settings_services.document_template_create(valid_from=TODAY - dt.timedelta(days=1), **kwargs)
    settings_services.document_template_create(valid_from=TODAY, **kwargs)
    with pytest.raises(Exception) as twice:
        settings_services.document_template_create(valid_from=TODAY, **kwargs)

    assert past.value.field == "valid_from"
    assert getattr(twice.value, "field", None) == "valid_from"
    assert DocumentTemplate.objects.filter(kind__startswith="debt.").count() == 1


@pytest.mark.parametrize("kind", list(documents.KINDS))
def test_every_default_text_passes_its_own_whitelist(kind: str) -> None:
    k = documents.KINDS[kind]

    settings_services.template_check(kind=kind, title=k.title, body_html=k.body)  # raises if not


def test_the_preview_prints_the_utilitys_validity_not_a_fixed_one(tenant_alpha: Any) -> None:
    """Issue 12, one policy value each: the editor's preview showed a certificate valid 30 days and a
    statement payable for 7 whatever the utility set; it reads the same settings the documents do."""
    from modules.debt import services

    services.debt_settings_update(actor=ACTOR, statement_valid_days=10, certificate_valid_days=60)
    certificate = documents.KINDS[NEGATIVE]
    statement = documents.KINDS[documents.STATEMENT]

    cert = _text(pdf.preview_pdf(NEGATIVE, certificate.title, "<p>Até {{ certidao.valida_ate }}</p>", TODAY))
    extrato = _text(
        pdf.preview_pdf(documents.STATEMENT, statement.title, "<p>Até {{ extrato.pagavel_ate }}</p>", TODAY)
    )
    sample = _text(pdf.preview_pdf(documents.STATEMENT, statement.title, statement.body, TODAY))

    assert "Até 14/08/2025" in cert and "14/07/2025" not in cert  # 60 days, not 30
    assert "14/08/2025" in cert.replace("Até 14/08/2025", "")  # the certificate's own "válida até" too
    assert "Até 25/06/2025" in extrato and "22/06/2025" not in extrato  # 10 days, not 7
    assert "25/06/2025" in sample and "22/06/2025" not in sample


def test_the_texts_page_lists_only_the_history_of_debt_s_documents(staff: Client) -> None:
    """The sewer notice (billing) and the service terms are DocumentTemplate rows too: their changes
    are shown on their own screens, not as changes of the debt documents."""
    settings_services.document_template_create(
        actor=ACTOR,
        kind=NEGATIVE,
        valid_from=TODAY,
        title="Certidão da casa",
        body_html="<p>Certidão</p>",
        today=TODAY,
    )
    assert AuditEntry.objects.filter(
        object_type="common.documenttemplate", after__kind="billing.sewer_notice"
    ).exists()

    history = staff.get("/cobranca/configuracoes/documentos/").context["history"]

    assert history, "the debt text just saved is in the history"
    assert {e.after["kind"] for e in history} == {NEGATIVE}
