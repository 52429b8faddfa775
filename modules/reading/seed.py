"""Reading reference data: the occurrence table and the reading functions in the standard profiles."""

from __future__ import annotations

from modules.registry.seed import grant

from .services import occurrences_seed

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "reading.readings": {"Gestor": ("view", "add", "change"), "Consulta": ("view",), "Atendente": ("view",)},
    "reading.schedule": {"Gestor": ("view", "add", "change", "delete"), "Consulta": ("view",)},
    "reading.consumption": {"Gestor": ("view", "add", "delete"), "Consulta": ("view",)},
}


def seed_reference_data() -> None:
    occurrences_seed()
    grant(GRANTS)
