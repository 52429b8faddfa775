"""The simulation API reproduces every worked example of seed 002 part 2 §3; tariff versions travel as
JSON (create a draft, read it back, approve it); bad tariffs are refused with the field at fault."""

from __future__ import annotations

from typing import Any

import pytest

from tests.billing.factories import sorocaba_tariff_json
from tests.billing.worked_vectors import VECTORS_14_1, VECTORS_14_7
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db(transaction=False)

TARIFF_14_1 = {
    "act": "Ato §14.1",
    "valid_from": "2013-01-01",
    "rounding": "truncate",
    "sewer_rounding": "per_band",
    "categories": [
        {
            "code": "RES",
            "name": "Residencial",
            "minimum_m3_per_unit": 0,
            "sewer_percent": "92.5",
            "bands": [
                {"from_m3": 0, "to_m3": 10, "price": "2.00"},
                {"from_m3": 11, "to_m3": 15, "price": "3.00"},
                {"from_m3": 16, "to_m3": 20, "price": "4.00"},
            ],
            "fixed_charges": [],
        },
    ],
}


@pytest.fixture
def api(alpha_client: Any) -> Any:
    make_user("alpha", "faturista", is_admin=True)
    headers = bearer(alpha_client, "faturista", "Senha-forte-123")

    class Api:
        def post(self, path: str, body: Any) -> Any:
            return alpha_client.post(path, body, content_type="application/json", **headers)

        def get(self, path: str) -> Any:
            return alpha_client.get(path, **headers)

    return Api()


def _draft(api: Any, data: dict[str, Any]) -> int:
    response = api.post("/api/v1/billing/tariffs", data)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def _simulate(api: Any, **body: Any) -> dict[str, Any]:
    response = api.post("/api/v1/billing/simulate", body)
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_example_1_cascade_water_only(api: Any) -> None:
    tariff = _draft(api, TARIFF_14_1)
    out = _simulate(api, tariff=tariff, category="RES", dwelling_units=1, consumption_m3=16, service="water")
    assert (out["water"], out["sewer"], out["total"]) == ("39.00", "0.00", "39.00")
    assert [(line["band"], line["volume_m3"], line["water"]) for line in out["lines"]] == [
        (1, 10, "20.00"),
        (2, 5, "15.00"),
        (3, 1, "4.00"),
    ]


def test_example_2_sewer_92_5_truncated(api: Any) -> None:
    tariff = _draft(api, TARIFF_14_1)
    out = _simulate(api, tariff=tariff, category="RES", dwelling_units=1, consumption_m3=16)
    assert (out["water"], out["sewer"], out["total"]) == ("39.00", "36.07", "75.07")
    assert [line["sewer"] for line in out["lines"]] == ["18.50", "13.87", "3.70"]


def test_example_3_tabela_14_1(api: Any) -> None:
    tariff = _draft(api, sorocaba_tariff_json())
    out = _simulate(api, tariff=tariff, category="RES", dwelling_units=8, consumption_m3=94)
    assert (out["water"], out["sewer"], out["total"]) == ("108.14", "100.02", "208.16")
    assert [(x["capacity_m3"], x["volume_m3"], x["water"], x["sewer"]) for x in out["lines"]] == [
        (80, 80, "85.60", "79.18"),
        (40, 14, "22.54", "20.84"),
    ]


def test_example_4_tabela_14_2(api: Any) -> None:
    tariff = _draft(api, sorocaba_tariff_json())
    out = _simulate(api, tariff=tariff, category="RES", dwelling_units=12, consumption_m3=268)
    assert (out["water"], out["sewer"], out["total"]) == ("459.16", "424.71", "883.87")
    assert [x["sewer"] for x in out["lines"]] == ["118.77", "89.35", "129.31", "87.28"]


def test_example_4_per_bill_rounding_gives_424_72(api: Any) -> None:
    tariff = _draft(api, sorocaba_tariff_json(sewer_rounding="per_bill"))
    out = _simulate(api, tariff=tariff, category="RES", dwelling_units=12, consumption_m3=268)
    assert (out["sewer"], out["total"]) == ("424.72", "883.88")


