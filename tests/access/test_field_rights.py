"""Per-field edit rights (seed 002 S4.1-02, worked example §3.3): the Atendimento group edits the
citizen's name, the street, the number and the delivery complement; the Receita group the connection's
situation, the category, the number of economias and the routing. Each group saves its own fields
and gets 403 (nothing written) on the other's."""

from __future__ import annotations

import pytest

from modules.access.models import Profile, ProfileGrant
from modules.access.services.profiles import profile_field_rights_set
from modules.common.errors import PermissionDenied, ValidationFailed
from modules.registry.domain.economies import CategoryShare
from modules.registry.models import Customer, Property, Route
from modules.registry.services.customers import customer_update
from modules.registry.services.properties import property_set_categories, property_set_status, property_update
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

PASSWORD = "Senha-forte-123"
ATENDIMENTO = [
    ("registry.customer", "name"),
    *(("registry.property", f) for f in ("street", "number", "complement")),
]
RECEITA = [
    ("registry.property", f)
    for f in ("status", "categories", "economies", "route", "route_sequence", "billing_group")
]


@pytest.fixture
def groups(tenant_alpha):
    admin = make_user("alpha", "admin_a", PASSWORD, is_admin=True)
    users = {}
    for name, fields in (("Atendimento", ATENDIMENTO), ("Receita", RECEITA)):
        profile = Profile.objects.create(name=f"Administradores do Setor de {name}")
        for function in ("registry.customers", "registry.properties", "registry.economies"):
            ProfileGrant.objects.create(profile=profile, function=function, can_add=True, can_change=True)
        profile_field_rights_set(actor=admin, profile=profile, fields=fields)
        user = make_user("alpha", name.lower(), PASSWORD)
        user.profiles.add(profile)
        users[name] = user
    holder = reg.customer("Maria da Conceição Souza")
    prop = reg.prop(holder=holder)
    return users["Atendimento"], users["Receita"], holder, prop


def _changes(holder: Customer, prop: Property):
    """One change per §3.3 field, each a callable taking the acting user."""
    other_street = reg.street("dos Ipês")
    route = Route.objects.exclude(pk=prop.route_id).order_by("pk").first()
    assert route is not None
    return {
        ("registry.customer", "name"): lambda u: customer_update(
            actor=u, customer=holder, name="Maria C. Souza"
        ),
        ("registry.property", "street"): lambda u: property_update(actor=u, prop=prop, street=other_street),
        ("registry.property", "number"): lambda u: property_update(actor=u, prop=prop, number="456"),
        ("registry.property", "complement"): lambda u: property_update(
            actor=u, prop=prop, complement="fundos"
        ),
        ("registry.property", "status"): lambda u: property_set_status(
            actor=u, prop=prop, status=Property.Status.INACTIVE, since=reg.TODAY, today=reg.TODAY
        ),
        ("registry.property", "categories"): lambda u: property_set_categories(
            actor=u, prop=prop, categories=[CategoryShare("COM", 1)]
        ),
        ("registry.property", "economies"): lambda u: property_set_categories(
            actor=u, prop=prop, categories=[CategoryShare(prop.categories.get().category.code, 3)]
        ),
        ("registry.property", "route"): lambda u: property_update(
            actor=u, prop=prop, billing_group=route.group, route=route
        ),
    }


def test_each_group_saves_its_fields_and_is_refused_the_others(groups) -> None:
    atendimento, receita, holder, prop = groups
    changes = _changes(holder, prop)
    for (object_type, field), change in changes.items():
        owner, other = (
            (atendimento, receita) if (object_type, field) in ATENDIMENTO else (receita, atendimento)
        )
        prop.refresh_from_db()
        before_prop = Property.objects.filter(pk=prop.pk).values().get()
        before_holder = Customer.objects.filter(pk=holder.pk).values().get()
        with pytest.raises(PermissionDenied) as refused:
            change(other)
        assert refused.value.field == field or (field == "route" and refused.value.field == "billing_group")
        assert refused.value.code == "field_not_editable"
        assert "Seu perfil não permite alterar o campo" in refused.value.message
        # nothing half-applied
        assert Property.objects.filter(pk=prop.pk).values().get() == before_prop
        assert Customer.objects.filter(pk=holder.pk).values().get() == before_holder
        change(owner)  # the owning group saves it


def test_the_api_answers_403_naming_the_field(groups, alpha_client) -> None:
    _atendimento, _receita, holder, prop = groups
    receita = bearer(alpha_client, "receita", PASSWORD)
    atendimento = bearer(alpha_client, "atendimento", PASSWORD)
    refused = alpha_client.patch(
        f"/api/v1/customers/{holder.pk}", {"name": "Outro Nome"}, content_type="application/json", **receita
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "field_not_editable" and refused.json()["field"] == "name"
    assert "nome do munícipe" in refused.json()["detail"]
    ok = alpha_client.patch(
        f"/api/v1/customers/{holder.pk}",
        {"name": "Outro Nome"},
        content_type="application/json",
        **atendimento,
    )
    assert ok.status_code == 200
    refused = alpha_client.put(
        f"/api/v1/properties/{prop.pk}/categories",
        {"categories": [{"category": "RES", "economies": 4}]},
        content_type="application/json",
        **atendimento,
    )
    assert refused.status_code == 403 and refused.json()["field"] == "economies"
    assert prop.categories.get().economies == 1
    # a field no profile names stays open to whoever may change the property
    ok = alpha_client.patch(
        f"/api/v1/properties/{prop.pk}", {"residents": 4}, content_type="application/json", **atendimento
    )
    assert ok.status_code == 200


def test_only_registered_fields_can_be_given(groups) -> None:
    admin = make_user("alpha", "admin_b", PASSWORD, is_admin=True)
    profile = Profile.objects.create(name="Sem campos")
    with pytest.raises(ValidationFailed, match=r"registry\.property\.inscription não pode"):
        profile_field_rights_set(actor=admin, profile=profile, fields=[("registry.property", "inscription")])
    assert not profile.field_rights.exists()
