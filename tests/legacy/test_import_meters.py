"""meters.csv against what the database already holds: meters registered in stock and installed later,
a changed meter updated alone, refusals that name the line and write nothing, the movements' trail."""

from __future__ import annotations

import pytest

from modules.legacy.services.customers import import_customers
from modules.legacy.services.meters import import_meters
from modules.legacy.services.properties import import_properties
from modules.metering.models import Installation, Meter, Movement
from modules.registry.models import ServiceConnection
from tests.legacy.test_import import accounts, customers_csv, properties_csv
from tests.registry.factories import ACTOR, TODAY

pytestmark = pytest.mark.usefixtures("tenant_alpha")

HEADER = (
    "number;manufacturer;model;capacity;diameter_mm;metrological_class;manufacture_year;calibrated_on;"
    "account_number;installed_on;initial_reading"
)


def meters(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def meter(number: str, account: str = "", *, capacity: str = "1,5", model: str = "S220") -> str:
    installed = "2020-03-01;7" if account else ";"
    return f"{number};Elster;{model};{capacity};20;B;2020;2020-02-01;{account};{installed}"


@pytest.fixture
def registry() -> list[str]:
    """Four properties, each with a water connection (not yet metered)."""
    assert import_customers(actor=ACTOR, data=customers_csv(4), today=TODAY).ok
    assert import_properties(actor=ACTOR, data=properties_csv(4), today=TODAY).ok
    return accounts(4)


def _written() -> tuple[int, int, int, int]:
    return (
        Meter.objects.count(),
        Installation.objects.count(),
        Movement.objects.count(),
        ServiceConnection.objects.filter(metered=True).count(),
    )


def test_meters_in_stock_are_installed_by_a_later_file(registry) -> None:
    stock = import_meters(actor=ACTOR, data=meters(meter("A1"), meter("A2")), today=TODAY)
    assert (stock.ok, stock.created, stock.updated, stock.details) == (
        True,
        2,
        0,
        {"installations_created": 0},
    )
    assert set(Meter.objects.values_list("status", flat=True)) == {"stock"}
    assert ServiceConnection.objects.filter(metered=True).count() == 0

    report = import_meters(
        actor=ACTOR, data=meters(meter("A1", registry[0]), meter("A2"), meter("B1", registry[1])), today=TODAY
    )

    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 1, 0, 2)
    assert report.details == {"installations_created": 2}
    assert dict(Meter.objects.values_list("number", "status")) == {
        "A1": "installed",
        "A2": "stock",
        "B1": "installed",
    }
    a1 = Installation.objects.get(meter__number="A1")
    assert (a1.connection.property.account_number, str(a1.installed_on), a1.initial_reading) == (
        registry[0],
        "2020-03-01",
        7,
    )
    assert (a1.installed_by, a1.removed_on, a1.seal) == ("sistema:tests", None, "")
    trail = {
        number: list(
            Movement.objects.filter(meter__number=number)
            .order_by("id")
            .values_list("status_from", "status_to", "on", "reason", "installation_id", "actor")
        )
        for number in ("A1", "A2", "B1")
    }
    b1 = Installation.objects.get(meter__number="B1")
    assert trail == {
        "A1": [
            ("", "stock", TODAY, "importação", None, "sistema:tests"),
            ("stock", "installed", a1.installed_on, "importação", a1.pk, "sistema:tests"),
        ],
        "A2": [("", "stock", TODAY, "importação", None, "sistema:tests")],
        "B1": [
            ("", "stock", TODAY, "importação", None, "sistema:tests"),
            ("stock", "installed", b1.installed_on, "importação", b1.pk, "sistema:tests"),
        ],
    }
    assert set(
        ServiceConnection.objects.filter(metered=True).values_list("property__account_number", flat=True)
    ) == {registry[0], registry[1]}


def test_a_changed_meter_is_updated_alone_and_the_database_rounding_is_no_change(registry) -> None:
    first = meters(meter("A1", registry[0]), meter("A2", registry[1]), meter("A3"))
    assert import_meters(actor=ACTOR, data=first, today=TODAY).ok
    before = {m.number: m for m in Meter.objects.all()}
    # 1,504 is kept as 1.50: the same value, not a change
    again = meters(
        meter("A1", registry[0], capacity="1,504"), meter("A2", registry[1], model="S230"), meter("A3")
    )

    report = import_meters(actor=ACTOR, data=again, today=TODAY)

    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 0, 1, 2)
    assert report.details == {"installations_created": 0}
    after = {m.number: m for m in Meter.objects.all()}
    assert after["A2"].model == "S230"
    assert [after[n].__dict__ | {"_state": None} for n in ("A1", "A3")] == [
        before[n].__dict__ | {"_state": None} for n in ("A1", "A3")
    ]
    assert Installation.objects.count() == 2 and Movement.objects.count() == 5


def test_refusals_against_the_database_name_their_lines_and_write_nothing(registry) -> None:
    assert import_meters(actor=ACTOR, data=meters(meter("A1", registry[0]), meter("A2")), today=TODAY).ok
    written = _written()
    without_water = accounts(5)[4]  # a valid account number no property holds

    report = import_meters(
        actor=ACTOR,
        data=meters(
            meter("A1", registry[1]),  # installed on another connection
            meter("C1", registry[0]),  # the connection already has A1
            meter("C2", without_water),
            meter("A1X"),
            meter("C3", registry[2]),
            meter("C4", registry[2]),  # two meters for one connection in the file
        ),
        today=TODAY,
    )

    assert [(e.line, e.field, e.reason) for e in report.errors] == [
        (2, "number", "hidrômetro já instalado em outra ligação"),
        (3, "account_number", "a ligação já tem outro hidrômetro instalado"),
        (4, "account_number", "matrícula inexistente ou sem ligação de água"),
        (7, "account_number", "dois hidrômetros para a mesma ligação no arquivo"),
    ]
    assert (report.ok, report.rejected, report.created, report.updated, report.details) == (
        False,
        4,
        0,
        0,
        {},
    )
    assert _written() == written
    # an installed meter named without its account number would leave its connection: refused too
    report = import_meters(actor=ACTOR, data=meters(meter("A1"), meter("A2")), today=TODAY)
    assert [(e.line, e.field, e.reason) for e in report.errors] == [
        (2, "number", "hidrômetro já instalado em outra ligação")
    ]
    assert _written() == written


def test_a_file_larger_than_a_lookup_chunk_reads_what_is_held_whole_and_judges_the_same(registry) -> None:
    from modules.legacy.services.meters import CHUNK

    stock = [meter(f"S{i:06d}") for i in range(CHUNK + 1)]
    first = import_meters(actor=ACTOR, data=meters(meter("A1", registry[0]), *stock), today=TODAY)
    assert (first.ok, first.created, first.details) == (True, CHUNK + 2, {"installations_created": 1})

    moved = meters(meter("A1", registry[1]), *stock)
    refused = import_meters(actor=ACTOR, data=moved, today=TODAY)
    assert [(e.line, e.field, e.reason) for e in refused.errors] == [
        (2, "number", "hidrômetro já instalado em outra ligação")
    ]

    stock[7] = meter("S000007", model="S230")
    again = import_meters(actor=ACTOR, data=meters(meter("A1", registry[0]), *stock), today=TODAY)
    assert (again.ok, again.created, again.updated, again.unchanged) == (True, 0, 1, CHUNK + 1)
    assert Meter.objects.get(number="S000007").model == "S230"
    assert Installation.objects.count() == 1
