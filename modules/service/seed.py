"""Reference data of service: its functions in the standard profiles. Idempotent and additive."""

from __future__ import annotations

from modules.registry.seed import grant

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "service.attendances": {
        "Gestor": ("view", "add", "change"),
        "Atendente": ("view", "add", "change"),
        "Consulta": ("view",),
    },
}


def seed_reference_data() -> None:
    grant(GRANTS)
