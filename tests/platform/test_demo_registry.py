"""The demo generator's shape: realistic name variety, a meter park that is mostly within validity, and
each demo utility's registry in its own town."""

from __future__ import annotations

import datetime as dt

import pytest

from modules.metering.domain.meters import validity_end
from saas.demo.registry import TOWNS, build_csvs, seed_demo_registry
from saas.demo.utilities import DEMO_UTILITIES

TODAY = dt.date(2026, 3, 10)


def test_meters_are_mostly_within_validity_whatever_the_date() -> None:
    for today in (TODAY, dt.date(2031, 7, 1)):
        _, _, meters = build_csvs(3000, today=today)
        rows = [line.split(";") for line in meters.splitlines()[1:]]
        calibrated = [dt.date.fromisoformat(r[7]) for r in rows]
        installed = [dt.date.fromisoformat(r[9]) for r in rows]
        assert all(c < i <= today for c, i in zip(calibrated, installed, strict=True))
        due = sum(validity_end(c) <= today + dt.timedelta(days=90) for c in calibrated) / len(rows)
        assert 0.10 <= due <= 0.22, due


def test_names_vary_but_common_ones_are_common() -> None:
    customers, _, _ = build_csvs(3000, today=TODAY)
    names = [line.split(";")[1] for line in customers.splitlines()[1:]]
    assert len(set(names)) > 0.9 * len(names)
    given = {n.split()[0] for n in names if not n.endswith("Ltda")}
    assert len(given) > 100
    assert sum(n.startswith("Maria ") for n in names) > 3 * sum(n.startswith("Zuleide ") for n in names) + 20


def test_the_data_set_does_not_move_with_the_date_except_meter_dates() -> None:
    a = build_csvs(500, today=TODAY)
    b = build_csvs(500, today=TODAY + dt.timedelta(days=400))
    assert a[:2] == b[:2]
    serial = [line.split(";")[0] + line.split(";")[8] for line in a[2].splitlines()]
    assert serial == [line.split(";")[0] + line.split(";")[8] for line in b[2].splitlines()]


# CEP ranges of the Correios: Mato Grosso 78000-000 to 78899-999, São Paulo 01000-000 to 19999-999;
# Querência has one CEP, Sorocaba's streets lie in 18000-000 to 18109-999.
TOWN_CEPS = {"querencia": ("MT", 78643000, 78643000), "sorocaba": ("SP", 18000000, 18109999)}
STATE_CEPS = {"MT": (78000000, 78899999), "SP": (1000000, 19999999)}
AREA_CODES = {"querencia": "66", "sorocaba": "15"}


def _rows(text: str) -> list[dict[str, str]]:
    header, *lines = text.splitlines()
    return [dict(zip(header.split(";"), line.split(";"), strict=True)) for line in lines]


@pytest.mark.parametrize("schema", [spec["schema"] for spec in DEMO_UTILITIES])
def test_each_demo_utility_has_a_registry_of_its_own_town(schema: str) -> None:
    """An SP utility printed a Mato Grosso CEP: Sorocaba's registry was Querência's."""
    spec = next(s for s in DEMO_UTILITIES if s["schema"] == schema)
    town = TOWNS[schema]
    assert (town.city, town.state) == (spec["city"], spec["state"])
    state, low, high = TOWN_CEPS[schema]
    assert state == spec["state"]
    customers, properties, _ = build_csvs(600, today=TODAY, town=town)
    props = _rows(properties)
    for row in props:
        assert low <= int(row["cep"]) <= high, row
        assert STATE_CEPS[state][0] <= int(row["cep"]) <= STATE_CEPS[state][1]
    for row in _rows(customers):
        assert low <= int(row["mail_cep"]) <= high, row
        assert row["phone"].startswith(f"({AREA_CODES[schema]}) 9"), row
    # the map: Querência lies near 12.6° S 52.2° W, Sorocaba near 23.5° S 47.45° W
    lat, lon = town.north_west
    assert all(
        lat - 0.06 < float(r["latitude"]) <= lat and lon - 0.06 < float(r["longitude"]) <= lon for r in props
    )
    assert len({r["street"] for r in props}) == 25
    assert len({r["neighbourhood"] for r in props}) == 2  # 400 properties a neighbourhood


