"""Billing reference data: the billing functions in the standard profiles (additive)."""

from __future__ import annotations

from modules.registry.seed import grant

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "billing.tariffs": {"Gestor": ("view", "add", "change"), "Consulta": ("view",)},
    "billing.simulate": {"Gestor": ("view",), "Consulta": ("view",), "Atendente": ("view",)},
    "billing.runs": {"Gestor": ("view", "add", "change"), "Consulta": ("view",)},
    "billing.bills": {"Gestor": ("view", "change"), "Consulta": ("view",), "Atendente": ("view",)},
    "billing.settings": {"Gestor": ("view", "change"), "Consulta": ("view",)},
    # TR S10.12-05: the standard attendant prints only the last bill; the manager every one
    "billing.second_copy_all": {"Gestor": ("view",)},
    "billing.second_copy_fee_waive": {"Gestor": ("view",)},
}


def seed_reference_data() -> None:
    grant(GRANTS)
