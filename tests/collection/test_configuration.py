"""Collection's section of the configuration document: exported from alpha, imported into beta and
exported again it is the same; gateway secrets never leave; plan refuses bad input naming its path
in the document and what a billed late charge used; apply writes nothing when plan refuses."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from modules.collection.configuration import SECTION
from modules.collection.models import (
    CollectingAgent,
    GatewayAccount,
    IndexRate,
    IndexSeries,
    LateChargePolicyVersion,
)
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.common.tenancy import tenant_context
from tests.collection import factories as f
from tests.collection.test_settings_api import _billed_late_charge

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("tests")


def _alpha_settings() -> None:
    from modules.collection import agents, index_rates, late_charge_policies

    agents.agent_register(
        actor=ACTOR,
        code="001",
        name="Banco do Brasil",
        agreement_code="110288",
        fee_per_payment=Decimal("1.20"),
        credit_days=2,
    )
    agents.agent_register(actor=ACTOR, code="LOT1", name="Rede lotérica", kind="lottery")
    selic = IndexSeries.objects.get(code="SELIC")
    index_rates.series_change(actor=ACTOR, series=selic, sgs_code=4390)
    for month, rate in ((YearMonth(2026, 9), "0.0084"), (YearMonth(2026, 10), "0.0093")):
        index_rates.rate_record(actor=ACTOR, series=selic, month=month, rate=Decimal(rate))
    index_rates.rate_record(
        actor=ACTOR, series=selic, month=YearMonth(2026, 11), rate=Decimal("0.0090"), provisional=True
    )
    index_rates.series_create(
        actor=ACTOR, code="IGPM", name="IGP-M mensal", provisional_rate=Decimal("0.005"), sgs_code=189
    )
    late_charge_policies.policy_version_add(
        actor=ACTOR,
        effective_from=dt.date(2027, 1, 1),
        resolution="Decreto 99/2026",
        fine_rate=Decimal("0.02"),
        interest_method="pro_rata_die",
        interest_rate=Decimal("0.01"),
        correction_index="IGPM",
    )
    GatewayAccount.objects.create(secret_key="sk_test_segredo", webhook_token="tok-segredo")


def test_alpha_exported_imported_into_beta_and_exported_again_is_the_same() -> None:
    with tenant_context("alpha"):
        _alpha_settings()
        document = SECTION.export()
    text = json.dumps(document)
    assert "sk_test_segredo" not in text and "tok-segredo" not in text  # gateway keys never leave
    assert {a["code"] for a in document["agents"]} >= {"001", "LOT1", "CAIXA", "PAGARME"}
    selic = next(s for s in document["index_series"] if s["code"] == "SELIC")
    assert selic["rates"] == [
        {"month": "2026-09", "rate": "0.008400", "provisional": False},
        {"month": "2026-10", "rate": "0.009300", "provisional": False},
        {"month": "2026-11", "rate": "0.009000", "provisional": True},
    ]

    with tenant_context("beta"):
        planned = SECTION.plan(json.loads(text))
        assert "collection.agents.001" in {c.path for c in planned}
        assert not CollectingAgent.objects.filter(code="001").exists()  # plan writes nothing
        SECTION.apply(json.loads(text), actor=ACTOR)
        again = SECTION.export()
        assert SECTION.plan(again) == []
        assert CollectingAgent.objects.get(code="001").agreement_code == "110288"
        assert IndexRate.objects.filter(series__code="SELIC", source="settings").count() == 3
        assert AuditEntry.objects.filter(
            action="collection.agent_register", object_type="collection.collectingagent"
        ).exists()

    assert again == document


def _document() -> dict[str, Any]:
    with tenant_context("beta"):
        return SECTION.export()


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (
            lambda d: d["agents"].append({**d["agents"][0]}),
            "collection.agents[{n}].code",
            "aparece duas vezes",
        ),
        (
            lambda d: (
                d["agents"].append({**d["agents"][0], "code": "999", "agreement": "X"})
                or d["agents"].append({**d["agents"][0], "code": "998", "agreement": "X"})
            ),
            "collection.agents[{n}].agreement",
            "O convênio X já é do agente 999",
        ),
        (lambda d: d["agents"][0].update(fee="1,20"), "collection.agents[0].fee", "decimal em texto"),
        (lambda d: d["agents"][0].update(channel="banco"), "collection.agents[0].channel", "desconhecido"),
        (
            lambda d: d["index_series"][0]["rates"].append({"month": "2026-13", "rate": "0.01"}),
            "collection.index_series[0].rates[{r}].month",
            "AAAA-MM",
        ),
        (
            lambda d: d["late_charge_policies"][0].update(interest_index="IGPM"),
            "collection.late_charge_policies[0].interest_index",
            "não está em collection.index_series",
        ),
        (lambda d: d.update(gateway={}), "collection.gateway", "Chave desconhecida"),
    ],
)
def test_plan_refuses_bad_input_with_its_path(mutate: Any, field: str, message: str) -> None:
    document = _document()
    mutate(document)
    n = len(document["agents"]) - 1
    r = len(document["index_series"][0]["rates"]) - 1
    with tenant_context("beta"):
        before = SECTION.export()
        with pytest.raises(ValidationFailed) as refused:
            SECTION.plan(document)
        with pytest.raises(ValidationFailed):
            SECTION.apply(document, actor=ACTOR)
        assert SECTION.export() == before
    assert refused.value.field == field.format(n=n, r=r)
    assert message in refused.value.message


def test_what_a_billed_late_charge_used_is_never_changed_by_an_import() -> None:
    with tenant_context("beta"):
        from modules.collection import index_rates

        selic = IndexSeries.objects.get(code="SELIC")
        index_rates.rate_record(actor=ACTOR, series=selic, month=YearMonth(2026, 10), rate=Decimal("0.0093"))
        _billed_late_charge(dt.date(2026, 9, 10), dt.date(2026, 11, 5))
        document = SECTION.export()
        series = next(s for s in document["index_series"] if s["code"] == "SELIC")
        n = document["index_series"].index(series)
        series["rates"][0]["rate"] = "0.009500"
        with pytest.raises(ValidationFailed) as refused:
            SECTION.plan(document)
        assert refused.value.field == f"collection.index_series[{n}].rates[0].rate"
        assert "já foi usada em acréscimos faturados" in refused.value.message

        document = SECTION.export()
        document["late_charge_policies"][0]["fine_rate"] = "0.0100"
        with pytest.raises(ValidationFailed) as version:
            SECTION.plan(document)
        assert version.value.field == "collection.late_charge_policies[0]"
        assert LateChargePolicyVersion.objects.get(effective_from=dt.date(2000, 1, 1)).fine_rate == Decimal(
            "0.02"
        )

        document = SECTION.export()
        document["agents"] = [a for a in document["agents"] if a["code"] != "CAIXA"]
        with pytest.raises(ValidationFailed) as agent:
            SECTION.plan(document)
        assert (agent.value.field, "CAIXA" in agent.value.message) == ("collection.agents", True)


def test_an_agent_without_history_absent_from_the_document_is_removed() -> None:
    with tenant_context("beta"):
        f.agent("237", "CONV-X")
        document = SECTION.export()
        document["agents"] = [a for a in document["agents"] if a["code"] != "237"]
        (change,) = [c for c in SECTION.plan(document) if c.path == "collection.agents.237"]
        assert change.kind == "remove"
        SECTION.apply(document, actor=ACTOR)
        assert not CollectingAgent.objects.filter(code="237").exists()
        assert connection.schema_name == "beta"
