"""VA-14 (extrato de débito layout: identification block with inscrição and route, masked CPF,
summary with the arithmetic identity, legal notice, stub) and R-06 (no CPF/CNPJ in clear on any
printed document the citizen gets: bill, statement, agreement term). The PDFs go to
tests/artifacts/debt/ (git-ignored) to be looked at."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import time_machine
from pypdf import PdfReader

from modules.billing import pdf as bill_pdf
from modules.common.audit import SystemActor
from modules.debt import pdf as debt_pdf
from modules.debt import services
from modules.debt.models import InstallmentPolicyVersion
from modules.registry.models import BillingGroup, Property, Route
from tests.collection import factories as f
from tests.registry import factories as reg

ACTOR = SystemActor("testes")
TODAY = dt.date(2025, 6, 15)
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "debt"
CPF = "52998224725"


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages).split())


def _no_document_in_clear(text: str) -> None:
    """Neither formatted nor as bare digits, wherever the PDF's text breaks it."""
    assert "529.982.247-25" not in text
    assert CPF not in re.sub(r"[\s.\-/]", "", text)


def _owing_property() -> Property:
    holder = reg.customer("Rosa Amélia Tavares", document=CPF)
    p = reg.prop(holder=holder)
    group, _ = BillingGroup.objects.get_or_create(code=67, defaults={"name": "Grupo 67"})
    Property.objects.filter(pk=p.pk).update(
        route=Route.objects.create(group=group, code=6720, name="Rota 6.720")
    )
    f.bill(p, "176.03", dt.date(2025, 3, 10), dt.date(2025, 2, 1))
    f.bill(p, "200.00", dt.date(2025, 4, 10), dt.date(2025, 3, 1))
    return Property.objects.get(pk=p.pk)


def test_the_statement_prints_the_deso_layout_with_the_cpf_masked(tenant_alpha) -> None:
    p = _owing_property()
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        document = services.statement_create(
            actor=ACTOR, property_id=p.pk, as_of=TODAY, valid_until=TODAY + dt.timedelta(days=7)
        )
    data = debt_pdf.statement_pdf(document)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "statement-va14.pdf").write_bytes(data)
    text = _text(data)
    for label in (
        "VIA USUÁRIO",
        "ROTA",
        "INSCRIÇÃO",
        "NOME DO USUÁRIO",
        "CPF/CNPJ",
        "MATRÍCULA",
        "ENDEREÇO DO IMÓVEL",
        "N. SEQUENCIAL",
        "SA (ÁGUA)",
        "SE (ESGOTO)",
        "ECONOMIAS",
        "DATA EMISSÃO",
        "NÃO RECEBER APÓS",
        "Débito original",
        "Serviços/atualização",
        "Desconto/créditos",
        "Valor a pagar",
        "LEVARÁ À SUSPENSÃO DO FORNECIMENTO DE ÁGUA E À COBRANÇA JUDICIAL",
        "Autenticação mecânica",
        "Emitido por:",
        "VIA EMPRESA",
    ):
        assert label.upper() in text.upper(), label
    assert p.inscription in text and "6720" in text and "***.982.247-**" in text
    _no_document_in_clear(text)
    # VALOR A PAGAR = DÉBITO ORIGINAL + SERVIÇOS/ATUALIZAÇÃO − DESCONTO/CRÉDITOS
    original = Decimal("376.03")
    lines = list(document.lines.all())
    updates = sum((line.fine + line.interest + line.correction for line in lines), Decimal("0.00"))
    assert sum((line.original for line in lines), Decimal("0.00")) == original
    assert document.amount == original + updates
    assert f"{original:.2f}".replace(".", ",") in text and f"{document.amount:.2f}".replace(".", ",") in text


def test_the_bill_and_the_agreement_term_never_print_the_cpf_in_clear(tenant_alpha) -> None:
    p = _owing_property()
    from modules.billing.models import Bill

    bill = Bill.objects.filter(property=p).order_by("reference").first()
    assert bill is not None
    Bill.objects.filter(pk=bill.pk).update(payer_name="Rosa Amélia Tavares", payer_document=CPF)
    bill.refresh_from_db()
    bill_text = _text(bill_pdf.bill_pdf(bill))
    assert "Rosa Amélia Tavares" in bill_text
    _no_document_in_clear(bill_text)

    InstallmentPolicyVersion.objects.update(
        monthly_rate=Decimal("0.0163"),
        min_down_payment_rate=Decimal("0.10"),
        max_installments=6,
        standard_max_installments=6,
        min_installment=Decimal("10.00"),
    )
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        agreement = services.agreement_create(
            actor=ACTOR, property_id=p.pk, down_payment=Decimal("60.00"), count=3, as_of=TODAY
        )
    term = _text(debt_pdf.agreement_term_pdf(agreement))
    assert "Rosa Amélia Tavares" in term and "***.982.247-**" in term
    _no_document_in_clear(term)
