"""LGPD tooling (issue #21): the data-subject report of a CPF/CNPJ as JSON and PDF, 404 for another
utility's customer, anonymisation on request that keeps bills and payments and is refused, with the
legal reason, while the customer has overdue bills."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from modules.billing.models import Bill
from modules.common.errors import Conflict
from modules.common.models import AuditEntry
from modules.privacy.services import subject_anonymise
from modules.registry.models import Customer
from modules.registry.services.customers import customer_update
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

PASSWORD = "Senha-forte-123"


@pytest.fixture
def subject(tenant_alpha):
    admin = make_user("alpha", "dpo", PASSWORD, is_admin=True)
    customer = reg.customer("Joana D'Arc Ferreira", email="joana@exemplo.com", phone="15999990000")
    prop = reg.prop(holder=customer)
    customer_update(actor=admin, customer=customer, mother_name="Maria Ferreira")
    return admin, customer, prop


def _bill(prop, *, due: dt.date, status: str = "released") -> Bill:
    return Bill.objects.create(
        property=prop, reference=due.replace(day=1), due_date=due, status=status, total=Decimal("87.40")
    )


def test_the_report_lists_personal_data_source_properties_and_who_changed_them(subject, alpha_client) -> None:
    _admin, customer, prop = subject
    headers = bearer(alpha_client, "dpo", PASSWORD)
    response = alpha_client.get(f"/api/v1/privacy/subjects/{customer.cpf_cnpj}", **headers)
    assert response.status_code == 200
    body = response.json()
    data = {d["field"]: d["value"] for d in body["personal_data"]}
    assert data["name"] == "Joana D'Arc Ferreira" and data["email"] == "joana@exemplo.com"
    assert data["mother_name"] == "Maria Ferreira"
    assert body["source"] == "cadastro no Manancial"
    assert [p["account_number"] for p in body["properties"]] == [prop.account_number] * len(
        body["properties"]
    )
    assert any(a["actor"] == "dpo" and "mother_name" in a["fields"] for a in body["accesses"])
    assert AuditEntry.objects.filter(action="privacy.subject_report", object_id=str(customer.pk)).count() == 1
    # formatted document digits find the same subject
    doc = customer.cpf_cnpj
    formatted = f"{doc[:3]}.{doc[3:6]}.{doc[6:9]}-{doc[9:]}"
    assert alpha_client.get(f"/api/v1/privacy/subjects/{formatted}", **headers).status_code == 200


def test_the_report_as_pdf(subject, alpha_client) -> None:
    from pypdf import PdfReader

    _admin, customer, _prop = subject
    headers = bearer(alpha_client, "dpo", PASSWORD)
    response = alpha_client.get(f"/api/v1/privacy/subjects/{customer.cpf_cnpj}?formato=pdf", **headers)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Relatório do titular de dados" in text and "Maria Ferreira" in text


def test_another_utilitys_customer_answers_404(subject, beta_client) -> None:
    _admin, customer, _prop = subject
    make_user("beta", "dpo_beta", PASSWORD, is_admin=True)
    response = beta_client.get(
        f"/api/v1/privacy/subjects/{customer.cpf_cnpj}", **bearer(beta_client, "dpo_beta", PASSWORD)
    )
    assert response.status_code == 404
    assert response.json()["code"] == "subject_not_found"


def test_a_report_needs_the_privacy_function(subject, alpha_client) -> None:
    _admin, customer, _prop = subject
    make_user("alpha", "atendente", PASSWORD)
    response = alpha_client.get(
        f"/api/v1/privacy/subjects/{customer.cpf_cnpj}", **bearer(alpha_client, "atendente", PASSWORD)
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="privacy.subject_report").exists()


def test_anonymisation_blanks_personal_fields_and_keeps_bills(subject, alpha_client) -> None:
    _admin, customer, prop = subject
    paid = _bill(prop, due=dt.date(2026, 1, 10), status="paid")
    headers = bearer(alpha_client, "dpo", PASSWORD)
    response = alpha_client.post(
        f"/api/v1/privacy/subjects/{customer.cpf_cnpj}/anonymise",
        {"reason": "pedido do titular, protocolo 2026/123"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert customer.name == f"Titular anonimizado {customer.pk}"
    assert (customer.cpf_cnpj, customer.email, customer.phone, customer.mother_name) == (None, "", "", "")
    assert Bill.objects.filter(pk=paid.pk, property=prop, total=Decimal("87.40")).exists()
    entry = AuditEntry.objects.get(action="privacy.subject_anonymise", object_id=str(customer.pk))
    assert "joana@exemplo.com" not in str(entry.after) and "email" in entry.after["anonymised_fields"]
    assert entry.before is None


def test_anonymisation_is_refused_with_the_legal_reason_while_debt_is_open(subject) -> None:
    admin, customer, prop = subject
    _bill(prop, due=dt.date(2026, 1, 10))
    with pytest.raises(Conflict) as refused:
        subject_anonymise(actor=admin, document=customer.cpf_cnpj, reason="pedido do titular")
    assert refused.value.code == "open_debt"
    assert "art. 7º, VI" in refused.value.message and "art. 16, I" in refused.value.message
    assert Customer.objects.get(pk=customer.pk).email == "joana@exemplo.com"  # nothing changed
    assert not AuditEntry.objects.filter(action="privacy.subject_anonymise").exists()
