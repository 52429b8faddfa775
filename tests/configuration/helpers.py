"""Shared by the configuration document's tests: a user with the document's grants, the agency
settings a test makes differ from the defaults, and the document without its timestamp."""

from __future__ import annotations

import copy
from typing import Any

from django.test import Client

from modules.access.models import Profile, ProfileGrant
from modules.common.audit import SystemActor
from portal.services_desk import agency_settings_update
from tests.conftest import bearer, make_user

ACTOR = SystemActor("tests")
PASSWORD = "Senha-forte-123"

# what a utility changes on its agency settings screen, so a copy is not the defaults by chance
AGENCY_CHANGES: dict[str, Any] = {
    "units": ["Atendimento", "Ouvidoria", "Comercial", "Fiscalização"],
    "due_day_options": [5, 10, 15, 20, 25, 28],
    "landing_text": "Bem-vindo à agência virtual do SAAE.",
    "service_hours": "Segunda a sexta, das 8h às 17h",
    "ombudsman_email": "ouvidoria@saae.example",
    "web_idle_minutes": 30,
    "online_agreements": True,
    "disabled_services": ["due_day"],
}


def customise_agency() -> None:
    agency_settings_update(actor=ACTOR, **AGENCY_CHANGES)


def without_timestamp(document: dict[str, Any]) -> dict[str, Any]:
    rest = copy.deepcopy(document)
    rest.pop("exported_at")
    return rest


def api_user(client: Client, schema: str, username: str, *, change: bool) -> dict[str, str]:
    profile = Profile.objects.create(name=f"Configuração {username}")
    ProfileGrant.objects.create(
        profile=profile, function="configuration.document", can_view=True, can_change=change
    )
    make_user(schema, username, PASSWORD).profiles.add(profile)
    return bearer(client, username, PASSWORD)
