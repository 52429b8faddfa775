"""Usage plans applied to a property's category (seed 002 §5.3, S5.3-04): staff set one from the
property's page and from the API, the change is audited old → new, and a plan of another category,
an unknown one or a deactivated one is refused naming the field, nothing changed."""

from __future__ import annotations

from modules.common.models import AuditEntry
from modules.registry.models import Category, PropertyCategory, UsagePlan
from tests.conftest import bearer, make_user
from tests.registry import factories as f
from tests.registry.test_views import staff  # noqa: F401  (the fixture)

PASSWORD = "Senha-forte-123"


def _plans() -> tuple[UsagePlan, UsagePlan]:
    res, com = Category.objects.get(code="RES"), Category.objects.get(code="COM")
    social = UsagePlan.objects.create(category=res, code="SOC", name="Social", minimum_m3_per_unit=5)
    shop = UsagePlan.objects.create(category=com, code="LOJ", name="Loja", minimum_m3_per_unit=20)
    return social, shop


def test_the_api_sets_a_category_plan_audited_and_refuses_a_plan_of_another_category(
    tenant_alpha, alpha_client
) -> None:
    social, _shop = _plans()
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)
    p = f.prop(categories=(("RES", 2), ("COM", 1)))
    url = f"/api/v1/properties/{p.pk}/categories"
    body = {"categories": [{"category": "RES", "economies": 2, "usage_plan": "SOC"},
                           {"category": "COM", "economies": 1}]}  # fmt: skip
    response = alpha_client.put(url, body, content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    by_code = {c["category"]: c for c in response.json()["categories"]}
    assert by_code["RES"]["usage_plan"] == "SOC" and by_code["COM"]["usage_plan"] == ""
    assert PropertyCategory.objects.get(property=p, category__code="RES").usage_plan == social
    entry = AuditEntry.objects.filter(action="registry.property_economies", object_id=str(p.pk)).latest("id")
    assert entry.before["usage_plans"] == {"COM": "", "RES": ""}
    assert entry.after["usage_plans"] == {"COM": "", "RES": "SOC"}
    # a commercial plan on the residential economias: 400 naming the field, nothing changed
    body["categories"][0]["usage_plan"] = "LOJ"
    body["categories"][0]["economies"] = 3
    refused = alpha_client.put(url, body, content_type="application/json", **headers)
    assert refused.status_code == 400, refused.content
    assert "categories.RES.usage_plan" in refused.content.decode()
    assert "A categoria RES não tem o plano de utilização 'LOJ'." in refused.content.decode()
    row = PropertyCategory.objects.get(property=p, category__code="RES")
    assert (row.usage_plan, row.economies) == (social, 2)
    # leaving usage_plan out keeps the plan; "" removes it
    body["categories"][0].pop("usage_plan")
    body["categories"][0]["economies"] = 2
    assert alpha_client.put(url, body, content_type="application/json", **headers).status_code == 200
    assert PropertyCategory.objects.get(property=p, category__code="RES").usage_plan == social
    body["categories"][0]["usage_plan"] = ""
    assert alpha_client.put(url, body, content_type="application/json", **headers).status_code == 200
    assert PropertyCategory.objects.get(property=p, category__code="RES").usage_plan is None


def test_a_deactivated_plan_is_refused_to_a_new_property(tenant_alpha, alpha_client) -> None:
    social, _shop = _plans()
    UsagePlan.objects.filter(pk=social.pk).update(active=False)
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)
    p = f.prop()
    refused = alpha_client.put(
        f"/api/v1/properties/{p.pk}/categories",
        {"categories": [{"category": "RES", "economies": 1, "usage_plan": "SOC"}]},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 400 and "está desativado" in refused.content.decode()
    assert PropertyCategory.objects.get(property=p).usage_plan is None


def test_staff_set_the_plan_on_the_property_page(staff) -> None:  # noqa: F811
    social, _shop = _plans()
    p = f.prop(categories=(("RES", 2),))
    url = f"/cadastro/imoveis/{p.pk}/"
    page = staff.get(url).content.decode()
    assert "Plano de utilização — Residencial" in page and "SOC – Social" in page
    response = staff.post(url + "economies/", {"cat_RES": 2, "plan_RES": "SOC", "plan_COM": "LOJ"})
    assert response.status_code == 302
    assert PropertyCategory.objects.get(property=p).usage_plan == social  # COM has no economias: ignored
    page = staff.get(url).content.decode()
    assert "SOC – Social (mínimo 5 m³/economia)" in page
    entry = AuditEntry.objects.filter(action="registry.property_economies", object_id=str(p.pk)).latest("id")
    assert entry.after["usage_plans"] == {"RES": "SOC"}
