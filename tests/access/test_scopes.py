"""Scoped grants (seed 002 S3.4-02, worked example §3.2): a function granted on every record, or only
on those of given departments, localities or sectors; enforced on service orders in the queryset,
the API and the pages alike."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from modules.access.domain.scopes import Place, Scope, in_scope
from modules.access.models import Profile, ProfileGrant, UserScope
from modules.access.services.scopes import user_scopes_set
from modules.access.services.users import user_copy
from modules.common.audit import SystemActor
from modules.common.errors import PermissionDenied, ValidationFailed
from modules.common.models import AuditEntry
from modules.registry.models import City, Locality, Sector
from modules.service.services import catalog, orders
from tests.conftest import bearer, make_user
from tests.registry import factories as reg
from tests.service import factories as f

PASSWORD = "Senha-forte-123"

# §3.2: the functions of the example, by the catalogue's codes
EMIT_OS = ("service.orders", "add")
LOCALITY_L = [
    ("registry.properties", "change"),  # alteração de cadastro
    ("billing.bills", "change"),  # alteração de fatura
    ("debt.active_debt", "change"),  # dívida ativa
    ("reading.readings", "change"),  # análise de leitura
    ("billing.exemptions", "change"),  # isentar cobrança na emissão
    ("debt.collection", "change"),  # autorização de religação
    ("service.orders", "change"),  # autorização de execução
]
CERTIFICATE = ("debt.certificates", "add")  # emitir certidão negativa de débitos


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 4, 15, 15, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def places(tenant_alpha):
    """Departments A–C and G (service sectors), locality L (code 7) and another (8), sectors D, E, F
    and G (7.11–7.14) of locality L."""
    actor = SystemActor("testes")
    departments = {name: catalog.sector_create(actor=actor, name=f"Departamento {name}") for name in "ABCG"}
    city = City.objects.order_by("pk").first()
    assert city is not None
    loc_l, _ = Locality.objects.get_or_create(code=7, defaults={"city": city, "name": "Localidade L"})
    Locality.objects.get_or_create(code=8, defaults={"city": city, "name": "Outra localidade"})
    for code, name in zip((11, 12, 13, 14), "DEFG", strict=True):
        Sector.objects.get_or_create(locality=loc_l, code=code, defaults={"name": f"Setor {name}"})
    return departments


def _user_u(places):
    """Operator U of §3.2: a profile granting every function of the example, scoped as the text says."""
    admin = make_user("alpha", "admin_a", PASSWORD, is_admin=True)
    profile = Profile.objects.create(name="Operador U")
    codes = {EMIT_OS[0], CERTIFICATE[0], *(fn for fn, _ in LOCALITY_L)}
    for code in codes:
        ProfileGrant.objects.create(
            profile=profile, function=code, can_view=True, can_add=True, can_change=True
        )
    user = make_user("alpha", "operador_u", PASSWORD)
    user.profiles.add(profile)
    user_scopes_set(
        actor=admin,
        user=user,
        function="service.orders",
        scopes=[
            ("department", "Departamento A"),
            ("department", "Departamento B"),
            ("department", "Departamento C"),
            ("locality", "7"),
        ],
    )
    for function, _ in LOCALITY_L:
        if function != "service.orders":
            user_scopes_set(actor=admin, user=user, function=function, scopes=[("locality", "7")])
    user_scopes_set(
        actor=admin,
        user=user,
        function="debt.certificates",
        scopes=[("sector", s) for s in ("7.11", "7.12", "7.13")],
    )
    return admin, user


def test_the_worked_example_of_section_3_2(places) -> None:
    _, u = _user_u(places)
    u = type(u).objects.get(pk=u.pk)  # fresh caches
    # departamento A, B, C: emitir OS ✓; G ✗
    for dept in "ABC":
        assert u.can_on(*EMIT_OS, Place(department=f"Departamento {dept}"))
    assert not u.can_on(*EMIT_OS, Place(department="Departamento G"))
    # localidade L: the seven functions ✓, in any of its sectors; in another locality ✗
    for function, action in LOCALITY_L:
        assert u.can_on(function, action, Place(locality=7, sector=12)), function
        assert not u.can_on(function, action, Place(locality=8, sector=12)), function
    # setores D, E, F: certidão negativa ✓; setor G ✗; a sector number of another locality ✗
    for sector in (11, 12, 13):
        assert u.can_on(*CERTIFICATE, Place(locality=7, sector=sector))
    assert not u.can_on(*CERTIFICATE, Place(locality=7, sector=14))
    assert not u.can_on(*CERTIFICATE, Place(locality=8, sector=11))
    # a function not granted by the profile stays refused wherever the record is
    assert not u.can_on("billing.runs", "add", Place(locality=7))
    # an unscoped function of another user reaches every record
    assert in_scope(None, Place(locality=99))
    assert not in_scope(frozenset({Scope("locality", "7")}), Place(department="Departamento A"))


def test_opening_an_order_is_limited_to_the_users_departments(places, alpha_client) -> None:
    _, u = _user_u(places)
    code_a = f.code("OSA", sector=places["A"])
    code_g = f.code("OSG", sector=places["G"])
    prop = reg.prop(locality=8, sector=12)
    headers = bearer(alpha_client, "operador_u", PASSWORD)
    ok = alpha_client.post(
        "/api/v1/service/orders",
        {"property": prop.pk, "code": code_a.code},
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 201, ok.content
    before = AuditEntry.objects.filter(action__startswith="service.order").count()
    refused = alpha_client.post(
        "/api/v1/service/orders",
        {"property": prop.pk, "code": code_g.code},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "outside_scope"
    assert "não abrange" in refused.json()["detail"]
    assert AuditEntry.objects.filter(action__startswith="service.order").count() == before  # nothing written
    # the same opening by the service, for a person, is refused the same way; a system actor is not scoped
    with pytest.raises(PermissionDenied):
        orders.order_open(actor=type(u).objects.get(pk=u.pk), code=code_g.code, property_id=prop.pk)
    assert orders.order_open(
        actor=SystemActor("abertura-automatica"), code=code_g.code, property_id=prop.pk
    ).pk


def test_lists_details_and_pages_show_only_orders_in_scope(places, alpha_client) -> None:
    _user_u(places)
    system = SystemActor("testes")
    in_dept = orders.order_open(
        actor=system,
        code=f.code("OSA", sector=places["A"]).code,
        property_id=reg.prop(locality=8, sector=1).pk,
    )
    in_locality = orders.order_open(
        actor=system,
        code=f.code("OSG", sector=places["G"]).code,
        property_id=reg.prop(locality=7, sector=14).pk,
    )
    outside = orders.order_open(actor=system, code="OSG", property_id=reg.prop(locality=8, sector=2).pk)
    headers = bearer(alpha_client, "operador_u", PASSWORD)
    listed = alpha_client.get("/api/v1/service/orders?page_size=100", **headers).json()["results"]
    assert {o["id"] for o in listed} >= {in_dept.pk, in_locality.pk}
    assert outside.pk not in {o["id"] for o in listed}
    assert alpha_client.get(f"/api/v1/service/orders/{in_dept.pk}", **headers).status_code == 200
    assert alpha_client.get(f"/api/v1/service/orders/{outside.pk}", **headers).status_code == 404
    alpha_client.login(username="operador_u", password=PASSWORD)
    page = alpha_client.get("/servicos/ordens/").content.decode()
    assert in_dept.label in page and outside.label not in page
    assert alpha_client.get(f"/servicos/ordens/{outside.pk}/").status_code == 404
    assert alpha_client.get(f"/servicos/ordens/{in_dept.pk}/").status_code == 200
    # an administrator is never scoped
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    everything = alpha_client.get(
        "/api/v1/service/orders?page_size=100", **bearer(alpha_client, "chefe", PASSWORD)
    )
    assert outside.pk in {o["id"] for o in everything.json()["results"]}


def test_changing_a_property_is_limited_to_locality_l(places, alpha_client) -> None:
    _user_u(places)
    inside = reg.prop(locality=7, sector=12)
    outside = reg.prop(locality=8, sector=12)
    headers = bearer(alpha_client, "operador_u", PASSWORD)
    ok = alpha_client.patch(
        f"/api/v1/properties/{inside.pk}", {"residents": 3}, content_type="application/json", **headers
    )
    assert ok.status_code == 200
    refused = alpha_client.patch(
        f"/api/v1/properties/{outside.pk}", {"residents": 3}, content_type="application/json", **headers
    )
    assert refused.status_code == 403 and refused.json()["code"] == "outside_scope"
    outside.refresh_from_db()
    assert outside.residents != 3


def test_a_scope_naming_a_place_that_does_not_exist_refuses_them_all(places) -> None:
    admin, u = _user_u(places)
    kept = list(
        UserScope.objects.filter(user=u, function="debt.certificates").values_list("value", flat=True)
    )
    for scopes, message in (
        ([("sector", "7.11"), ("sector", "7.99")], "setor 7.99 não existe"),
        ([("locality", "999")], "localidade 999 não existe"),
        ([("department", "Departamento Z")], "departamento Departamento Z não existe"),
        ([("bairro", "Centro")], "tipo inválido"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            user_scopes_set(actor=admin, user=u, function="debt.certificates", scopes=scopes)
    assert (
        list(UserScope.objects.filter(user=u, function="debt.certificates").values_list("value", flat=True))
        == kept
    )
    with pytest.raises(ValidationFailed, match="Função desconhecida"):
        user_scopes_set(actor=admin, user=u, function="nada.disso", scopes=[])
    with pytest.raises(PermissionDenied):
        user_scopes_set(actor=u, user=u, function="debt.certificates", scopes=[])


def test_scopes_are_audited_and_copied_with_the_user(places) -> None:
    admin, u = _user_u(places)
    entry = AuditEntry.objects.filter(action="access.scopes_set", object_id=str(u.pk)).order_by("-id").first()
    assert entry is not None and entry.after == {
        "scopes:debt.certificates": ["sector:7.11", "sector:7.12", "sector:7.13"]
    }
    copy, _ = user_copy(actor=admin, source=u, username="operador_v", full_name="Operador V")
    assert sorted(UserScope.objects.filter(user=copy).values_list("function", "kind", "value")) == sorted(
        UserScope.objects.filter(user=u).values_list("function", "kind", "value")
    )
    # no scopes: every record again
    user_scopes_set(actor=admin, user=u, function="debt.certificates", scopes=[])
    fresh = type(u).objects.get(pk=u.pk)
    assert fresh.scopes_for("debt.certificates") is None
    assert fresh.can_on(*CERTIFICATE, Place(locality=8, sector=1))
