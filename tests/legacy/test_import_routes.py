"""The legacy import takes any group and route the utility has registered (not only the seed's
3 × 4), refuses one it has not (or has deactivated) naming the line, the field and the codes, and
links the inscription's locality, sector and block rows where the utility registered them."""

from __future__ import annotations

import pytest

from modules.legacy.services.customers import import_customers
from modules.legacy.services.properties import import_properties
from modules.registry.models import City, Property
from modules.registry.services.reference import reference_create, reference_set_active
from tests.legacy.test_import import customers_csv, properties_csv
from tests.registry.factories import ACTOR, TODAY

pytestmark = pytest.mark.usefixtures("tenant_alpha")


def _with_route(rows: list[str], line: int, group: int, route: int) -> None:
    parts = rows[line - 1].split(";")
    parts[8], parts[9] = str(group), str(route)
    rows[line - 1] = ";".join(parts)


def test_a_route_registered_in_the_utility_is_accepted() -> None:
    group = reference_create(actor=ACTOR, table="groups", data={"code": 8, "name": "Grupo 8"})
    reference_create(actor=ACTOR, table="routes", data={"group": group.pk, "code": 17, "name": "Rota 17"})
    city = City.objects.order_by("id").first()
    assert city is not None
    locality = reference_create(
        actor=ACTOR, table="localities", data={"city": city.pk, "code": 1, "name": "Sede"}
    )
    sector = reference_create(
        actor=ACTOR, table="sectors", data={"locality": locality.pk, "code": 1, "name": "1"}
    )
    import_customers(actor=ACTOR, data=customers_csv(10), today=TODAY)
    rows = properties_csv(10).splitlines()
    _with_route(rows, 3, 8, 17)
    report = import_properties(actor=ACTOR, data="\n".join(rows) + "\n", today=TODAY)
    assert report.ok, report.errors
    prop = Property.objects.get(route__group__code=8)
    assert (prop.route.code, prop.billing_group.code) == (17, 8)
    assert set(Property.objects.values_list("locality_ref_id", "sector_ref_id", "block_ref_id")) == {
        (locality.pk, sector.pk, None)
    }


def test_an_unknown_or_deactivated_route_is_refused_naming_line_field_and_codes() -> None:
    from modules.registry.models import Route

    reference_set_active(
        actor=ACTOR, table="routes", pk=Route.objects.get(group__code=2, code=3).pk, active=False
    )
    import_customers(actor=ACTOR, data=customers_csv(10), today=TODAY)
    rows = properties_csv(10).splitlines()
    _with_route(rows, 3, 1, 9)
    _with_route(rows, 5, 9, 1)
    _with_route(rows, 7, 2, 3)
    report = import_properties(actor=ACTOR, data="\n".join(rows) + "\n", today=TODAY)
    assert not report.ok
    assert [(e.line, e.field, e.reason) for e in report.errors] == [
        (3, "route", "rota 9 não cadastrada no grupo 1"),
        (5, "billing_group", "grupo de faturamento 9 não cadastrado"),
        (7, "route", "rota 3 do grupo 2 está desativada"),
    ]
    assert Property.objects.count() == 0
