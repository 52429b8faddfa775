"""The sewer-billing notice (seed 001 3.2.13.10.7): a PDF in the utility's own text with the merge
fields filled; a default text seeded on provisioning; new versions checked against the notice's
placeholders; the staff action on the property page and the API."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from pypdf import PdfReader

from modules.access.models import User
from modules.billing import sewer_notice
from modules.common.clock import tenant_today
from modules.common.models import AuditEntry, DocumentTemplate
from modules.registry.models import ServiceConnection
from tests.billing import factories as f
from tests.billing.test_bills_api import staff  # noqa: F401  (the fixture)


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages).split())


def test_the_default_text_is_seeded_and_prints_the_merge_fields(staff: Any) -> None:  # noqa: F811
    seeded = DocumentTemplate.objects.get(kind=sewer_notice.KIND)  # by provisioning
    assert (
        seeded.title == "Comunicado de cobrança de esgoto" and seeded.created_by == "sistema:provisionamento"
    )
    g = f.group()
    p = f.billable(g)
    holder = p.relations.get().customer
    answer = staff.get(f"/api/v1/properties/{p.pk}/sewer-notice")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = _text(answer.content)
    assert "Comunicado de cobrança de esgoto" in text
    assert f"Prezado(a) {holder.name}" in text
    assert f"matrícula {p.account_number}" in text and "Rua Tiradentes, 100, Centro" in text
    assert "desde 01/01/2020" in text  # the sewer connection's date
    assert "92,5% do valor da água" in text  # the tariff in force's RES share
    assert "{{" not in text


def test_a_new_version_prints_with_its_own_words_and_a_bad_one_is_refused(staff: Any) -> None:  # noqa: F811
    g = f.group()
    p = f.billable(g)
    ServiceConnection.objects.filter(property=p, kind="sewer").update(sewer_share_percent="80.00")
    today = f"{tenant_today():%Y-%m-%d}"
    bad = staff.post(
        "/api/v1/billing/sewer-notice-templates",
        {"valid_from": today, "title": "Aviso", "body_html": "<p>{{ cliente.cpf }}</p>"},
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "body_html" and "cliente.cpf" in bad.json()["detail"]
    script = staff.post(
        "/api/v1/billing/sewer-notice-templates",
        {"valid_from": today, "title": "Aviso", "body_html": '<p><a href="file:///etc/passwd">x</a></p>'},
    )
    assert script.status_code == 400 and script.json()["code"] == "markup_not_allowed"
    assert DocumentTemplate.objects.filter(kind=sewer_notice.KIND).count() == 1
    saved = staff.post(
        "/api/v1/billing/sewer-notice-templates",
        {
            "valid_from": today,
            "title": "Aviso de tarifa de esgoto",
            "body_html": "<p>Sr(a). {{ cliente.nome|upper }}, CPF {{ cliente.documento }}: o imóvel "
            "{{ imovel.matricula }} pagará esgoto de {{ esgoto.percentual }}% a partir de {{ data }}.</p>",
        },
    )
    assert saved.status_code == 201, saved.content
    holder = p.relations.get().customer
    text = _text(staff.get(f"/api/v1/properties/{p.pk}/sewer-notice").content)
    assert "Aviso de tarifa de esgoto" in text
    assert f"Sr(a). {holder.name.upper()}" in text and holder.cpf_cnpj[:3] in text
    assert f"o imóvel {p.account_number} pagará esgoto de 80% a partir de {tenant_today():%d/%m/%Y}" in text
    assert (
        AuditEntry.objects.filter(action="billing.sewer_notice_template_create", actor="gestora").count() == 1
    )
    listed = staff.get("/api/v1/billing/sewer-notice-templates").json()
    assert listed["versions"][0]["title"] == "Aviso de tarifa de esgoto"
    assert "esgoto.percentual" in {ph["name"] for ph in listed["placeholders"]}


def test_no_sewer_connection_no_notice(staff: Any) -> None:  # noqa: F811
    p = f.billable(f.group(), sewer=False)
    refused = staff.get(f"/api/v1/properties/{p.pk}/sewer-notice")
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("sewer_notice_no_sewer", "property")


def test_the_staff_pages(staff: Any) -> None:  # noqa: F811
    p = f.billable(f.group())
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    page = client.get(f"/cadastro/imoveis/{p.pk}/").content.decode()
    assert f"/faturamento/imoveis/{p.pk}/comunicado-esgoto/" in page
    pdf = client.get(f"/faturamento/imoveis/{p.pk}/comunicado-esgoto/")
    assert pdf.status_code == 200 and p.account_number in _text(pdf.content)
    texts = client.get("/faturamento/comunicado-esgoto/")
    assert texts.status_code == 200 and "esgoto.percentual" in texts.content.decode()
    preview = client.post(
        "/faturamento/comunicado-esgoto/",
        {
            "title": "Prévia",
            "body_html": "<p>{{ imovel.matricula }}</p>",
            "valid_from": "2099-01-01",
            "preview": "1",
        },
    )
    assert preview.status_code == 200 and "PRÉ-VISUALIZAÇÃO" in _text(preview.content)
    assert "1234-5" in _text(preview.content)
    refused = client.post(
        "/faturamento/comunicado-esgoto/",
        {"title": "Novo", "body_html": "{% load static %}", "valid_from": "2099-01-01"},
    )
    assert refused.status_code == 400 and "Comando não permitido" in refused.content.decode()
    saved = client.post(
        "/faturamento/comunicado-esgoto/",
        {"title": "Novo", "body_html": "<p>{{ imovel.matricula }}</p>", "valid_from": "2099-01-01"},
    )
    assert saved.status_code == 302
    assert DocumentTemplate.objects.filter(kind=sewer_notice.KIND, valid_from="2099-01-01").exists()
