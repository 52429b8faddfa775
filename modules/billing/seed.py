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
    # TR S10.13-02: operators consult exceptions and processes; managers register and end them
    "service.legal": {"Gestor": ("view", "change"), "Atendente": ("view",), "Consulta": ("view",)},
    # TR S10.13-03: debts under execução fiscal / dívida ativa; checked with "change", since every
    # function is viewable by the standard consult profile
    "service.legal_override": {"Gestor": ("view", "change")},
}


def seed_reference_data() -> None:
    grant(GRANTS)
    # h-condo: the sewer-billing notice's default text (3.2.13.10.7) and who manages condominiums
    # and exemptions
    from .services.notices import sewer_notice_seed

    sewer_notice_seed()
    grant(CONDO_GRANTS)


CONDO_GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "billing.condominiums": {"Gestor": ("view", "add", "change", "delete"), "Consulta": ("view",)},
    "billing.exemptions": {"Gestor": ("view", "add", "change"), "Consulta": ("view",)},
    "billing.sewer_notice": {"Gestor": ("view", "add"), "Atendente": ("view",), "Consulta": ("view",)},
}
