"""Registry services in a tenant schema: writes, history, audit, search by every key, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from modules.registry import selectors
from modules.registry.domain.account_number import account_check_digit
from modules.registry.domain.economies import CategoryShare
from modules.registry.domain.inscription import check_digits
from modules.registry.models import Customer, Property, PropertyRelation, ServiceConnection
from modules.registry.services.connections import connection_change_situation, connection_create
from modules.registry.services.properties import property_set_categories
from modules.registry.services.relations import relation_transfer
from tests.registry import factories as f

pytestmark = pytest.mark.usefixtures("tenant_alpha")


def test_customer_with_cpf_and_alphanumeric_cnpj() -> None:
    person = f.customer(
        "José Antônio", document="529.982.247-25", email="jose@exemplo.com.br", phone="66999990000"
    )
    company = f.customer("Padaria Pão Quente Ltda", document=f.cnpj("12ABC34501DE"))
    assert (person.kind, person.cpf_cnpj, person.name_search) == ("person", "52998224725", "jose antonio")
    assert (company.kind, company.cpf_cnpj) == ("company", f.cnpj("12ABC34501DE"))
    entry = AuditEntry.objects.get(action="registry.customer_create", object_id=str(person.pk))
    assert entry.after["cpf_cnpj"] == "52998224725"


def test_duplicate_document_is_a_conflict() -> None:
    f.customer(document="52998224725")
    with pytest.raises(Conflict) as err:
        f.customer(document="529.982.247-25")
    assert err.value.field == "cpf_cnpj"


def test_property_with_mixed_categories_gets_an_account_number_with_digit() -> None:
    holder = f.customer()
    p = f.prop(holder=holder, categories=(("RES", 2), ("COM", 1)))
    assert p.account_number == f"{p.account_base}-{account_check_digit(p.account_base)}"
    assert p.economies_total == 3
    assert dict(p.categories.values_list("category__code", "economies")) == {"RES": 2, "COM": 1}
    routing = "001.002.0030." + str(p.lot).zfill(4) + ".000"
    assert p.inscription == f"{routing}-{check_digits(routing.replace('.', ''))}"
    roles = set(
        PropertyRelation.objects.filter(property=p, end__isnull=True).values_list("role", "customer_id")
    )
    assert roles == {("owner", holder.pk), ("bill_payer", holder.pk)}
    assert AuditEntry.objects.filter(action="registry.property_create", object_id=str(p.pk)).count() == 1


def test_economies_change_keeps_old_and_new_in_audit() -> None:
    p = f.prop(categories=(("RES", 8),))
    property_set_categories(actor=f.ACTOR, prop=p, categories=[CategoryShare("RES", 10)], reason="vistoria")
    entry = AuditEntry.objects.get(action="registry.property_economies", object_id=str(p.pk))
    assert entry.before == {"categories": {"RES": 8}, "economies_total": 8}
    assert entry.after == {"categories": {"RES": 10}, "economies_total": 10}


def test_transfer_of_ownership_keeps_history() -> None:
    first, second = f.customer("Ana Lima"), f.customer("Bruno Costa")
    p = f.prop(holder=first)
    on = f.TODAY - dt.timedelta(days=5)
    relation_transfer(actor=f.ACTOR, prop=p, customer=second, role="owner", start=on, today=f.TODAY)
    owners = list(
        PropertyRelation.objects.filter(property=p, role="owner")
        .order_by("start")
        .values_list("customer_id", "end")
    )
    assert owners == [(first.pk, on), (second.pk, None)]
    with pytest.raises(ValidationFailed) as err:
        relation_transfer(
            actor=f.ACTOR,
            prop=p,
            customer=first,
            role="owner",
            start=on - dt.timedelta(days=1),
            today=f.TODAY,
        )
    assert err.value.field == "start"


def test_connection_situation_changes_are_dated_and_audited() -> None:
    p = f.prop()
    sc = connection_create(
        actor=f.ACTOR,
        prop=p,
        kind="water",
        situation="connected",
        since=dt.date(2020, 1, 1),
        today=f.TODAY,
        diameter_mm=20,
        material="PEAD",
    )
    connection_change_situation(
        actor=f.ACTOR,
        connection_obj=sc,
        situation="cut",
        on=dt.date(2025, 5, 1),
        reason="débito",
        today=f.TODAY,
    )
    sc.refresh_from_db()
    assert (sc.situation, sc.since) == ("cut", dt.date(2025, 5, 1))
    assert list(sc.events.values_list("situation_from", "situation_to")) == [
        ("connected", "cut"),
        ("", "connected"),
    ]
    with pytest.raises(ValidationFailed) as err:
        connection_change_situation(
            actor=f.ACTOR, connection_obj=sc, situation="suppressed", on=dt.date(2025, 4, 1), today=f.TODAY
        )
    assert err.value.field == "on"


# --- the bad-input list: rejected with a pt-BR message naming the field, nothing saved ------


def _nothing_saved(counts_before: tuple[int, int, int]) -> None:
    assert (
        Customer.objects.count(),
        Property.objects.count(),
        ServiceConnection.objects.count(),
    ) == counts_before


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (
            lambda: f.customer(document="529.982.247-26"),
            "cpf_cnpj",
            "CPF inválido: dígito verificador não confere.",
        ),
        (
            lambda: f.customer(document="11.222.333/0001-82"),
            "cpf_cnpj",
            "CNPJ inválido: dígito verificador não confere.",
        ),
        (
            lambda: f.customer(document="12ABC34501DE00"),
            "cpf_cnpj",
            "CNPJ inválido: dígito verificador não confere.",
        ),
        (
            lambda: f.customer(birth_date=dt.date(2030, 1, 1)),
            "birth_date",
            "A data de nascimento não pode estar no futuro (01/01/2030).",
        ),
        (lambda: f.prop(categories=(("XYZ", 1),)), "categories", "Categoria desconhecida: 'XYZ'."),
        (
            lambda: f.prop(categories=(("RES", -2),)),
            "economies",
            "Número de economias não pode ser negativo.",
        ),
        (lambda: f.prop(account_base=12348), "account_number", "Matrícula sem dígito verificador válido."),
        (
            lambda: f.prop(sublot=1000),
            "sublote",
            "Inscrição inválida: sublote deve ter até 3 dígitos e não ser negativo.",
        ),
        (
            lambda: f.prop(holder_since=dt.date(2031, 1, 1)),
            "holder_since",
            "A data de início da titularidade não pode estar no futuro (01/01/2031).",
        ),
        (lambda: f.prop(cep="123"), "cep", "CEP inválido: deve ter 8 dígitos."),
    ],
)
def test_bad_input_is_rejected_and_nothing_saved(call, field: str, message: str) -> None:
    before = (Customer.objects.count(), Property.objects.count(), ServiceConnection.objects.count())
    with pytest.raises(ValidationFailed) as err:
        call()
    assert (err.value.field, err.value.message) == (field, message)
    _nothing_saved(before)


def test_12348_really_has_no_digit() -> None:
    assert account_check_digit(12348) is None


# --- search -----------------------------------------------------------------------------------------


@pytest.fixture
def registry() -> dict[str, object]:
    joao = f.customer("João Conceição Araújo", document="52998224725")
    firma = f.customer("Mercado Bom Preço Ltda", document=f.cnpj("12ABC34501DE"))
    a = f.prop(holder=joao, street=f.street("Sete de Setembro", "Avenida"), number="1500", block=7, lot=8)
    b = f.prop(
        holder=firma, street=f.street("Getúlio Vargas"), number="42", locality=3, sector=4, block=5, lot=6
    )
    return {"joao": joao, "firma": firma, "a": a, "b": b}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a.account_number", {"a"}),
        ("001.002.0007.0008.000", {"a"}),
        ("3.4", {"b"}),
        ("529.982.247-25", {"a"}),
        ("52998224725", {"a"}),
        ("firma.document", {"b"}),
        ("joao conceicao", {"a"}),
        ("JOÃO ARAU", {"a"}),
        ("bom preço", {"b"}),
        ("sete setembro 1500", {"a"}),
        ("getulio vargas 42", {"b"}),
        ("ninguém", set()),
    ],
)
def test_search_finds_by_every_key(registry, query: str, expected: set[str]) -> None:
    if query == "a.account_number":
        query = registry["a"].account_number
    if query == "firma.document":
        query = registry["firma"].cpf_cnpj
    found = {p.pk for p in selectors.property_search(query)}
    assert found == {registry[k].pk for k in expected}


def test_search_result_carries_holder_document(registry) -> None:
    (row,) = selectors.property_search("joao")
    assert (row.holder_name, row.holder_cpf_cnpj) == ("João Conceição Araújo", "52998224725")


def test_360_query_budget(registry) -> None:
    p = registry["a"]
    connection_create(
        actor=f.ACTOR, prop=p, kind="water", situation="connected", since=dt.date(2020, 1, 1), today=f.TODAY
    )
    connection_create(
        actor=f.ACTOR, prop=p, kind="sewer", situation="connected", since=dt.date(2020, 1, 1), today=f.TODAY
    )
    with CaptureQueriesContext(connection) as queries:
        view = selectors.property_360(p.pk)
        assert len(view.connections) == 2 and len(view.relations) == 2
    selects = [q["sql"] for q in queries if not q["sql"].startswith("SET search_path")]
    assert len(selects) == 7  # property, categories, status, relations, connections, events, audit


def test_search_ranks_a_name_typed_from_its_start_first_then_by_similarity() -> None:
    street = f.street("Brasil", "Avenida")
    names = ("Ana Maria Silva Souza", "Maria Silva", "Maria Aparecida da Silva", "Maria Silva Pereira")
    props = {
        name: f.prop(holder=f.customer(name), street=street, number=str(i)) for i, name in enumerate(names)
    }
    ranked = [p.holder_name for p in selectors.property_search("maria silva")]
    assert ranked[:2] == ["Maria Silva", "Maria Silva Pereira"]  # prefix matches first, by account
    assert set(ranked) == set(names)
    found = selectors.search_properties("MARIA SILVA")
    assert (found.truncated, found.results.count()) == (False, 4)
    assert props["Maria Silva"].pk == found.results[0].pk


def test_search_is_bounded_and_says_so() -> None:
    street = f.street("Brasil", "Avenida")
    for i in range(6):
        f.prop(holder=f.customer(f"José Santos {i}"), street=street, number=str(i))
    found = selectors.search_properties("santos", limit=4)
    assert (found.truncated, found.results.count(), len(list(found.results))) == (True, 4, 4)
    found = selectors.search_properties("josé santos", limit=6)
    assert (found.truncated, found.results.count()) == (False, 6)
    # the address key is bounded the same way
    found = selectors.search_properties("avenida brasil", limit=5)
    assert (found.truncated, found.results.count()) == (True, 5)
