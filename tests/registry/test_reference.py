"""The registry's reference tables (Tabelas do cadastro): services, API and pages. A row in use is
never removed; a deactivated one is kept where it is and not offered again; renames reach every
property through the foreign key; a group's routes keep the order staff give them."""

from __future__ import annotations

import pytest

from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.models import AuditEntry
from modules.registry.models import (
    BillingGroup,
    Block,
    Category,
    City,
    Locality,
    Property,
    Route,
    Sector,
    Street,
    UsagePlan,
)
from modules.registry.services.reference import (
    reference_create,
    reference_remove,
    reference_set_active,
    reference_update,
    route_reorder,
)
from tests.conftest import bearer, make_user
from tests.registry import factories as f

PASSWORD = "Senha-forte-123"
ACTOR = f.ACTOR


def _city() -> City:
    city = City.objects.order_by("id").first()
    assert city is not None
    return city


def _territory() -> tuple[Locality, Sector, Block]:
    locality = reference_create(
        actor=ACTOR, table="localities", data={"city": _city().pk, "code": 1, "name": "Sede"}
    )
    sector = reference_create(
        actor=ACTOR, table="sectors", data={"locality": locality.pk, "code": 2, "name": "Centro"}
    )
    block = reference_create(actor=ACTOR, table="blocks", data={"sector": sector.pk, "code": 30, "name": ""})
    return locality, sector, block


# --- services -------------------------------------------------------------------------------------


def test_a_property_links_the_locality_sector_and_block_its_inscription_names(tenant_alpha) -> None:
    locality, sector, block = _territory()
    prop = f.prop(locality=1, sector=2, block=30)
    assert (prop.locality_ref_id, prop.sector_ref_id, prop.block_ref_id) == (locality.pk, sector.pk, block.pk)
    # a sector nobody registered is no error: the numbers stay the key, the link stays empty
    other = f.prop(locality=1, sector=9, block=1)
    assert (other.locality_ref_id, other.sector_ref_id, other.block_ref_id) == (locality.pk, None, None)
    assert AuditEntry.objects.filter(action="registry.locality_create", object_id=str(locality.pk)).exists()


def test_a_deactivated_sector_takes_no_new_property(tenant_alpha) -> None:
    _, sector, _ = _territory()
    reference_set_active(actor=ACTOR, table="sectors", pk=sector.pk, active=False, reason="setor extinto")
    before = Property.objects.count()
    with pytest.raises(ValidationFailed) as err:
        f.prop(locality=1, sector=2, block=30)
    assert (err.value.field, err.value.code) == ("sector", "reference_inactive")
    assert "desativado" in err.value.message
    assert Property.objects.count() == before
    entry = AuditEntry.objects.get(action="registry.sector_deactivate", object_id=str(sector.pk))
    assert (entry.reason, entry.after) == ("setor extinto", {"active": False})


def test_renaming_a_street_reaches_its_properties_and_their_search_key(tenant_alpha) -> None:
    prop = f.prop()
    reference_update(
        actor=ACTOR, table="streets", pk=prop.street_id, data={"name": "Sete de Setembro", "title": ""}
    )
    prop.refresh_from_db()
    assert str(prop.street) == "Rua Sete de Setembro"
    assert "sete de setembro" in prop.address_search
    street = Street.objects.get(pk=prop.street_id)
    assert street.name_search == "rua sete de setembro"
    entry = AuditEntry.objects.get(action="registry.street_update", object_id=str(prop.street_id))
    assert (entry.before["name"], entry.after["name"]) == ("das Flores", "Sete de Setembro")
    assert "name_search" not in entry.after


def test_a_duplicate_or_a_bad_value_is_refused_in_pt_br_naming_the_field(tenant_alpha) -> None:
    _territory()
    with pytest.raises(ValidationFailed) as err:
        reference_create(
            actor=ACTOR, table="localities", data={"city": _city().pk, "code": 1, "name": "Outra"}
        )
    assert (err.value.field, err.value.code) == ("code", "duplicate")
    assert "já existe" in err.value.message.lower()
    with pytest.raises(ValidationFailed) as err:
        reference_create(actor=ACTOR, table="categories", data={"code": "", "name": "Sem código"})
    assert err.value.field == "code"
    assert err.value.message.startswith("Código:")
    with pytest.raises(ValidationFailed) as err:
        reference_create(
            actor=ACTOR,
            table="usage-plans",
            data={
                "category": Category.objects.get(code="RES").pk,
                "code": "1",
                "name": "Plano",
                "kind": "outro",
            },
        )
    assert err.value.field == "kind"
    assert Locality.objects.count() == 1 and not UsagePlan.objects.exists()
    with pytest.raises(NotFound):
        reference_update(actor=ACTOR, table="localities", pk=999_999, data={"name": "x"})