@pytest.mark.parametrize(
    ("m3", "water", "sewer", "total"),
    VECTORS_14_1,
)
def test_derived_vectors_14_1(api: Any, m3: int, water: str, sewer: str, total: str) -> None:
    tariff = _draft(api, TARIFF_14_1)
    out = _simulate(api, tariff=tariff, category="RES", dwelling_units=1, consumption_m3=m3)
    assert (out["water"], out["sewer"], out["total"]) == (water, sewer, total)


@pytest.mark.parametrize(
    ("units", "m3", "water", "sewer", "total"),
    VECTORS_14_7,
)
def test_derived_vectors_14_7(api: Any, units: int, m3: int, water: str, sewer: str, total: str) -> None:
    tariff = _draft(api, sorocaba_tariff_json())
    out = _simulate(api, tariff=tariff, category="RES", dwelling_units=units, consumption_m3=m3)
    assert (out["water"], out["sewer"], out["total"]) == (water, sewer, total)


def test_above_last_band_is_a_clear_error(api: Any) -> None:
    tariff = _draft(api, TARIFF_14_1)
    response = api.post(
        "/api/v1/billing/simulate", {"tariff": tariff, "category": "RES", "consumption_m3": 21}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "consumption_above_last_band"
    assert "excede a última faixa" in response.json()["detail"]


def test_list_form_for_mixed_categories(api: Any) -> None:
    tariff = _draft(api, sorocaba_tariff_json())
    out = _simulate(
        api,
        tariff=tariff,
        consumption_m3=30,
        categories=[{"category": "RES", "dwelling_units": 2}, {"category": "COM", "dwelling_units": 1}],
    )
    assert {line["category"] for line in out["lines"]} == {"RES", "COM"}
    assert out["total"] == format(
        sum(__import__("decimal").Decimal(c["total"]) for c in out["categories"]), "f"
    )


def test_tariff_roundtrip_and_approval_by_reference(api: Any) -> None:
    data = sorocaba_tariff_json()
    tariff = _draft(api, data)
    body = api.get(f"/api/v1/billing/tariffs/{tariff}").json()
    assert body["act"] == data["act"] and body["status"] == "draft"
    assert body["categories"][0]["bands"] == data["categories"][0]["bands"]
    assert body["categories"][1]["fixed_charges"][0]["amount"] == "5.00"
    # no approved tariff yet: simulating by reference finds none
    missing = api.post(
        "/api/v1/billing/simulate", {"category": "RES", "consumption_m3": 10, "reference": "2025-01"}
    )
    assert missing.status_code == 404 and missing.json()["code"] == "no_tariff_in_force"
    approved = api.post(f"/api/v1/billing/tariffs/{tariff}/approve", {})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    out = _simulate(api, category="RES", dwelling_units=1, consumption_m3=10, reference="2025-01")
    assert out["total"] == "20.59"
    again = api.post(f"/api/v1/billing/tariffs/{tariff}/approve", {})
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("bands", "field", "word"),
    [
        (
            [{"from_m3": 0, "to_m3": 10, "price": "1"}, {"from_m3": 12, "to_m3": None, "price": "2"}],
            "categories[0].bands[1].from_m3",
            "lacuna",
        ),
        (
            [{"from_m3": 0, "to_m3": 10, "price": "1"}, {"from_m3": 9, "to_m3": None, "price": "2"}],
            "categories[0].bands[1].from_m3",
            "sobreposição",
        ),
        ([{"from_m3": 0, "to_m3": 10, "price": 1.5}], "categories[0].bands[0].price", "float"),
    ],
)
def test_bad_tariffs_are_refused_with_the_field(api: Any, bands: list[Any], field: str, word: str) -> None:
    data = sorocaba_tariff_json()
    data["categories"][0]["bands"] = bands
    response = api.post("/api/v1/billing/tariffs", data)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "tariff_invalid"
    assert field in body["errors"] and word in " ".join(body["errors"][field])
    assert api.get("/api/v1/billing/tariffs").json() == []


# --- h-bill (issue #17): the five service types, exceptions and dependents in the simulation -------

TARIFF_TEE = {
    **TARIFF_14_1,
    "act": "Ato TEE",
    "categories": [
        {
            **TARIFF_14_1["categories"][0],
            "special_sewer_amount": "15.00",
            "solid_waste_amount": "7.50",
            "bands": [
                {"from_m3": 0, "to_m3": 10, "price": "2.00"},
                {"from_m3": 11, "to_m3": None, "price": "3.00"},
            ],
        }
    ],
}


