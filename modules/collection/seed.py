"""Reference data of collection: the counter and gateway agents, the Selic and IPCA series, a
default late-charge policy (2 % fine, Selic month by month with 1 % provisional, truncation — TR
§13.9), and the collection functions in the standard profiles. Idempotent."""

from __future__ import annotations

import datetime as dt

from modules.registry.seed import grant

from .models import CollectingAgent, IndexSeries, LateChargePolicyVersion

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "collection.payments": {
        "Gestor": ("view", "add", "change"),
        "Consulta": ("view",),
        "Atendente": ("view", "add"),
    },
    "collection.return_files": {"Gestor": ("view", "add"), "Consulta": ("view",)},
    "collection.gateway": {"Gestor": ("view", "add"), "Atendente": ("view", "add")},
    "collection.settings": {"Gestor": ("view", "add", "change"), "Consulta": ("view",)},
}


def seed_reference_data() -> None:
    CollectingAgent.objects.get_or_create(
        code="CAIXA", defaults={"name": "Caixa da concessionária", "kind": CollectingAgent.Kind.COUNTER}
    )
    CollectingAgent.objects.get_or_create(
        code="PAGARME", defaults={"name": "Pagar.me", "kind": CollectingAgent.Kind.GATEWAY}
    )
    selic, _ = IndexSeries.objects.get_or_create(
        code="SELIC", defaults={"name": "Taxa Selic mensal", "provisional_rate": "0.010000"}
    )
    IndexSeries.objects.get_or_create(
        code="IPCA", defaults={"name": "IPCA mensal", "provisional_rate": "0.004000"}
    )
    LateChargePolicyVersion.objects.get_or_create(
        effective_from=dt.date(2000, 1, 1),
        defaults={"resolution": "Política padrão (TR §13.9)", "interest_index": selic, "created_by": "seed"},
    )
    grant(GRANTS)