def test_a_used_row_is_never_removed_an_unused_one_is(tenant_alpha) -> None:
    prop = f.prop()
    with pytest.raises(Conflict) as err:
        reference_remove(actor=ACTOR, table="streets", pk=prop.street_id)
    assert err.value.code == "reference_in_use"
    assert "imóveis" in err.value.message and "Desative-o" in err.value.message
    assert Street.objects.filter(pk=prop.street_id).exists()
    with pytest.raises(Conflict) as err:
        reference_remove(actor=ACTOR, table="categories", pk=Category.objects.get(code="RES").pk)
    assert "economias por categoria" in err.value.message
    spare = f.street("Sem Saída", "Travessa")
    reference_remove(actor=ACTOR, table="streets", pk=spare.pk)
    assert not Street.objects.filter(pk=spare.pk).exists()
    removed = AuditEntry.objects.get(action="registry.street_remove", object_id=str(spare.pk))
    assert removed.before["name"] == "Sem Saída"


def test_a_category_a_tariff_prices_cannot_be_removed(tenant_alpha) -> None:
    from modules.billing.models import Tariff

    category = reference_create(actor=ACTOR, table="categories", data={"code": "ASS", "name": "Associação"})
    sub = reference_create(
        actor=ACTOR, table="subcategories", data={"category": category.pk, "code": "2", "name": "Beneficente"}
    )
    Tariff.objects.create(
        act="Ato 1",
        valid_from="2025-01-01",
        created_by="tests",
        payload={"categories": [{"code": "ASS/2", "name": "Associação beneficente"}]},
    )
    with pytest.raises(Conflict) as err:
        reference_remove(actor=ACTOR, table="subcategories", pk=sub.pk)
    assert "tarifas" in err.value.message
    with pytest.raises(Conflict) as err:
        reference_remove(actor=ACTOR, table="categories", pk=category.pk)
    assert "tarifas" in err.value.message and "subcategorias" in err.value.message
    assert Category.objects.filter(code="ASS").exists()


def test_routes_are_appended_to_their_group_and_reordered(tenant_alpha) -> None:
    group = reference_create(actor=ACTOR, table="groups", data={"code": 7, "name": "Grupo 7 – Rural"})
    for code in (10, 20, 30):
        reference_create(
            actor=ACTOR, table="routes", data={"group": group.pk, "code": code, "name": f"Rota {code}"}
        )
    assert list(Route.objects.filter(group=group).values_list("code", "sequence")) == [
        (10, 1),
        (20, 2),
        (30, 3),
    ]
    route_reorder(actor=ACTOR, group_id=group.pk, route_codes=[30, 10, 20])
    assert list(Route.objects.filter(group=group).values_list("code", flat=True)) == [30, 10, 20]
    entry = AuditEntry.objects.get(action="registry.route_reorder", object_id=str(group.pk))
    assert (entry.before, entry.after) == ({"routes": [10, 20, 30]}, {"routes": [30, 10, 20]})
    with pytest.raises(ValidationFailed) as err:
        route_reorder(actor=ACTOR, group_id=group.pk, route_codes=[30, 10, 99])
    assert (err.value.field, err.value.code) == ("routes", "route_order_invalid")
    assert "faltam as rotas 20" in err.value.message and "99" in err.value.message
    assert list(Route.objects.filter(group=group).values_list("code", flat=True)) == [30, 10, 20]


def test_a_deactivated_group_offers_no_route_and_reactivating_a_child_needs_its_parent(tenant_alpha) -> None:
    group = BillingGroup.objects.get(code=3)
    reference_set_active(actor=ACTOR, table="groups", pk=group.pk, active=False)
    with pytest.raises(ValidationFailed) as err:
        reference_create(actor=ACTOR, table="routes", data={"group": group.pk, "code": 9})
    assert err.value.field == "group"
    route = Route.objects.filter(group=group).first()
    assert route is not None
    reference_set_active(actor=ACTOR, table="routes", pk=route.pk, active=False)
    with pytest.raises(ValidationFailed) as err:
        reference_set_active(actor=ACTOR, table="routes", pk=route.pk, active=True)
    assert (err.value.field, err.value.code) == ("group", "reference_inactive")


# --- API ------------------------------------------------------------------------------------------