def test_simulate_each_service_type_names_the_rule_of_each_line(api: Any) -> None:
    tariff = _draft(api, TARIFF_TEE)
    out = _simulate(
        api, tariff=tariff, category="RES", consumption_m3=16, service_type="water_sewer_special_sewer"
    )
    # water 20.00 + 18.00; sewer 92.5 % per band 18.50 + 16.65; TEE 15.00; solid waste 7.50
    assert (out["service_type"], out["water"], out["sewer"], out["solid_waste"], out["total"]) == (
        "water_sewer_special_sewer",
        "38.00",
        "50.15",
        "7.50",
        "95.65",
    )
    assert [(i["amount"], i["rule"]) for i in out["items"]] == [
        ("20.00", "tariff.band"),
        ("18.00", "tariff.band"),
        ("18.50", "tariff.sewer_percent"),
        ("16.65", "tariff.sewer_percent"),
        ("15.00", "tariff.special_sewer"),
        ("7.50", "tariff.solid_waste"),
    ]
    assert [line["rule"] for line in out["lines"]] == ["tariff.band", "tariff.band"]
    tee = _simulate(api, tariff=tariff, category="RES", consumption_m3=16, service_type="special_sewer")
    assert (tee["water"], tee["sewer"], tee["total"]) == ("0.00", "15.00", "22.50")


def test_simulate_applies_exceptions_and_a_master_meters_dependents(api: Any) -> None:
    tariff = _draft(api, TARIFF_14_1)
    out = _simulate(
        api,
        tariff=tariff,
        category="RES",
        consumption_m3=16,
        exceptions=[
            {"kind": "volume_cap", "volume_m3": 12},
            {"kind": "exempt", "component": "sewer"},
            {"kind": "due_day", "day": 20},
        ],
        reference="2025-05",
    )
    # 12 m³: water 20.00 + 2 × 3.00 = 26.00; sewer exempt
    assert (out["consumption_m3"], out["billed_m3"], out["water"], out["sewer"], out["total"]) == (
        16,
        12,
        "26.00",
        "0.00",
        "26.00",
    )
    assert [i["rule"] for i in out["items"]] == [
        "tariff.band",
        "tariff.band",
        "tariff.sewer_percent+exemption",
        "tariff.sewer_percent+exemption",
        "exception.volume_cap",
    ]
    assert out["due_date"] == "2025-06-20"
    # a master meter of 20 m³ with dependents of 4 and 6 m³ bills the common area: 10 m³ = 20.00 + 18.50
    condo = _simulate(api, tariff=tariff, category="RES", consumption_m3=20, dependents=[4, 6])
    assert (condo["consumption_m3"], condo["billed_m3"], condo["total"]) == (10, 10, "38.50")
    over = _simulate(api, tariff=tariff, category="RES", consumption_m3=5, dependents=[4, 6])
    assert over["billed_m3"] == 0 and over["anomalies"][0]["code"] == "condo_dependents_exceed"


def test_simulate_refuses_bad_exceptions_naming_the_field(api: Any) -> None:
    tariff = _draft(api, TARIFF_14_1)
    missing = api.post(
        "/api/v1/billing/simulate",
        {"tariff": tariff, "category": "RES", "consumption_m3": 16, "exceptions": [{"kind": "volume_cap"}]},
    )
    assert missing.status_code == 400
    assert "volume_m3" in str(missing.json()["errors"])
    twice = api.post(
        "/api/v1/billing/simulate",
        {
            "tariff": tariff,
            "category": "RES",
            "consumption_m3": 16,
            "exceptions": [{"kind": "volume_cap", "volume_m3": 5}, {"kind": "excess_only", "volume_m3": 5}],
        },
    )
    assert twice.status_code == 400 and twice.json()["field"] == "exceptions"
    no_tee = api.post(
        "/api/v1/billing/simulate",
        {"tariff": tariff, "category": "RES", "consumption_m3": 16, "service_type": "water_special_sewer"},
    )
    assert (no_tee.status_code, no_tee.json()["code"], no_tee.json()["field"]) == (
        400,
        "special_sewer_not_in_tariff",
        "service",
    )
