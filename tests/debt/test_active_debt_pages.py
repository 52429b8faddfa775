"""Dívida ativa as staff use it, on a freshly provisioned utility (the settings' defaults): the
pages (criteria, preview, commit, book, property steps, PDFs, reports, the attorney's CSV, the
parameters) and the staff API for every step."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from modules.common.models import AuditEntry
from modules.debt.models import ActiveDebtBook, ActiveDebtCertificate, ActiveDebtEntry, ActiveDebtNotice
from modules.debt.models_active_debt import ActiveDebtSettings, EntryStatus
from tests.collection import factories as f
from tests.conftest import bearer, make_user

PASSWORD = "Senha-forte-123"
TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def staff(tenant_alpha, alpha_client):
    make_user("alpha", "procuradora", PASSWORD, is_admin=True, full_name="Procuradora Teste")
    assert (
        alpha_client.post("/conta/entrar/", {"username": "procuradora", "password": PASSWORD}).status_code
        == 302
    )
    return alpha_client


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _owing():
    p = f.prop()
    f.bill(p, "100.00", dt.date(2025, 1, 10))
    f.bill(p, "80.00", dt.date(2025, 2, 10))
    return p


CRITERIA = {
    "due_from": "2025-01-01",
    "due_to": "2025-03-31",
    "min_days_overdue": "60",
    "min_amount": "0,01",
    "neighbourhood": "",
}


def test_enrol_from_the_page_then_every_step_of_a_property_and_its_documents(staff):
    assert not ActiveDebtSettings.objects.exists()  # a fresh utility: the defaults
    p = _owing()
    home = staff.get("/").content.decode()
    assert "/cobranca/divida-ativa/" in home
    preview = staff.get("/cobranca/divida-ativa/", CRITERIA).content.decode()
    assert "2 faturas" in preview and "Inscrever e gerar o livro" in preview
    assert not ActiveDebtEntry.objects.exists()
    committed = staff.post("/cobranca/divida-ativa/", CRITERIA)
    book = ActiveDebtBook.objects.get()
    assert (
        committed.status_code == 302 and committed["Location"] == f"/cobranca/divida-ativa/livros/{book.pk}/"
    )
    again = staff.post("/cobranca/divida-ativa/", CRITERIA, follow=True)
    assert "nada foi inscrito" in again.content.decode() and ActiveDebtEntry.objects.count() == 2
    page = staff.get(f"/cobranca/divida-ativa/livros/{book.pk}/").content.decode()
    assert "Folha 1" in page and p.account_number in page
    rows = list(
        csv.reader(
            io.StringIO(
                staff.get(f"/cobranca/divida-ativa/livros/{book.pk}/?formato=csv").content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert rows[0][:3] == ["livro", "folha", "linha"] and [r[:3] for r in rows[1:]] == [
        ["1", "1", "1"],
        ["1", "1", "2"],
    ]

    base = f"/cobranca/imoveis/{p.pk}/divida-ativa/"
    refused = staff.post(f"{base}certidao/", follow=True).content.decode()
    assert "depois que o devedor recebe a notificação" in refused
    assert staff.post(f"{base}notificar/", {"kind": "notice"}).status_code == 302
    notice = ActiveDebtNotice.objects.get()
    text = _text(staff.get(f"/cobranca/divida-ativa/notificacoes/{notice.pk}.pdf").content)
    assert "NOTIFICAÇÃO DE INSCRIÇÃO EM DÍVIDA ATIVA" in text and "Lei nº 6.830" in text
    assert f"{notice.total:.2f}".replace(".", ",") in text
    staff.post(f"/cobranca/divida-ativa/notificacoes/{notice.pk}/recebimento/", {"received_on": "2025-06-15"})
    notice.refresh_from_db()
    assert notice.received_on == TODAY
    staff.post(f"{base}certidao/")
    cda = ActiveDebtCertificate.objects.get()
    text = _text(staff.get(f"/cobranca/divida-ativa/certidoes/{cda.pk}.pdf").content)
    assert f"CERTIDÃO DE DÍVIDA ATIVA Nº {cda.number}" in text and cda.certificate.code in text
    # the same PDF from the certificates list, and the public page checks its code
    assert _text(staff.get(f"/cobranca/certidoes/{cda.certificate.pk}.pdf").content) == text
    verified = staff.get("/certidoes/verificar/", {"codigo": cda.certificate.code}).content.decode()
    assert "Documento autêntico" in verified and f"Certidão de dívida ativa nº {cda.number}" in verified
    staff.post(f"{base}confissao/")
    from modules.collection.models import PaymentDocument

    term = PaymentDocument.objects.get(source="debt.active_debt_confession")
    text = _text(staff.get(f"/cobranca/divida-ativa/termos/{term.pk}.pdf").content)
    assert "TERMO DE CONFISSÃO DE DÍVIDA" in text and "1 / 1 / 1" in text
    shown = staff.get(base).content.decode()
    assert "Notificação recebida" in shown and f"CDA {cda.number}" in shown and "Termo nº" in shown
    # export for the attorney
    exported = staff.get("/cobranca/divida-ativa/procuradoria.csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert lines[0][0] == "cda_numero" and len(lines) == 3 and lines[1][2] == cda.certificate.code
    # filing in court; then the index lists it as filed
    staff.post(
        f"/cobranca/divida-ativa/certidoes/{cda.pk}/ajuizamento/",
        {"court_number": "0001234-56.2025.8.26.0100", "filed_on": "2025-06-15"},
    )
    assert set(ActiveDebtEntry.objects.values_list("status", flat=True)) == {EntryStatus.FILED}
    assert "0001234-56.2025.8.26.0100" in staff.get("/cobranca/divida-ativa/").content.decode()
    # every step is on the property's history
    actions = set(
        AuditEntry.objects.filter(object_type="registry.property", object_id=str(p.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "debt.active_debt_enrol",
        "debt.active_debt_notice",
        "debt.active_debt_notice_receipt",
        "debt.active_debt_certificate",
        "debt.active_debt_confession",
        "debt.active_debt_filed",
    } <= actions


def test_exclusion_from_the_page_reports_and_the_settings_page(staff):
    p = _owing()
    staff.post("/cobranca/divida-ativa/", CRITERIA)
    entry = ActiveDebtEntry.objects.order_by("sequence").first()
    empty = staff.post(
        f"/cobranca/divida-ativa/inscricoes/{entry.pk}/encerrar/", {"reason": "", "action": "remove"}
    )
    assert empty.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.LIVE  # nothing happened without a reason
    staff.post(
        f"/cobranca/divida-ativa/inscricoes/{entry.pk}/encerrar/",
        {"reason": "pago em duplicidade", "action": "remove"},
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED and entry.ended_by == "procuradora"
    page = staff.get(
        "/cobranca/divida-ativa/relatorios/", {"kind": "reversed", "start": "2025-06-01", "end": "2025-06-30"}
    )
    assert "pago em duplicidade" in page.content.decode()
    enrolled = staff.get(
        "/cobranca/divida-ativa/relatorios/",
        {"kind": "enrolled", "start": "2025-06-01", "end": "2025-06-30", "formato": "csv"},
    ).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(enrolled), delimiter=";"))
    assert len(rows) == 3 and rows[1][4] == p.account_number
    settings = staff.get("/cobranca/divida-ativa/parametros/").content.decode()
    assert "Linhas por folha do livro" in settings
    saved = staff.post(
        "/cobranca/divida-ativa/parametros/",
        {
            "min_days_overdue": "120",
            "min_amount": "50,00",
            "lines_per_page": "40",
            "notice_days": "15",
            "legal_basis": "Lei municipal nº 1.234/2020",
            "notice_text": "Texto da notificação.",
            "extrajudicial_text": "Texto extrajudicial.",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    s = ActiveDebtSettings.current()
    assert (s.min_days_overdue, s.min_amount, s.lines_per_page) == (120, Decimal("50.00"), 40)


def test_the_staff_api_runs_every_step(tenant_alpha, alpha_client):
    make_user("alpha", "api", PASSWORD, is_admin=True)
    h = bearer(alpha_client, "api", PASSWORD)
    p = _owing()

    def post(path, body=None):
        return alpha_client.post(f"/api/v1/{path}", body or {}, content_type="application/json", **h)

    body = {"due_from": "2025-01-01", "due_to": "2025-03-31", "min_days_overdue": 60}
    preview = post("debt/active-debt/preview", body)
    assert preview.status_code == 200 and preview.json()["count"] == 2
    made = post("debt/active-debt/books", body)
    assert made.status_code == 201 and made.json()["entries_count"] == 2
    replay = post("debt/active-debt/books", body)
    assert replay.status_code == 200 and replay.json()["book"] is None
    book = alpha_client.get(f"/api/v1/debt/active-debt/books/{made.json()['id']}", **h).json()
    assert [(x["page"], x["line"]) for x in book["lines"]] == [(1, 1), (1, 2)]
    assert post(f"properties/{p.pk}/active-debt/certificates").status_code == 409
    notice = post(f"properties/{p.pk}/active-debt/notices", {"notice_kind": "extrajudicial"})
    assert notice.status_code == 201 and notice.json()["kind"] == "extrajudicial"
    # an extrajudicial notice does not unlock the CDA; the enrolment notice, once received, does
    formal = post(f"properties/{p.pk}/active-debt/notices", {"notice_kind": "notice"}).json()
    assert (
        post(f"debt/active-debt/notices/{formal['id']}/receipt", {"received_on": "2025-06-16"}).status_code
        == 400
    )
    assert (
        post(f"debt/active-debt/notices/{formal['id']}/receipt", {"received_on": "2025-06-14"}).status_code
        == 400
    )
    assert (
        post(f"debt/active-debt/notices/{formal['id']}/receipt", {"received_on": "2025-06-15"}).status_code
        == 200
    )
    cda = post(f"properties/{p.pk}/active-debt/certificates")
    assert cda.status_code == 201, cda.content
    cda_id = cda.json()["id"]
    from modules.debt.models import InstallmentPolicyVersion

    InstallmentPolicyVersion.objects.update(min_installment=Decimal("1.00"), min_down_payment_rate=0)
    plan = post(
        f"debt/active-debt/certificates/{cda_id}/installments", {"down_payment": "0.00", "installments": 2}
    )
    assert plan.status_code == 201, plan.content
    assert plan.json()["certificate"]["balance"] == plan.json()["total"]
    state = alpha_client.get(f"/api/v1/properties/{p.pk}/active-debt", **h).json()
    assert {e["situation"] for e in state["entries"]} == {"installments"}
    assert [ev["kind"] for ev in state["entries"][0]["events"]] == [
        "enrolled", "extrajudicial", "notified", "notice_received", "certified", "installments",
    ]  # fmt: skip
    end = post(f"debt/active-debt/entries/{state['entries'][0]['id']}/end", {"reason": "", "reversal": True})
    assert end.status_code == 400
    report = alpha_client.get(
        "/api/v1/debt/active-debt/reports",
        {"report": "enrolled", "start": "2025-06-15", "end": "2025-06-15"},
        **h,
    ).json()
    assert report["count"] == 2 and report["total"] == made.json()["total"]
    export = alpha_client.get("/api/v1/debt/active-debt/export", **h).json()
    assert len(export["rows"]) == 2 and export["columns"][0] == "cda_numero"
    # in installments, nothing is left to file in court
    filed = post(
        f"debt/active-debt/certificates/{cda_id}/filing", {"court_number": "123", "filed_on": "2025-06-15"}
    )
    assert filed.status_code == 409 and not ActiveDebtCertificate.objects.get().filed_on


def test_the_extrajudicial_notice_pdf_names_the_debtor_the_text_and_the_updated_debts(staff):
    """3.2.9.18.12: the out-of-court notification of enrolled invoices, one PDF per customer, from
    the property's page: its own title, the utility's extrajudicial text (not the enrolment's), the
    owner and the debts updated to the issue date."""
    p = _owing()
    staff.post("/cobranca/divida-ativa/", CRITERIA)
    base = f"/cobranca/imoveis/{p.pk}/divida-ativa/"
    assert staff.post(f"{base}notificar/", {"kind": "extrajudicial"}).status_code == 302
    notice = ActiveDebtNotice.objects.get()
    assert notice.kind == "extrajudicial"
    text = _text(staff.get(f"/cobranca/divida-ativa/notificacoes/{notice.pk}.pdf").content)
    settings = ActiveDebtSettings.current()
    assert "NOTIFICAÇÃO EXTRAJUDICIAL" in text.upper() and notice.number in text
    assert " ".join(settings.extrajudicial_text.split())[:60] in text
    assert " ".join(settings.notice_text.split())[:60] not in text
    assert p.account_number in text and notice.statement["holder"] and notice.statement["holder"] in text
    assert f"{notice.total:.2f}".replace(".", ",") in text and notice.total >= Decimal("180.00")
