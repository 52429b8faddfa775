"""Staff pages of collection and debt, as a Gestor uses them: search payments, resolve the review
queue, upload a good and a refused return file, tick bills and issue a statement, run the agreement
wizard to a signed agreement, issue a certificate or see why not; each PDF opened and read."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from modules.access.models import Profile
from modules.billing.models import BillStatus
from modules.collection.models import Payment, PaymentDocument, ReturnFileRefusal
from modules.common.audit import SystemActor
from modules.debt.models import Agreement, Certificate, InstallmentPolicyVersion
from tests.collection import factories as f
from tests.conftest import make_user

PASSWORD = "Senha-forte-123"
TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2025, 6, 15, 15, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def staff(tenant_alpha, alpha_client):
    user = make_user("alpha", "gestora", PASSWORD, full_name="Gestora Teste")
    user.profiles.add(Profile.objects.get(name="Gestor"))
    assert (
        alpha_client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD}).status_code == 302
    )
    return alpha_client


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def test_menu_payment_search_review_queue_and_return_files(staff):
    p = f.prop()
    ok, wrong = f.bill(p, "57.30", dt.date(2025, 6, 5)), f.bill(p, "40.00", dt.date(2025, 7, 5))
    f.agent()
    home = staff.get("/").content.decode()
    assert "Arrecadação" in home and "Cobrança" in home and "/arrecadacao/retornos/" in home
    good = f.return_file([(ok.barcode, "57.30"), (wrong.barcode, "39.00")])
    uploaded = staff.post("/arrecadacao/retornos/", {"file": SimpleUploadedFile("BANCO_1.RET", good)})
    assert uploaded.status_code == 302
    history = staff.get("/arrecadacao/retornos/").content.decode()
    assert "BANCO_1.RET" in history and "1 baixado(s)" in history and "1 em análise" in history

    bad = f.return_file([(ok.barcode, "57.30")], nsa=2, trailer_total="99.00")
    refused = staff.post("/arrecadacao/retornos/", {"file": SimpleUploadedFile("BANCO_2.RET", bad)})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Nada deste arquivo foi aplicado" in page
    assert "Linha 3, campo Z.03: o trailer informa o total de R$ 99,00" in page
    assert ReturnFileRefusal.objects.get().problems[0].startswith("Linha 3, campo Z.03")

    found = staff.get("/arrecadacao/pagamentos/", {"q": p.account_number, "status": "applied"})
    assert found.status_code == 200 and "1 pagamento(s) · R$ 57,30" in found.content.decode()
    by_line = staff.get("/arrecadacao/pagamentos/", {"q": ok.typeable_line}).content.decode()
    assert "1 pagamento(s)" in by_line
    queue = staff.get("/arrecadacao/revisao/").content.decode()
    assert "Valor diferente do documento" in queue and "pago R$ 39,00, fatura de R$ 40,00" in queue
    review = Payment.objects.get(status="review")
    no_reason = staff.post(
        f"/arrecadacao/revisao/{review.pk}/", {"action": "apply", "reason": ""}, follow=True
    )
    assert "informe a justificativa" in no_reason.content.decode()
    staff.post(f"/arrecadacao/revisao/{review.pk}/", {"action": "apply", "reason": "cliente pagou a menor"})
    review.refresh_from_db()
    wrong.refresh_from_db()
    assert review.status == "applied" and wrong.status == BillStatus.PAID

    detail = staff.post(f"/arrecadacao/pagamentos/{review.pk}/", {"reason": "lançado no imóvel errado"})
    assert detail.status_code == 302
    review.refresh_from_db()
    assert review.status == "reversed"


def test_position_statement_pdf(staff):
    p = f.prop()
    a = f.bill(p, "33.00", dt.date(2025, 3, 10), dt.date(2025, 2, 1))
    b = f.bill(p, "44.00", dt.date(2025, 4, 10), dt.date(2025, 3, 1))
    page = staff.get(f"/cobranca/imoveis/{p.pk}/").content.decode()
    assert 'src="/static/debt/position.js"' in page and "<script>" not in page
    assert 'data-original="33.00"' in page and "Total em aberto (2)" in page
    issued = staff.post(f"/cobranca/imoveis/{p.pk}/", {"bills": [b.pk], "valid_until": "2025-06-20"})
    assert issued.status_code == 302
    doc = PaymentDocument.objects.get()
    assert list(doc.lines.values_list("bill_id", flat=True)) == [b.pk] and doc.amount > Decimal("44.00")
    text = _text(staff.get(f"/cobranca/documentos/{doc.pk}.pdf").content)
    assert "EXTRATO DE DÉBITOS" in text and p.account_number in text
    assert "03/2025" in text and "02/2025" not in text
    assert f"R$ {str(doc.amount).replace('.', ',')}" in text
    assert "20/06/2025" in text and doc.typeable_line[:11] in text.replace(" ", "")
    assert a.pk  # left out of the statement, still open


def test_agreement_wizard_term_and_down_payment_guia(staff):
    InstallmentPolicyVersion.objects.update(
        monthly_rate=Decimal("0.0163"), min_down_payment_rate=Decimal("0.10"), max_installments=6,
        standard_max_installments=6, min_installment=Decimal("10.00"), rounding="half_up",
    )  # fmt: skip
    p = f.prop()
    far = TODAY + dt.timedelta(days=60)
    f.bill(p, "215.29", far, dt.date(2025, 1, 1))
    f.bill(p, "200.00", far, dt.date(2025, 2, 1))
    wizard = staff.get(f"/cobranca/imoveis/{p.pk}/parcelamento/").content.decode()
    assert "R$ 415,29" in wizard and "R$ 41,53 (10% do débito)" in wizard and "até 6" in wizard
    small = staff.post(
        f"/cobranca/imoveis/{p.pk}/parcelamento/", {"down_payment": "40,00", "installments": "6"}
    )
    assert "O valor de entrada mínimo é R$ 41,53" in small.content.decode()
    sim = staff.post(
        f"/cobranca/imoveis/{p.pk}/parcelamento/", {"down_payment": "41,53", "installments": "6"}
    )
    table = sim.content.decode()
    for value in ("379,85", "191,46", "128,67", "97,28", "78,45", "65,90"):
        assert value in table
    assert Agreement.objects.count() == 0
    signed = staff.post(
        f"/cobranca/imoveis/{p.pk}/parcelamento/",
        {"down_payment": "41.53", "installments": "6", "confirm": "1"},
    )
    agreement = Agreement.objects.get()
    assert signed.status_code == 302 and signed["Location"] == f"/cobranca/parcelamentos/{agreement.pk}/"
    page = staff.get(signed["Location"]).content.decode()
    assert "Guia da entrada (PDF)" in page and agreement.down_payment_document.typeable_line in page
    term = _text(staff.get(f"/cobranca/parcelamentos/{agreement.pk}/termo.pdf").content)
    assert f"TERMO DE CONFISSÃO DE DÍVIDA E PARCELAMENTO Nº {agreement.number}" in term
    assert "R$ 415,29" in term and "R$ 41,53" in term and "6 parcela(s)" in term and "1,63% ao mês" in term
    assert "5/6 65,90" in term and "Vencidas e não pagas 3 parcelas" in term
    guia = _text(staff.get(f"/cobranca/documentos/{agreement.down_payment_document_id}.pdf").content)
    assert f"ENTRADA DO PARCELAMENTO {agreement.number}" in guia and "R$ 41,53" in guia


def test_certificate_refused_with_debts_then_issued_and_its_pdf(staff):
    p = f.prop()
    overdue = f.bill(p, "33.00", dt.date(2025, 3, 10), dt.date(2025, 2, 1))
    page = staff.get(f"/cobranca/imoveis/{p.pk}/certidoes/").content.decode()
    assert "Não é possível emitir certidão negativa" in page and "02/2025" in page and "10/03/2025" in page
    refused = staff.post(f"/cobranca/imoveis/{p.pk}/certidoes/emitir/", {"kind": "clearance"}, follow=True)
    assert "há 1 débito vencido" in refused.content.decode() and Certificate.objects.count() == 0
    Payment.objects.all().delete()
    type(overdue).objects.filter(pk=overdue.pk).update(status=BillStatus.PAID)
    issued = staff.post(f"/cobranca/imoveis/{p.pk}/certidoes/emitir/", {"kind": "clearance"}, follow=True)
    cert = Certificate.objects.get()
    assert cert.code in issued.content.decode()
    text = _text(staff.get(f"/cobranca/certidoes/{cert.pk}.pdf").content)
    assert "CERTIDÃO NEGATIVA DE DÉBITOS" in text and cert.code in text and p.account_number in text
    assert "não constam débitos" in text and "15/07/2025" in text and "/certidoes/verificar/" in text
    assert "ressalvado o direito de a concessionária (" in text  # never "direito de Departamento"
    lookup = staff.get("/cobranca/certidoes/", {"account": p.account_number})
    assert lookup.status_code == 302 and lookup["Location"] == f"/cobranca/imoveis/{p.pk}/certidoes/"


def test_verification_page_says_an_expired_certificate_no_longer_proves_anything(staff):
    p = f.prop()
    staff.post(f"/cobranca/imoveis/{p.pk}/certidoes/emitir/", {"kind": "clearance"})
    cert = Certificate.objects.get()
    assert cert.valid_until == dt.date(2025, 7, 15)

    while_valid = staff.get("/certidoes/verificar/", {"codigo": cert.code}).content.decode()
    with time_machine.travel(dt.datetime(2025, 7, 16, 15, tzinfo=dt.UTC)):
        the_day_after = staff.get("/certidoes/verificar/", {"codigo": cert.code})

    assert "Documento autêntico" in while_valid and "VENCIDO" not in while_valid
    after = the_day_after.content.decode()
    assert the_day_after.status_code == 200
    assert "Documento autêntico" not in after
    assert "VENCIDO em 15/07/2025" in after and cert.code in after


def test_a_statement_without_the_utilitys_febraban_code_is_refused_not_printed_with_0000(tenant_alpha):
    """Billing refused a run without the code while statements and down-payment slips printed a
    barcode with "0000", which no bank credits: one accessor refuses for every document."""
    from modules.common.errors import ValidationFailed
    from modules.debt import services as debt_services
    from tests.billing.factories import set_company_code

    p = f.prop()
    f.bill(p, "33.00", dt.date(2025, 3, 10), dt.date(2025, 2, 1))
    set_company_code("")

    with pytest.raises(ValidationFailed) as refused:
        debt_services.statement_create(
            actor=SystemActor("tests"),
            property_id=p.pk,
            as_of=TODAY,
            valid_until=TODAY + dt.timedelta(days=5),
        )

    assert refused.value.code == "no_febraban_code"
    assert PaymentDocument.objects.count() == 0


def test_the_certificates_link_and_qr_open_where_the_utility_is_served(staff, settings):
    """In production https on the default port; the demo prints its own http port (it printed
    https://…/ without the port, a link that opened nothing)."""
    from modules.debt.pdf import certificate_verify_urls

    p = f.prop()
    staff.post(f"/cobranca/imoveis/{p.pk}/certidoes/emitir/", {"kind": "clearance"})
    cert = Certificate.objects.get()

    production = _text(staff.get(f"/cobranca/certidoes/{cert.pk}.pdf").content)
    production_qr = certificate_verify_urls(cert)[1]
    settings.PUBLIC_SCHEME, settings.PUBLIC_PORT = "http", "8000"
    demo = _text(staff.get(f"/cobranca/certidoes/{cert.pk}.pdf").content)
    demo_qr = certificate_verify_urls(cert)[1]

    assert "https://alpha.localhost/certidoes/verificar/ informando" in production
    assert production_qr == f"https://alpha.localhost/certidoes/verificar/?codigo={cert.code}"
    assert "http://alpha.localhost:8000/certidoes/verificar/ informando" in demo
    assert demo_qr == f"http://alpha.localhost:8000/certidoes/verificar/?codigo={cert.code}"


def test_verification_page_says_a_tampered_code_is_not_authenticated(staff):
    """VA-19: a mistyped or forged code is refused by its check characters; a well-formed code that no
    document carries answers "não autenticado"; neither shows anything of a document."""
    from modules.debt.domain.certificates import new_authentication_code

    p = f.prop()
    staff.post(f"/cobranca/imoveis/{p.pk}/certidoes/emitir/", {"kind": "clearance"})
    cert = Certificate.objects.get()
    tampered = cert.code[:-1] + ("A" if cert.code[-1] != "A" else "B")
    forged = staff.get("/certidoes/verificar/", {"codigo": tampered})
    never = staff.get("/certidoes/verificar/", {"codigo": new_authentication_code()})
    assert forged.status_code == never.status_code == 404
    assert "Código de autenticação inválido: confira os caracteres digitados." in forged.content.decode()
    assert (
        "Documento não autenticado: nenhum documento foi emitido com este código de autenticação."
        in never.content.decode()
    )
    for answer in (forged, never):
        assert "Documento autêntico" not in answer.content.decode()
        assert p.account_number not in answer.content.decode()
