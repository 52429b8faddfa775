"""Reference data of the registry: categories and subcategories, the utility's city, billing groups,
and the registry functions in the standard profiles. Idempotent: each table only while empty."""

from __future__ import annotations

from modules.access.models import Profile, ProfileGrant
from modules.common.clock import current_tenant

from .models import BillingGroup, Category, City, Route, Subcategory

CATEGORIES = {
    "RES": ("Residencial", [("1", "Residencial normal"), ("2", "Residencial social")]),
    "COM": ("Comercial", [("1", "Comercial"), ("2", "Prestação de serviços")]),
    "IND": ("Industrial", [("1", "Industrial")]),
    "PUB": ("Pública", [("1", "Órgão público"), ("2", "Escola pública")]),
}

# function -> {profile: actions}; granted only where the profile exists and has no grant yet.
GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "registry.customers": {
        "Gestor": ("view",),
        "Consulta": ("view",),
        "Atendente": ("view", "add", "change"),
    },
    "registry.properties": {
        "Gestor": ("view",),
        "Consulta": ("view",),
        "Atendente": ("view", "add", "change"),
    },
    "registry.economies": {"Gestor": ("view", "change"), "Consulta": ("view",)},
    "registry.reference": {
        "Gestor": ("view", "add", "change", "delete"),
        "Consulta": ("view",),
        "Atendente": ("view", "add"),
    },
    "registry.classification": {
        "Gestor": ("view", "add", "change", "delete"),
        "Consulta": ("view",),
        "Atendente": ("view",),
    },
    "registry.import": {"Gestor": ("view", "add")},
}


def grant(grants: dict[str, dict[str, tuple[str, ...]]]) -> None:
    """Add the standard rights to the standard profiles. Additive only: access's seed has already
    given Gestor and Consulta a view-only row for every catalogued function, so an existing row gets
    the missing actions of this table switched on, and nothing is ever switched off."""
    for function, by_profile in grants.items():
        for profile_name, actions in by_profile.items():
            profile = Profile.objects.filter(name=profile_name).first()
            if profile is None:
                continue
            flags = {f"can_{a}": True for a in actions}
            row, created = ProfileGrant.objects.get_or_create(
                profile=profile,
                function=function,
                defaults=dict.fromkeys(("can_view", "can_add", "can_change", "can_delete"), False) | flags,
            )
            if not created and any(not getattr(row, k) for k in flags):
                ProfileGrant.objects.filter(pk=row.pk).update(**flags)


def seed_reference_data() -> None:
    """A new utility's starting rows: the four categories, its city, three groups of four routes.
    Each table is seeded only while it is empty: once staff have shaped it (Tabelas do cadastro:
    a route removed, a category added), a later seed run never puts the defaults back."""
    if not Category.objects.exists():
        for code, (name, subs) in CATEGORIES.items():
            category = Category.objects.create(code=code, name=name)
            for sub_code, sub_name in subs:
                Subcategory.objects.create(category=category, code=sub_code, name=sub_name)
    if not City.objects.exists():
        tenant = current_tenant()
        city_name = getattr(tenant, "city", "") or "Sede"
        state = getattr(tenant, "state", "") or "SP"
        City.objects.create(name=city_name, state=state)
    if not BillingGroup.objects.exists():
        for group_code in (1, 2, 3):
            group = BillingGroup.objects.create(code=group_code, name=f"Grupo {group_code}")
            for route_code in (1, 2, 3, 4):
                Route.objects.create(
                    group=group, code=route_code, name=f"Rota {route_code}", sequence=route_code
                )
    grant(GRANTS)
