"""Reference data of debt: a default installment policy (seed 003's DESO numbers: 1,63 % a month,
10 % minimum down payment, half-up) and the debt functions in the standard profiles. Idempotent."""

from __future__ import annotations

import datetime as dt

from modules.registry.seed import grant

from .models import InstallmentPolicyVersion

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "debt.position": {"Gestor": ("view", "add"), "Consulta": ("view",), "Atendente": ("view", "add")},
    "debt.agreements": {
        "Gestor": ("view", "add", "change"),
        "Consulta": ("view",),
        "Atendente": ("view", "add"),
    },
    "debt.agreements_extended": {"Gestor": ("view", "add")},
    "debt.certificates": {"Gestor": ("view", "add"), "Consulta": ("view",), "Atendente": ("view", "add")},
    "debt.settings": {"Gestor": ("view", "add", "change"), "Consulta": ("view",)},
    "debt.collection": {"Gestor": ("view", "add", "change"), "Consulta": ("view",)},
}


def seed_reference_data() -> None:
    InstallmentPolicyVersion.objects.get_or_create(
        effective_from=dt.date(2000, 1, 1),
        defaults={
            "resolution": "Política padrão de parcelamento",
            "monthly_rate": "0.016300",
            "max_installments": 24,
            "standard_max_installments": 12,
            "min_down_payment_rate": "0.1000",
            "min_installment": "10.00",
            "min_debt": "10.00",
        },
    )
    grant(GRANTS)
