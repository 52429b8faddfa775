"""Hydrometry reference data: the validity policy row and the metering functions in standard profiles."""

from __future__ import annotations

from modules.registry.seed import grant

from .models import MeteringPolicy

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "metering.meters": {"Gestor": ("view", "add", "change"), "Consulta": ("view",), "Atendente": ("view",)},
    "metering.events": {"Gestor": ("view", "add"), "Consulta": ("view",), "Atendente": ("view",)},
    "metering.calibrations": {"Gestor": ("view", "add"), "Consulta": ("view",), "Atendente": ("view",)},
    "metering.policy": {"Gestor": ("view", "change"), "Consulta": ("view",)},
}


def seed_reference_data() -> None:
    if not MeteringPolicy.objects.exists():
        MeteringPolicy.objects.create()
    grant(GRANTS)
