"""Customers without CPF/CNPJ (VA-07, ADR 0103) in the legacy import: keyed by legacy code, their
document brought later, conflicting keys refused."""

from __future__ import annotations

import pytest

from modules.legacy.services.customers import import_customers
from modules.legacy.services.properties import import_properties
from modules.registry.models import Customer, PropertyRelation
from tests.legacy.test_import import accounts
from tests.registry import factories as f

pytestmark = pytest.mark.usefixtures("tenant_alpha")


CUSTOMERS = """cpf_cnpj;legacy_code;kind;name
;L-001;PF;Maria Aparecida dos Santos
;L-002;PJ;Mercearia Antiga Ltda
529.982.247-25;L-003;;Luíza Helena Brandão
"""


def _properties(holders: list[tuple[str, str]]) -> str:
    lines = [
        "account_number;inscription;street;number;neighbourhood;categories;holder_cpf_cnpj;holder_legacy_code"
    ]
    for i, ((doc, code), acc) in enumerate(zip(holders, accounts(len(holders)), strict=True)):
        lines.append(f"{acc};1.9.9.{i + 1}.0;Mato Grosso;{i + 1};Centro;RES:1;{doc};{code}")
    return "\n".join(lines) + "\n"


def test_import_keys_customers_without_document_by_legacy_code() -> None:
    report = import_customers(actor=f.ACTOR, data=CUSTOMERS, today=f.TODAY)
    assert (report.ok, report.created, report.updated) == (True, 3, 0), report.errors
    rows = list(Customer.objects.order_by("legacy_code").values_list("legacy_code", "cpf_cnpj", "kind"))
    assert rows == [("L-001", None, "person"), ("L-002", None, "company"), ("L-003", "52998224725", "person")]
    again = import_customers(actor=f.ACTOR, data=CUSTOMERS, today=f.TODAY)
    assert (again.ok, again.created, again.updated, again.unchanged) == (True, 0, 0, 3)
    # the legacy system later has the document of L-001; an empty one never erases what is on file
    later = CUSTOMERS.replace(";L-001;PF;", f"{f.cpf(123456789)};L-001;;").replace(
        "529.982.247-25;L-003", ";L-003"
    )
    third = import_customers(actor=f.ACTOR, data=later, today=f.TODAY)
    assert (third.ok, third.created, third.updated) == (True, 0, 1), third.errors
    assert Customer.objects.get(legacy_code="L-001").cpf_cnpj == f.cpf(123456789)
    assert Customer.objects.get(legacy_code="L-003").cpf_cnpj == "52998224725"
    props = import_properties(
        actor=f.ACTOR, data=_properties([("", "L-002"), ("52998224725", ""), ("", "L-999")]), today=f.TODAY
    )
    assert [(e.line, e.field, e.reason) for e in props.errors] == [
        (4, "holder_legacy_code", "titular não cadastrado (importe antes o arquivo de clientes)")
    ]
    props = import_properties(
        actor=f.ACTOR, data=_properties([("", "L-002"), ("52998224725", "")]), today=f.TODAY
    )
    assert props.ok, props.errors
    holders = PropertyRelation.objects.filter(role="owner").order_by("property__account_base")
    assert [r.customer.legacy_code for r in holders] == ["L-002", "L-003"]


def test_import_rejects_a_customer_with_no_key_and_conflicting_keys() -> None:
    import_customers(actor=f.ACTOR, data=CUSTOMERS, today=f.TODAY)
    bad = (
        "cpf_cnpj;legacy_code;kind;name\n"
        ";;PF;Sem Chave Nenhuma\n"
        f"{f.cpf(223344556)};L-003;;Luíza com outro CPF\n"
        "529.982.247-25;L-777;;Luíza com outro código\n"
        ";L-004;XX;Tipo Estranho\n"
        ";L-005;PF;Repetido\n"
        ";L-005;PF;Repetido de novo\n"
    )
    report = import_customers(actor=f.ACTOR, data=bad, today=f.TODAY)
    assert [(e.line, e.field) for e in report.errors] == [
        (2, "cpf_cnpj"),
        (5, "kind"),
        (7, "legacy_code"),
    ]
    assert report.errors[0].reason.startswith("cliente sem CPF/CNPJ: informe o código do sistema legado")
    fixed = "\n".join(line for i, line in enumerate(bad.splitlines()) if i not in (1, 4, 6)) + "\n"
    report = import_customers(actor=f.ACTOR, data=fixed, today=f.TODAY)
    assert [(e.line, e.field, e.reason) for e in report.errors] == [
        (2, "cpf_cnpj", "o cliente de código L-003 já tem outro CPF/CNPJ cadastrado"),
        (3, "legacy_code", "o cliente deste CPF/CNPJ tem o código L-003"),
    ]
    assert Customer.objects.count() == 3
