"""The registry's section of the configuration document: export from alpha, import into beta,
export again gives the same section; plan refuses bad input naming the document path and writes
nothing; a row the document leaves out is removed only when nothing uses it."""

from __future__ import annotations

import copy

import pytest
from django.db import connection, transaction

from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.registry.configuration import SECTION
from modules.registry.models import BillingGroup, Category, City, Route, Street
from modules.registry.services.reference import (
    reference_create,
    reference_remove,
    reference_set_active,
    route_reorder,
)
from tenants.models import Tenant
from tests.registry import factories as f

ACTOR = f.ACTOR


def _shape_alpha() -> None:
    city = City.objects.order_by("id").first()
    assert city is not None
    loc = reference_create(actor=ACTOR, table="localities", data={"city": city.pk, "code": 1, "name": "Sede"})
    sector = reference_create(
        actor=ACTOR, table="sectors", data={"locality": loc.pk, "code": 2, "name": "Norte"}
    )
    reference_create(actor=ACTOR, table="blocks", data={"sector": sector.pk, "code": 30, "name": "Quadra 30"})
    reference_create(actor=ACTOR, table="neighbourhoods", data={"city": city.pk, "code": 12, "name": "Éden"})
    reference_create(
        actor=ACTOR,
        table="streets",
        data={"city": city.pk, "street_type": "Avenida", "title": "Dr.", "name": "Afonso Vergueiro"},
    )
    for code, name in (
        ("ASS", "Associação"),
        ("ASB", "Associação Beneficente"),
        ("ASE", "Associação Especial"),
    ):
        reference_create(actor=ACTOR, table="categories", data={"code": code, "name": name})
    ass = Category.objects.get(code="ASS")
    reference_create(
        actor=ACTOR,
        table="usage-plans",
        data={
            "category": ass.pk,
            "code": "1",
            "name": "Tarifário",
            "minimum_m3_per_unit": 10,
            "dwelling_unit_mode": "principal",
            "tax_mode": "exempt",
        },
    )
    reference_set_active(
        actor=ACTOR, table="categories", pk=Category.objects.get(code="ASE").pk, active=False
    )
    group = reference_create(actor=ACTOR, table="groups", data={"code": 4, "name": "Grupo 4 – Rural"})
    for code in (5, 6):
        reference_create(actor=ACTOR, table="routes", data={"group": group.pk, "code": code, "name": ""})
    route_reorder(actor=ACTOR, group_id=group.pk, route_codes=[6, 5])
    reference_remove(actor=ACTOR, table="routes", pk=Route.objects.get(group__code=3, code=4).pk)


def test_export_import_into_beta_and_export_again_gives_the_same_section(tenant_alpha) -> None:
    _shape_alpha()
    exported = SECTION.export()
    assert [c["code"] for c in exported["categories"]] == ["ASB", "ASE", "ASS", "COM", "IND", "PUB", "RES"]
    assert [r["code"] for r in exported["routes"] if r["group"] == 4] == [6, 5]
    assert exported["streets"][0]["title"] == "Dr."
    assert exported["usage_plans"] == [
        {
            "category": "ASS",
            "code": "1",
            "name": "Tarifário",
            "kind": "tariff",
            "minimum_m3_per_unit": 10,
            "initial_m3_per_unit": None,
            "tax_mode": "exempt",
            "dwelling_unit_mode": "principal",
            "active": True,
        }
    ]
    assert "customers" not in exported and "properties" not in exported

    connection.set_tenant(Tenant.objects.get(schema_name="beta"))
    changes = SECTION.plan(copy.deepcopy(exported))
    assert {c.path for c in changes if c.kind == "remove"} == {"registry.routes[3 / 4]"}
    assert Category.objects.count() == 4  # plan writes nothing
    with transaction.atomic():
        SECTION.apply(copy.deepcopy(exported), actor=ACTOR)
    assert SECTION.export() == exported
    assert SECTION.plan(copy.deepcopy(exported)) == []
    assert not Category.objects.get(code="ASE").active
    assert AuditEntry.objects.filter(action="registry.category_create").count() == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["categories"].append({"code": "", "name": "Sem código"}), "registry.categories[4].code"),
        (
            lambda d: d["usage_plans"].append({"category": "RES", "code": "9", "name": "X", "kind": "outro"}),
            "registry.usage_plans[0].kind",
        ),
        (lambda d: d["routes"].append({"group": 9, "code": 1, "name": ""}), "registry.routes[12].group"),
        (lambda d: d["groups"].append(dict(d["groups"][0])), "registry.groups[3]"),
        (lambda d: d.update(customers=[]), "registry.customers"),
        (lambda d: d["groups"][0].update(active="sim"), "registry.groups[0].active"),
    ],
)
def test_plan_refuses_bad_input_naming_the_path(tenant_alpha, change, field) -> None:
    document = SECTION.export()
    change(document)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as err:
        SECTION.plan(document)
    assert err.value.field == field, err.value.message
    assert AuditEntry.objects.count() == before


def test_a_row_left_out_but_in_use_is_refused(tenant_alpha) -> None:
    prop = f.prop(categories=(("COM", 1),))
    document = SECTION.export()
    document["categories"] = [c for c in document["categories"] if c["code"] != "COM"]
    document["subcategories"] = [s for s in document["subcategories"] if s["category"] != "COM"]
    with pytest.raises(ValidationFailed) as err:
        SECTION.plan(document)
    assert (err.value.field, err.value.code) == ("registry.categories[COM]", "reference_in_use")
    assert "economias por categoria" in err.value.message
    document = SECTION.export()
    document["streets"] = []
    with pytest.raises(ValidationFailed) as err:
        SECTION.plan(document)
    assert err.value.field.startswith("registry.streets[")
    assert Street.objects.filter(pk=prop.street_id).exists()
    assert BillingGroup.objects.count() == 3
