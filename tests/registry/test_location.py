"""A unit's location and its inscription with check digits (seed 002 S8.3-03, seed 001 3.2.13.10.8),
the reading sequence derived from quadra and lote (seed 002 S8.3-02) and the building data of
3.2.13.10.10, through the services, the staff API and the staff pages, on real PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection

from modules.access.models import Profile
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.legacy.services.properties import import_properties
from modules.registry import selectors
from modules.registry.domain.account_number import format_account_number
from modules.registry.models import BillingGroup, Block, Locality, Property, Route, Sector
from modules.registry.services.location import route_resequence
from modules.registry.services.properties import property_update
from tests.conftest import bearer, make_user
from tests.registry import factories as f

PASSWORD = "Senha-forte-123"
JSON = "application/json"


@pytest.fixture
def api(tenant_alpha, alpha_client) -> tuple[Any, dict[str, str]]:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return alpha_client, bearer(alpha_client, "chefe", PASSWORD)


@pytest.fixture
def page(tenant_alpha, alpha_client) -> Any:
    user = make_user("alpha", "gestora", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Atendente"), Profile.objects.get(name="Gestor"))
    alpha_client.force_login(user)
    return alpha_client


def _route(code: int = 1) -> Route:
    group, _ = BillingGroup.objects.get_or_create(code=90 + code, defaults={"name": f"Grupo {90 + code}"})
    return Route.objects.create(group=group, code=code, name=f"Rota {code}")


# --- S8.3-03: the inscription carries its two check digits -------------------------------------


@pytest.mark.usefixtures("tenant_alpha")
def test_a_property_stores_its_inscription_with_check_digits_and_prefix_search_still_finds_it() -> None:
    p = f.prop(locality=1, sector=2, block=34, lot=56)
    assert p.inscription == "001.002.0034.0056.000-95"  # hand-worked in tests/registry/domain
    other_sector = f.prop(locality=1, sector=3, block=34, lot=56)
    found = {x.pk for x in selectors.search_properties("001.002").results}
    assert p.pk in found and other_sector.pk not in found
    assert [x.pk for x in selectors.search_properties("1.2.34.56.0").results] == [p.pk]
    assert [x.pk for x in selectors.search_properties("001.002.0034.0056.000-95").results] == [p.pk]


@pytest.mark.usefixtures("tenant_alpha")
def test_the_data_migration_recomputes_existing_rows() -> None:
    import importlib

    p = f.prop(locality=1, sector=1, block=0, lot=0)
    Property.objects.filter(pk=p.pk).update(inscription="001.001.0000.0000.000")  # as stored before 0007
    migration = importlib.import_module("modules.registry.migrations.0007_location")
    migration.add_check_digits(django_apps, None)
    p.refresh_from_db()
    assert p.inscription == "001.001.0000.0000.000-74"


def test_the_api_accepts_a_typed_inscription_with_or_without_check_digits(api) -> None:
    client, headers = api
    street, hood = f.street("Mato Grosso"), f.neighbourhood("Centro")
    body = {"street": street.pk, "neighbourhood": hood.pk, "number": "77",
            "categories": [{"category": "RES", "economies": 1}]}  # fmt: skip
    wrong = client.post(
        "/api/v1/properties", body | {"inscription": "001.002.0034.0056.000-59"}, content_type=JSON, **headers
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "inscription"
    assert "dígitos verificadores 59 não conferem" in wrong.json()["detail"]
    assert not Property.objects.exists()
    with_dv = client.post(
        "/api/v1/properties", body | {"inscription": "001.002.0034.0056.000-95"}, content_type=JSON, **headers
    )
    assert with_dv.status_code == 201, with_dv.content
    assert with_dv.json()["inscription"] == "001.002.0034.0056.000-95"
    without = client.post(
        "/api/v1/properties", body | {"inscription": "1.1.0.0"}, content_type=JSON, **headers
    )
    assert without.status_code == 201 and without.json()["inscription"] == "001.001.0000.0000.000-74"
    parts = client.post(
        "/api/v1/properties",
        body | {"locality": 1, "sector": 2, "block": 30, "lot": 7},
        content_type=JSON,
        **headers,
    )
    assert parts.status_code == 201 and parts.json()["inscription"] == "001.002.0030.0007.000-30"
    route = _route(5)
    routed_body = body | {"inscription": "1.5.5.6", "billing_group": route.group.pk, "route": route.pk}
    routed = client.post("/api/v1/properties", routed_body, content_type=JSON, **headers)
    assert routed.status_code == 201, routed.content
    assert (routed.json()["route"], routed.json()["route_sequence"]) == (route.pk, 10)  # derived
    no_route = client.post("/api/v1/properties", body | {"inscription": "1.5.5.5", "route": 10**12},
                           content_type=JSON, **headers)  # fmt: skip
    assert no_route.status_code == 400 and no_route.json()["field"] == "route"
    neither = client.post("/api/v1/properties", body, content_type=JSON, **headers)
    assert neither.status_code == 400 and neither.json()["field"] == "inscription"


def test_the_page_accepts_a_typed_inscription_and_refuses_a_wrong_check_digit(page) -> None:
    street, hood = f.street("Brasil", "Avenida"), f.neighbourhood("Centro")
    form = {"street": street.pk, "neighbourhood": hood.pk, "number": "10", "cat_RES": "1"}
    wrong = page.post("/cadastro/imoveis/novo/", form | {"inscription": "1.2.34.56.0-11"})
    assert wrong.status_code == 200 and not Property.objects.exists()
    assert "dígitos verificadores 11 não conferem (o correto é 95)" in wrong.content.decode()
    ok = page.post("/cadastro/imoveis/novo/", form | {"inscription": "1.2.34.56.0-95"})
    assert ok.status_code == 302
    assert Property.objects.get().inscription == "001.002.0034.0056.000-95"
    typed_without = page.post("/cadastro/imoveis/novo/", form | {"inscription": "1.2.30.7"})
    assert typed_without.status_code == 302
    assert Property.objects.filter(inscription="001.002.0030.0007.000-30").exists()


@pytest.mark.usefixtures("tenant_alpha")
def test_the_legacy_importer_checks_the_check_digits_it_is_given() -> None:
    header = "account_number;inscription;street;number;neighbourhood;categories"
    good = f"{format_account_number(5001)};001.002.0034.0056.000-95;Rua A;1;Centro;RES:1"
    bad = f"{format_account_number(5002)};001.002.0030.0007.000-31;Rua A;2;Centro;RES:1"
    refused = import_properties(actor=f.ACTOR, data="\n".join([header, good, bad]) + "\n", today=f.TODAY)
    assert not refused.ok and [(e.line, e.field) for e in refused.errors] == [(3, "inscription")]
    assert not Property.objects.exists()
    plain = f"{format_account_number(5002)};1.2.30.7.0;Rua A;2;Centro;RES:1"
    report = import_properties(actor=f.ACTOR, data="\n".join([header, good, plain]) + "\n", today=f.TODAY)
    assert report.ok, report.errors
    assert sorted(Property.objects.values_list("inscription", flat=True)) == [
        "001.002.0030.0007.000-30",
        "001.002.0034.0056.000-95",
    ]


# --- 3.2.13.10.8: update the location ------------------------------------------------------------


def test_location_update_from_the_api_recomputes_the_inscription_and_refuses_a_taken_place(api) -> None:
    client, headers = api
    city_locality = Locality.objects.filter(code=1).first()
    p = f.prop(locality=1, sector=2, block=30, lot=1)
    neighbour = f.prop(locality=1, sector=2, block=30, lot=7)
    url = f"/api/v1/properties/{p.pk}/location"
    moved = client.put(url, {"sector": 2, "locality": 1, "block": 34, "lot": 56, "reason": "Recadastramento"},
                       content_type=JSON, **headers)  # fmt: skip
    assert moved.status_code == 200, moved.content
    assert moved.json()["inscription"] == "001.002.0034.0056.000-95" and moved.json()["same_lot"] == []
    p.refresh_from_db()
    assert (p.block, p.lot, p.inscription) == (34, 56, "001.002.0034.0056.000-95")
    entry = AuditEntry.objects.get(action="registry.property_location", object_id=str(p.pk))
    assert entry.before["inscription"] == "001.002.0030.0001.000-91"
    assert entry.after["inscription"] == "001.002.0034.0056.000-95" and entry.reason == "Recadastramento"
    taken = client.put(url, {"inscription": "001.002.0030.0007.000-30"}, content_type=JSON, **headers)
    assert taken.status_code == 409
    body = taken.json()
    assert (body["code"], body["field"], body["account_number"]) == (
        "location_taken", "inscription", neighbour.account_number,
    )  # fmt: skip
    assert neighbour.account_number in body["detail"]
    p.refresh_from_db()
    assert p.inscription == "001.002.0034.0056.000-95"  # nothing changed
    assert AuditEntry.objects.filter(action="registry.property_location").count() == 1
    wrong_dv = client.put(url, {"inscription": "001.002.0030.0008.000-00"}, content_type=JSON, **headers)
    assert wrong_dv.status_code == 400 and wrong_dv.json()["field"] == "inscription"
    assert city_locality is None or p.locality_ref_id == city_locality.pk
    too_long = client.put(url, {"locality": 1, "sector": 2, "block": 30, "lot": 10**12}, content_type=JSON,
                          **headers)  # fmt: skip
    assert too_long.status_code == 400 and too_long.json()["field"] == "lote"


def test_location_update_relinks_the_registered_sector_and_block(api) -> None:
    client, headers = api
    locality = Locality.objects.get(code=1) if Locality.objects.filter(code=1).exists() else None
    if locality is None:
        from modules.registry.models import City

        locality = Locality.objects.create(city=City.objects.order_by("id").first(), code=1, name="Sede")
    sector = Sector.objects.create(locality=locality, code=9, name="Vila Nova")
    block = Block.objects.create(sector=sector, code=12)
    p = f.prop(locality=1, sector=2, block=30, lot=3)
    ok = client.put(f"/api/v1/properties/{p.pk}/location", {"inscription": "1.9.12.4"}, content_type=JSON,
                    **headers)  # fmt: skip
    assert ok.status_code == 200, ok.content
    p.refresh_from_db()
    assert (p.locality_ref_id, p.sector_ref_id, p.block_ref_id) == (locality.pk, sector.pk, block.pk)


def test_location_update_from_the_page_names_the_unit_already_there(page) -> None:
    p = f.prop(locality=1, sector=2, block=30, lot=11)
    neighbour = f.prop(locality=1, sector=2, block=30, lot=12)
    url = f"/cadastro/imoveis/{p.pk}/localizacao/alterar/"
    assert "alterar localização" in page.get(f"/cadastro/imoveis/{p.pk}/").content.decode()
    assert page.get(url).status_code == 200
    taken = page.post(url, {"locality": 1, "sector": 2, "block": 30, "lot": 12, "reason": "x"})
    assert taken.status_code == 409
    assert f"matrícula {neighbour.account_number}" in taken.content.decode()
    moved = page.post(url, {"inscription": "1.2.30.12.1", "reason": "Desmembramento"})
    assert moved.status_code == 302
    p.refresh_from_db()
    assert (p.lot, p.sublot) == (12, 1) and p.inscription.startswith("001.002.0030.0012.001-")
    shown = page.get(f"/cadastro/imoveis/{p.pk}/").content.decode()
    assert f"no mesmo lote também estão as matrículas {neighbour.account_number}" in shown


# --- S8.3-02: reading sequence from quadra and lote ----------------------------------------------


@pytest.mark.usefixtures("tenant_alpha")
def test_two_connections_differing_only_by_complement_get_different_sequences() -> None:
    route = _route()
    street = f.street("das Palmeiras")
    common = {"street": street, "locality": 1, "sector": 2, "block": 5, "number": "100",
              "billing_group": route.group, "route": route}  # fmt: skip
    casa_b = f.prop(lot=8, complement="Casa B", sublot=2, **common)
    casa_a = f.prop(lot=8, complement="Casa A", sublot=1, **common)
    assert casa_b.route_sequence == 10  # the first of the route: one step
    # Casa A reads before Casa B: halfway between the start and Casa B's 10
    assert casa_a.route_sequence == 5 and casa_a.route_sequence != casa_b.route_sequence
    later_lot = f.prop(lot=9, **common)
    assert later_lot.route_sequence == 20  # after the last: one more step
    changed = route_resequence(actor=f.ACTOR, route=route, step=10, reason="teste")
    order = list(
        Property.objects.filter(route=route).order_by("route_sequence").values_list("pk", "route_sequence")
    )
    assert order == [(casa_a.pk, 10), (casa_b.pk, 20), (later_lot.pk, 30)]
    assert changed == {casa_a.account_number: (5, 10), casa_b.account_number: (10, 20),
                       later_lot.account_number: (20, 30)}  # fmt: skip
    entry = AuditEntry.objects.get(action="registry.route_resequence")
    assert entry.after == {"step": 10, "sequences": {casa_a.account_number: 10, casa_b.account_number: 20,
                                                      later_lot.account_number: 30}}  # fmt: skip


@pytest.mark.usefixtures("tenant_alpha")
def test_without_a_free_number_between_neighbours_the_route_is_re_sequenced() -> None:
    route = _route()
    street = f.street("das Acácias")
    common = {"street": street, "locality": 1, "sector": 2, "block": 5, "billing_group": route.group,
              "route": route}  # fmt: skip
    first = f.prop(lot=1, route_sequence=1, **common)
    third = f.prop(lot=3, route_sequence=2, **common)
    second = f.prop(lot=2, **common)  # between 1 and 2: no number left, so the route is renumbered
    seqs = dict(Property.objects.filter(route=route).values_list("pk", "route_sequence"))
    assert seqs == {first.pk: 10, second.pk: 20, third.pk: 30}
    typed = f.prop(lot=4, route_sequence=7, **common)
    assert typed.route_sequence == 7  # a typed sequence is kept


def test_re_sequencing_from_the_api_and_the_page(api, page) -> None:
    client, headers = api
    route = _route(2)
    street = f.street("XV de Novembro")
    units = [
        f.prop(street=street, block=b, lot=lot, sublot=sub, number=n, billing_group=route.group, route=route,
               route_sequence=seq)
        for b, lot, sub, n, seq in ((2, 1, 0, "10", 1), (1, 5, 0, "8", 2), (1, 5, 1, "6", 3))
    ]  # fmt: skip
    refused = client.post(f"/api/v1/routes/{route.pk}/resequence", {"step": 0}, content_type=JSON, **headers)
    assert refused.status_code == 400
    done = client.post(f"/api/v1/routes/{route.pk}/resequence", {"step": 5}, content_type=JSON, **headers)
    assert done.status_code == 200, done.content
    assert (done.json()["step"], done.json()["units"]) == (5, 3)
    seqs = dict(Property.objects.filter(route=route).values_list("pk", "route_sequence"))
    assert seqs == {units[2].pk: 5, units[1].pk: 10, units[0].pk: 15}  # block 1 lot 5 nº 6, nº 8, block 2
    url = f"/cadastro/rotas/{route.pk}/resequenciar/"
    assert (
        "Re-sequenciar pela quadra e lote"
        in page.get(f"/cadastro/tabelas/rotas/{route.pk}/").content.decode()
    )
    assert page.get(url).status_code == 200
    assert page.post(url, {"step": "100"}).status_code == 302
    seqs = dict(Property.objects.filter(route=route).values_list("pk", "route_sequence"))
    assert seqs == {units[2].pk: 100, units[1].pk: 200, units[0].pk: 300}


# --- 3.2.13.10.10: the eight building fields -----------------------------------------------------


def test_building_data_from_the_api_are_validated_and_historised(api) -> None:
    client, headers = api
    p = f.prop()
    url = f"/api/v1/properties/{p.pk}"
    body = {"municipal_registration": "01.02.0345.0001", "building_status": "built", "built_area": "98.40",
            "residents": 4, "has_own_source": True, "street_paving": "asphalt",
            "sidewalk_paving": "interlocking", "has_water_tank": True, "has_cistern": True}  # fmt: skip
    ok = client.patch(url, body, content_type=JSON, **headers)
    assert ok.status_code == 200, ok.content
    out = ok.json()
    assert {k: out[k] for k in body} == body
    entry = AuditEntry.objects.filter(action="registry.property_update", object_id=str(p.pk)).latest("id")
    assert (entry.before["building_status"], entry.after["building_status"]) == ("", "built")
    assert (entry.before["street_paving"], entry.after["street_paving"]) == ("", "asphalt")
    assert (entry.before["sidewalk_paving"], entry.after["sidewalk_paving"]) == ("", "interlocking")
    assert (entry.before["residents"], entry.after["residents"]) == (None, 4)
    bad = client.patch(url, {"street_paving": "ouro"}, content_type=JSON, **headers)
    assert bad.status_code == 400 and "street_paving" in bad.json()["errors"]
    negative = client.patch(url, {"built_area": "-1"}, content_type=JSON, **headers)
    assert negative.status_code == 400 and negative.json()["field"] == "built_area"
    p.refresh_from_db()
    assert (p.street_paving, p.built_area) == ("asphalt", Decimal("98.40"))


@pytest.mark.usefixtures("tenant_alpha")
def test_the_service_refuses_an_unknown_building_status_naming_the_field() -> None:
    p = f.prop()
    with pytest.raises(ValidationFailed) as err:
        property_update(actor=f.ACTOR, prop=p, building_status="castelo")
    assert err.value.field == "building_status" and "situação da edificação" in err.value.message


def test_building_data_from_the_staff_page(page) -> None:
    p = f.prop()
    url = f"/servicos/atendimento/imovel/{p.pk}/cadastro/"
    form = page.get(url).content.decode()
    assert "Situação da edificação" in form and "Pavimento da calçada" in form
    saved = page.post(url, {"op": "data", "building_status": "under_construction", "street_paving": "dirt",
                            "sidewalk_paving": "none", "residents": "3", "built_area": "40"})  # fmt: skip
    assert saved.status_code == 302
    p.refresh_from_db()
    assert (p.building_status, p.street_paving, p.sidewalk_paving, p.residents) == (
        "under_construction", "dirt", "none", 3,
    )  # fmt: skip
    shown = page.get(f"/cadastro/imoveis/{p.pk}/").content.decode()
    assert "Em construção" in shown and "Sem pavimento (terra)" in shown and "Sem calçada" in shown
    assert connection.schema_name == "alpha"
