"""The configuration document in the standard profiles (additive): the manager exports and imports."""

from __future__ import annotations

from modules.registry.seed import grant

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "configuration.document": {"Gestor": ("view", "change")},
}


def seed_reference_data() -> None:
    grant(GRANTS)
