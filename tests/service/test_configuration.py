"""The service section of the configuration document: alpha's codes with prices, materials, kits,
sectors and teams exported, imported into beta and exported again give the same section; bad input
is refused with its path in the document and nothing is written."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from modules.common.audit import SystemActor
from modules.common.errors import ValidationFailed
from modules.common.tenancy import tenant_context
from modules.service.configuration import SECTION
from modules.service.models import ServiceCode, ServicePrice, Team
from modules.service.services import catalog

from . import factories as f

ACTOR = SystemActor("testes")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC), tick=False):
        yield


def _alpha_catalogue() -> None:
    sector = catalog.sector_create(actor=ACTOR, name="Manutenção de redes", email="redes@alpha.example")
    f.material("TUBO20", price="12.50")
    f.material("REG01", price="48.90", unit="un")
    catalog.material_price_set(
        actor=ACTOR,
        material_id=f.Material.objects.get(code="TUBO20").pk,
        valid_from=dt.date(2026, 6, 1),
        price=Decimal("13.10"),
    )
    kit = catalog.kit_create(
        actor=ACTOR,
        code="KLIG",
        description="Kit ligação",
        items=[("TUBO20", Decimal("6")), ("REG01", Decimal("1"))],
    )
    f.code(
        "LIG01",
        sector=sector,
        kit=kit,
        max_postponements=2,
        print_layouts=["Padrão", "Campo"],
        accounting_rubric="4.1.2.01",
        min_down_payment_percent=Decimal("20"),
        charges_materials=True,
    )
    catalog.service_price_set(
        actor=ACTOR,
        code_id=ServiceCode.objects.get(code="LIG01").pk,
        valid_from=dt.date(2026, 7, 1),
        price=Decimal("38.00"),
    )
    f.code(
        "VAZ01",
        description="Vazamento",
        billing_type="not_billable",
        price=None,
        deadline_value=6,
        deadline_unit="hours",
    )
    f.team("Equipe Norte", sector=sector)
    f.team("Equipe Especial", special=True)


def test_export_import_into_beta_export_again_is_the_same(tenant_alpha) -> None:
    _alpha_catalogue()
    exported = SECTION.export()
    assert [c["code"] for c in exported["codes"]] == ["LIG01", "VAZ01"]
    assert exported["codes"][0]["prices"] == [
        {"valid_from": "2026-01-01", "price": "35.00"},
        {"valid_from": "2026-07-01", "price": "38.00"},
    ]
    assert exported["codes"][0]["kit"] == "KLIG" and exported["codes"][0]["sector"] == "Manutenção de redes"
    assert exported["teams"] == [
        {"name": "Equipe Especial", "sector": None, "special": True, "is_active": True},
        {"name": "Equipe Norte", "sector": "Manutenção de redes", "special": False, "is_active": True},
    ]
    with tenant_context("beta"):
        changes = SECTION.plan(copy.deepcopy(exported))
        assert {c.kind for c in changes} == {"add"}
        assert not ServiceCode.objects.exists()  # plan writes nothing
        from django.db import transaction

        with transaction.atomic():
            SECTION.apply(copy.deepcopy(exported), actor=ACTOR)
        assert SECTION.export() == exported
        assert SECTION.plan(copy.deepcopy(exported)) == []
        assert not Team.objects.filter(members__isnull=False).exists()  # names only, no people


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["codes"][0].update(billing_type="sometimes"), "service.codes[0].billing_type"),
        (
            lambda d: d["codes"][0].update(print_layouts=[f"L{i}" for i in range(7)]),
            "service.codes[0].print_layouts",
        ),
        (lambda d: d["codes"][0]["prices"][0].update(price=35), "service.codes[0].prices[0].price"),
        (lambda d: d["codes"][0].update(sector="Setor que não existe"), "service.codes[0].sector"),
        (lambda d: d["kits"][0]["items"][0].update(material="NAO"), "service.kits[0].items[0].material"),
        (lambda d: d["teams"].append({"name": "Equipe Norte"}), "service.teams[2].name"),
    ],
)
def test_plan_refuses_bad_input_naming_its_path(tenant_alpha, mutate, field) -> None:
    _alpha_catalogue()
    document = SECTION.export()
    mutate(document)
    with tenant_context("beta"):
        with pytest.raises(ValidationFailed) as exc:
            SECTION.plan(document)
        assert exc.value.field == field
        assert not ServiceCode.objects.exists()


def test_a_charged_price_is_not_rewritten_and_a_used_code_not_removed(tenant_alpha) -> None:
    from modules.service.services import orders
    from tests.registry import factories as reg

    _alpha_catalogue()
    team = Team.objects.get(name="Equipe Norte")
    order = orders.order_open(actor=ACTOR, code="LIG01", property_id=reg.prop().pk)
    orders.order_close(
        actor=ACTOR,
        order_id=order.pk,
        executed=True,
        executed_at=dt.datetime(2026, 4, 17, 16, tzinfo=dt.UTC),
        team_id=team.pk,
    )
    document = SECTION.export()
    document["codes"][0]["prices"][0]["price"] = "30.00"
    with pytest.raises(ValidationFailed) as exc:
        SECTION.plan(document)
    assert exc.value.field == "service.codes.LIG01.prices"
    document = SECTION.export()
    document["codes"] = [c for c in document["codes"] if c["code"] != "LIG01"]
    with pytest.raises(ValidationFailed) as exc:
        SECTION.plan(document)
    assert "desative-o" in exc.value.message
    assert ServicePrice.objects.filter(code__code="LIG01", price=Decimal("35.00")).exists()
