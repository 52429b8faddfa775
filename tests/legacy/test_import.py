"""Legacy import: line-numbered errors, all or nothing per file, idempotent re-import, reconciliation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from modules.common.domain.documents import cpf_check_digits
from modules.common.models import AuditEntry
from modules.legacy.services.customers import import_customers
from modules.legacy.services.meters import import_meters
from modules.legacy.services.properties import import_properties
from modules.metering.models import Installation, Meter
from modules.registry.domain.account_number import format_account_number, next_account_base
from modules.registry.models import Customer, Property, PropertyCategory, PropertyRelation, ServiceConnection
from tests.registry.factories import ACTOR, TODAY

pytestmark = pytest.mark.usefixtures("tenant_alpha")

N = 2000


def cpf_of(i: int) -> str:
    base = str(300_000_000 + i)
    return base + cpf_check_digits(base)


def accounts(n: int) -> list[str]:
    out, base = [], 5000
    for _ in range(n):
        base = next_account_base(base)
        out.append(format_account_number(base))
    return out


def customers_csv(n: int = N) -> str:
    lines = ["cpf_cnpj;name;email;phone;birth_date;mail_cep"]
    lines += [
        f"{cpf_of(i)};Cliente Número {i} da Conceição;c{i}@exemplo.com.br;(66) 9{i:08d};1980-01-01;78643-000"
        for i in range(n)
    ]
    return "\n".join(lines) + "\n"


def properties_csv(n: int = N) -> str:
    lines = [
        "account_number;inscription;street_type;street;number;neighbourhood;cep;categories;billing_group;route;route_sequence;holder_cpf_cnpj;holder_since;water_situation;water_since;sewer_situation"
    ]
    for i, acc in enumerate(accounts(n)):
        cats = "RES:2|COM:1" if i % 10 == 0 else "RES:1"
        lines.append(
            f"{acc};1.{i // 1000 + 1}.{i % 1000 // 10}.{i % 10}.0;Rua;São João;{i + 1};Centro;78643000;"
            f"{cats};1;1;{i + 1};{cpf_of(i)};2020-01-01;connected;2020-01-01;potential"
        )
    return "\n".join(lines) + "\n"


def meters_csv(n: int = 100) -> str:
    lines = [
        "number;manufacturer;model;capacity;diameter_mm;metrological_class;manufacture_year;calibrated_on;account_number;installed_on;initial_reading"
    ]
    for i, acc in enumerate(accounts(n)):
        lines.append(f"Y20A{i:06d};Elster;S220;1,5;20;B;2020;2020-02-01;{acc};2020-03-01;0")
    return "\n".join(lines) + "\n"


def test_a_few_thousand_rows_import_and_reimport_changes_nothing() -> None:
    c = import_customers(actor=ACTOR, data=customers_csv(), today=TODAY)
    p = import_properties(actor=ACTOR, data=properties_csv(), today=TODAY)
    m = import_meters(actor=ACTOR, data=meters_csv(), today=TODAY)
    assert (c.ok, c.read, c.created, c.updated, c.rejected) == (True, N, N, 0, 0)
    assert (p.ok, p.read, p.created, p.updated) == (True, N, N, 0), p.errors[:3]
    assert (m.ok, m.created, m.details["installations_created"]) == (True, 100, 100)
    assert Property.objects.count() == N
    assert PropertyCategory.objects.filter(category__code="COM").count() == N // 10
    assert PropertyRelation.objects.filter(end__isnull=True).count() == 2 * N
    assert ServiceConnection.objects.count() == 2 * N
    assert Meter.objects.filter(status="installed").count() == Installation.objects.count() == 100
    first = Property.objects.get(account_number=accounts(1)[0])
    assert (first.economies_total, first.inscription, first.address_search) == (
        3,
        "001.001.0000.0000.000-74",
        "rua sao joao 1 centro",
    )
    snapshot = [
        list(model.objects.order_by("pk").values())
        for model in (
            Customer,
            Property,
            PropertyCategory,
            PropertyRelation,
            ServiceConnection,
            Meter,
            Installation,
        )
    ]
    again = [
        import_customers(actor=ACTOR, data=customers_csv(), today=TODAY),
        import_properties(actor=ACTOR, data=properties_csv(), today=TODAY),
        import_meters(actor=ACTOR, data=meters_csv(), today=TODAY),
    ]
    assert [(r.created, r.updated, r.unchanged) for r in again] == [(0, 0, N), (0, 0, N), (0, 0, 100)]
    assert [r.details for r in again[1:]] == [
        {
            "streets_created": 0,
            "neighbourhoods_created": 0,
            "categories_changed": 0,
            "relations_changed": 0,
            "connections_changed": 0,
        },
        {"installations_created": 0},
    ]
    assert snapshot == [
        list(model.objects.order_by("pk").values())
        for model in (
            Customer,
            Property,
            PropertyCategory,
            PropertyRelation,
            ServiceConnection,
            Meter,
            Installation,
        )
    ]
    assert AuditEntry.objects.filter(action="registry.import_customers").count() == 2


def test_bad_lines_are_reported_exactly_and_nothing_of_the_file_is_kept() -> None:
    import_customers(actor=ACTOR, data=customers_csv(50), today=TODAY)
    rows = properties_csv(50).splitlines()
    bad_account = rows[3].split(";")
    bad_account[0] = bad_account[0][:-1] + str((int(bad_account[0][-1]) + 1) % 10)
    rows[3] = ";".join(bad_account)  # line 4: wrong check digit
    rows[10] = rows[10].replace("RES:1", "XYZ:1")  # line 11: unknown category
    rows[20] = rows[20].replace("RES:1", "RES:-3")  # line 21: negative economias
    rows[30] = rows[30].replace(
        ";2020-01-01;connected", ";2099-01-01;connected"
    )  # line 31: holder since in future
    parts = rows[40].split(";")
    parts[11] = "52998224725"
    rows[40] = ";".join(parts)  # line 41: holder not a customer (checked in the database)
    report = import_properties(actor=ACTOR, data="\n".join(rows) + "\n", today=TODAY)
    assert not report.ok
    assert [(e.line, e.field) for e in report.errors] == [
        (4, "account_number"),
        (11, "categories"),
        (21, "economies"),
        (31, "holder_since"),
    ]
    assert report.errors[0].reason == "Matrícula inválida: dígito verificador não confere."
    assert (report.read, report.rejected, report.created) == (50, 4, 0)
    assert Property.objects.count() == 0
    # with the Python-level lines fixed, the database-level check reports its line
    rows[3], rows[10], rows[20], rows[30] = (
        properties_csv(50).splitlines()[3],
        properties_csv(50).splitlines()[10],
        properties_csv(50).splitlines()[20],
        properties_csv(50).splitlines()[30],
    )
    report = import_properties(actor=ACTOR, data="\n".join(rows) + "\n", today=TODAY)
    assert [(e.line, e.field, e.reason) for e in report.errors] == [
        (41, "holder_cpf_cnpj", "titular não cadastrado (importe antes o arquivo de clientes)")
    ]
    assert Property.objects.count() == 0 and ServiceConnection.objects.count() == 0


def test_a_meter_on_two_connections_in_the_file_is_rejected() -> None:
    import_customers(actor=ACTOR, data=customers_csv(5), today=TODAY)
    import_properties(actor=ACTOR, data=properties_csv(5), today=TODAY)
    rows = meters_csv(3).splitlines()
    rows[2] = rows[2].replace("Y20A000001", "Y20A000000")
    report = import_meters(actor=ACTOR, data="\n".join(rows), today=TODAY)
    assert [(e.line, e.field) for e in report.errors] == [(3, "number")]
    assert Meter.objects.count() == 0


def test_missing_header_column_and_transfer_on_reimport() -> None:
    report = import_customers(actor=ACTOR, data="cpf;name\n1;x\n", today=TODAY)
    assert [(e.line, e.field) for e in report.errors] == [(1, "cpf_cnpj")]
    import_customers(actor=ACTOR, data=customers_csv(3), today=TODAY)
    import_properties(actor=ACTOR, data=properties_csv(1), today=TODAY)
    moved = (
        properties_csv(1)
        .replace(cpf_of(0), cpf_of(2))
        .replace("2020-01-01;connected", "2024-05-01;connected")
    )
    report = import_properties(actor=ACTOR, data=moved, today=TODAY)
    assert (report.ok, report.details["relations_changed"]) == (True, 4)
    owners = list(
        PropertyRelation.objects.filter(role="owner")
        .order_by("start")
        .values_list("customer__cpf_cnpj", "start", "end")
    )
    assert owners == [
        (cpf_of(0), dt.date(2020, 1, 1), dt.date(2024, 5, 1)),
        (cpf_of(2), dt.date(2024, 5, 1), None),
    ]


def test_management_command(tmp_path, capsys) -> None:
    (tmp_path / "customers.csv").write_text(customers_csv(3))
    (tmp_path / "properties.csv").write_text(properties_csv(3))
    call_command("import_registry", "--schema", "alpha", str(tmp_path))
    out = capsys.readouterr().out
    assert "customers.csv: ACEITO · lidas 3 · criadas 3" in out
    assert "properties.csv: ACEITO · lidas 3 · criadas 3" in out


def test_reimport_mixing_new_and_changed_properties() -> None:
    """A second file adds properties and changes others: ids, categories, holders and history follow."""
    import_customers(actor=ACTOR, data=customers_csv(20), today=TODAY)
    first = import_properties(actor=ACTOR, data=properties_csv(10), today=TODAY)
    assert (first.ok, first.created) == (True, 10)
    ids = dict(Property.objects.values_list("account_number", "id"))
    rows = properties_csv(20).splitlines()
    rows[1] = rows[1].replace("RES:2|COM:1", "RES:1")  # property 0 loses its commercial economia
    rows[2] = rows[2].replace(
        f";{cpf_of(1)};2020-01-01;", f";{cpf_of(15)};2023-03-01;"
    )  # property 1 changes hands
    rows[3] = rows[3].replace(";Rua;São João;", ";Avenida;Brasil;")  # property 2 moves street
    report = import_properties(actor=ACTOR, data="\n".join(rows) + "\n", today=TODAY)
    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 10, 1, 9), report.errors
    # 11 categories of the new properties (one has COM too), RES 2 -> 1 and COM dropped on property 0
    assert report.details["categories_changed"] == 11 + 1 + 1
    by_account = {p.account_number: p for p in Property.objects.all()}
    assert all(by_account[acc].id == pk for acc, pk in ids.items())  # existing properties keep their id
    zero = by_account[accounts(1)[0]]
    assert (zero.economies_total, list(zero.categories.values_list("category__code", flat=True))) == (
        1,
        ["RES"],
    )
    assert str(by_account[accounts(3)[2]].street) == "Avenida Brasil"
    assert report.details["streets_created"] == 1
    one = by_account[accounts(2)[1]]
    assert list(
        PropertyRelation.objects.filter(property=one, role="owner")
        .order_by("start")
        .values_list("customer__cpf_cnpj", "end")
    ) == [(cpf_of(1), dt.date(2023, 3, 1)), (cpf_of(15), None)]
    new = Property.objects.filter(account_number__in=accounts(20)[10:])
    assert new.count() == 10 and all(p.status_history.count() == 1 for p in new)
    assert PropertyRelation.objects.filter(property__in=new, end__isnull=True).count() == 20
    again = import_properties(actor=ACTOR, data="\n".join(rows) + "\n", today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 20)
    assert set(again.details.values()) == {0}