@pytest.fixture
def admin(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return bearer(alpha_client, "chefe", PASSWORD)


def test_api_creates_lists_changes_deactivates_and_removes(alpha_client, admin) -> None:
    created = alpha_client.post(
        "/api/v1/registry/categories", {"code": "ASE", "name": "Associação especial"},
        content_type="application/json", **admin,
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body == {"id": body["id"], "code": "ASE", "name": "Associação especial", "active": True}
    plan = alpha_client.post(
        "/api/v1/registry/usage-plans",
        {"category": body["id"], "code": "1", "name": "Tarifário", "minimum_m3_per_unit": 10,
         "dwelling_unit_mode": "principal"},
        content_type="application/json", **admin,
    )  # fmt: skip
    assert plan.status_code == 201, plan.content
    assert (plan.json()["kind"], plan.json()["tax_mode"]) == ("tariff", "calculated")
    listed = alpha_client.get("/api/v1/registry/categories", {"search": "especial"}, **admin).json()
    assert [c["code"] for c in listed["results"]] == ["ASE"]
    patched = alpha_client.patch(
        f"/api/v1/registry/categories/{body['id']}", {"name": "Associação Especial"},
        content_type="application/json", **admin,
    )  # fmt: skip
    assert (patched.status_code, patched.json()["name"]) == (200, "Associação Especial")
    refused = alpha_client.delete(f"/api/v1/registry/categories/{body['id']}", **admin)
    assert (refused.status_code, refused.json()["code"]) == (409, "reference_in_use")
    assert "planos de utilização" in refused.json()["detail"]
    url = f"/api/v1/registry/categories/{body['id']}"
    off = alpha_client.post(f"{url}/deactivate", {}, content_type="application/json", **admin)
    assert (off.status_code, off.json()["active"]) == (200, False)
    assert alpha_client.get("/api/v1/registry/categories", **admin).json()["count"] == 4
    assert alpha_client.get("/api/v1/registry/categories", {"inactive": 1}, **admin).json()["count"] == 5
    assert (
        alpha_client.delete(f"/api/v1/registry/usage-plans/{plan.json()['id']}", **admin).status_code == 204
    )
    assert alpha_client.delete(f"/api/v1/registry/categories/{body['id']}", **admin).status_code == 204
    assert not Category.objects.filter(code="ASE").exists()


def test_api_bad_field_is_a_400_naming_it_and_writes_nothing(alpha_client, admin) -> None:
    before = AuditEntry.objects.count()
    response = alpha_client.post(
        "/api/v1/registry/streets", {"city": _city().pk, "street_type": "Rua", "name": ""},
        content_type="application/json", **admin,
    )  # fmt: skip
    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == ("name", "reference_invalid")
    assert AuditEntry.objects.count() == before


def test_api_orders_a_groups_routes(alpha_client, admin) -> None:
    group = BillingGroup.objects.get(code=1)
    response = alpha_client.post(
        f"/api/v1/registry/groups/{group.pk}/route-order", {"routes": [4, 3, 2, 1]},
        content_type="application/json", **admin,
    )  # fmt: skip
    assert response.status_code == 204, response.content
    routes = alpha_client.get("/api/v1/registry/routes", **admin).json()["results"]
    assert [r["code"] for r in routes if r["group"] == group.pk] == [4, 3, 2, 1]


def test_a_read_only_profile_reads_the_tables_but_cannot_change_them(alpha_client, tenant_alpha) -> None:
    from modules.access.models import Profile

    user = make_user("alpha", "leitor", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Consulta"))
    headers = bearer(alpha_client, "leitor", PASSWORD)
    assert alpha_client.get("/api/v1/registry/groups", **headers).status_code == 200
    group = BillingGroup.objects.get(code=1)
    for method, url in (
        ("post", "/api/v1/registry/groups"),
        ("patch", f"/api/v1/registry/groups/{group.pk}"),
        ("delete", f"/api/v1/registry/groups/{group.pk}"),
        ("post", f"/api/v1/registry/groups/{group.pk}/deactivate"),
        ("post", f"/api/v1/registry/groups/{group.pk}/route-order"),
    ):
        response = getattr(alpha_client, method)(url, {}, content_type="application/json", **headers)
        assert response.status_code == 403, (method, url)
    assert BillingGroup.objects.get(code=1).active


def test_the_schema_documents_each_table(alpha_client, admin) -> None:
    from tests import apischema

    paths = apischema.staff_schema()["paths"]
    for key in (
        "cities",
        "localities",
        "sectors",
        "blocks",
        "neighbourhoods",
        "streets",
        "categories",
        "subcategories",
        "usage-plans",
        "groups",
        "routes",
    ):
        assert f"/api/v1/registry/{key}" in paths
        assert f"/api/v1/registry/{key}/{{id}}/deactivate" in paths
    assert "/api/v1/registry/groups/{id}/route-order" in paths


def test_a_later_seed_run_never_puts_back_what_staff_removed(tenant_alpha) -> None:
    from modules.registry.seed import seed_reference_data

    reference_remove(actor=ACTOR, table="routes", pk=Route.objects.get(group__code=3, code=4).pk)
    reference_create(actor=ACTOR, table="categories", data={"code": "ASS", "name": "Associação"})
    seed_reference_data()
    assert not Route.objects.filter(group__code=3, code=4).exists()
    assert Route.objects.count() == 11
    assert Category.objects.count() == 5