def test_the_two_towns_share_accounts_and_holders_but_not_streets_nor_people() -> None:
    """The main stream is the same (the README's demo citizen signs in to either utility), the
    places and the people's names are each town's own."""
    q_customers, q_props, q_meters = build_csvs(600, today=TODAY, town=TOWNS["querencia"])
    s_customers, s_props, s_meters = build_csvs(600, today=TODAY, town=TOWNS["sorocaba"])
    same = ("account_number", "inscription", "categories", "holder_cpf_cnpj", "billing_group", "route")
    q, s = _rows(q_props), _rows(s_props)
    assert [[r[k] for k in same] for r in q] == [[r[k] for k in same] for r in s]
    assert q_meters == s_meters
    assert not {r["street"] for r in q} & {r["street"] for r in s} - {"XV de Novembro", "São Paulo"}
    assert not {r["neighbourhood"] for r in q} - {"Centro"} & {r["neighbourhood"] for r in s}
    q_names = [r["name"] for r in _rows(q_customers)]
    s_names = [r["name"] for r in _rows(s_customers)]
    assert [r["cpf_cnpj"] for r in _rows(q_customers)] == [r["cpf_cnpj"] for r in _rows(s_customers)]
    assert sum(a == b for a, b in zip(q_names, s_names, strict=True)) < len(q_names) // 50


def test_sorocaba_seeds_addresses_of_sao_paulo(tenant_alpha) -> None:
    from modules.registry.models import Customer, Property

    reports = seed_demo_registry(40, today=TODAY, town=TOWNS["sorocaba"])
    assert all(r.ok for r in reports), [r.errors for r in reports]
    ceps = set(Property.objects.values_list("cep", flat=True))
    assert ceps and all(18000000 <= int(c) <= 18109999 for c in ceps), ceps
    assert set(Property.objects.values_list("street__name", flat=True)) <= {
        name for _, name, _ in TOWNS["sorocaba"].streets
    }
    assert not Customer.objects.filter(mail_cep__startswith="78").exists()
    again = seed_demo_registry(40, today=TODAY, town=TOWNS["sorocaba"])
    assert [(r.created, r.updated) for r in again] == [(0, 0)] * 3


def test_sorocaba_has_its_seven_categories_and_querencia_its_four(tenant_alpha) -> None:
    """Seed 002 §14.1: residencial, comercial, industrial, pública and three associações; the tariff
    of the demo prices every one of them."""
    from modules.registry.models import Category
    from saas.demo.billing import querencia_tariff, sorocaba_tariff

    seed_demo_registry(5, today=TODAY, town=TOWNS["sorocaba"])
    assert list(Category.objects.values_list("code", "name")) == [
        ("ASB", "Associação Beneficente"), ("ASE", "Associação Especial"), ("ASS", "Associação"),
        ("COM", "Comercial"), ("IND", "Industrial"), ("PUB", "Pública"), ("RES", "Residencial"),
    ]  # fmt: skip
    seed_demo_registry(5, today=TODAY, town=TOWNS["sorocaba"])  # idempotent
    assert Category.objects.count() == 7
    priced = {c["code"].split("/")[0] for c in sorocaba_tariff()["categories"]}
    assert priced == set(Category.objects.values_list("code", flat=True))
    assert {c["code"] for c in querencia_tariff()["categories"]} == {"RES", "COM", "IND", "PUB"}
    assert TOWNS["querencia"].categories == ()


def test_querencias_demo_tariff_splits_mixed_consumption_equally() -> None:
    """Seed 001 3.2.7.8.7: two or more categories share the consumption equally (Sorocaba bills by
    economias, the default)."""
    from saas.demo.billing import querencia_tariff, sorocaba_tariff

    assert querencia_tariff()["category_split"] == "equal"
    assert "category_split" not in sorocaba_tariff()
