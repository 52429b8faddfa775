"""Fraud hunting and segregation of duties (seed 002 S6.3, examples §3.5): per-utility thresholds,
run on demand (and nightly), findings queued once and closed with a reason."""

from __future__ import annotations

import pytest
from django.db import transaction

from modules.access.models import Profile, ProfileGrant
from modules.common.audit import audit_record
from modules.common.errors import NotFound
from modules.privacy.domain.names import similarity
from modules.privacy.fraud import fraud_finding_close, fraud_hunt_run
from modules.privacy.models import FraudFinding, FraudRules
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

PASSWORD = "Senha-forte-123"


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Maria Aparecida Souza", "Maria A. Souza", True),  # the tender's example
        ("Maria Aparecida Souza", "SOUZA, Maria Aparecida", True),  # order and case
        ("José da Silva", "Jose Silva", True),  # accents and particles
        ("Maria Aparecida Souza", "Pedro Henrique Lima", False),
        ("Maria Aparecida Souza", "Mariana Souto", False),
    ],
)
def test_name_similarity(a: str, b: str, similar: bool) -> None:
    assert (similarity(a, b) >= 0.85) is similar


def test_the_three_rules_find_what_the_tender_describes(tenant_alpha) -> None:
    FraudRules.objects.create(
        repeat_count=3, repeat_days=30, repeat_actions=["billing.rebill"], name_threshold="0.85"
    )
    # S6.3-01: the same user recalculating the same property three times
    clerk = make_user("alpha", "maria.souza", PASSWORD, full_name="Maria Aparecida Souza")
    with transaction.atomic():
        for _ in range(3):
            audit_record(actor=clerk, action="billing.rebill", object_type="registry.property", object_id=42)
        audit_record(actor=clerk, action="billing.rebill", object_type="registry.property", object_id=43)
    # S6.3-02: a property held by "Maria A. Souza"
    holder = reg.customer("Maria A. Souza")
    reg.prop(holder=holder)
    reg.prop(holder=reg.customer("Pedro Henrique Lima"))
    # S6.3-03: one user who can issue bills and reverse payments
    profile = Profile.objects.create(name="Faz tudo")
    ProfileGrant.objects.create(profile=profile, function="billing.runs", can_add=True)
    ProfileGrant.objects.create(profile=profile, function="collection.payments", can_delete=True)
    both = make_user("alpha", "faz.tudo", PASSWORD, full_name="Faz Tudo")
    both.profiles.add(profile)

    result = fraud_hunt_run(actor=clerk)
    assert (result.repeated, result.similar_names, result.conflicts) == (1, 1, 1)
    findings = {f.rule: f for f in FraudFinding.objects.all()}
    assert findings["repeated"].detail["object_id"] == "42" and findings["repeated"].detail["n"] == 3
    assert findings["similar_name"].detail["customer"] == holder.pk
    assert findings["similar_name"].detail["user"] == "maria.souza"
    assert findings["conflict"].detail == {
        "user": "faz.tudo",
        "pair": ["billing.runs:add", "collection.payments:delete"],
    }
    # a rerun adds nothing already found
    again = fraud_hunt_run(actor=clerk)
    assert (again.repeated, again.similar_names, again.conflicts) == (0, 0, 0)
    assert FraudFinding.objects.count() == 3


def test_findings_are_listed_and_closed_with_a_reason_through_the_api(tenant_alpha, alpha_client) -> None:
    make_user("alpha", "auditora", PASSWORD, is_admin=True)
    make_user("alpha", "atendente", PASSWORD)
    headers = bearer(alpha_client, "auditora", PASSWORD)
    finding = FraudFinding.objects.create(rule="conflict", key="conflict:x", summary="x tem a e b")
    assert (
        alpha_client.get("/api/v1/fraud/findings", **bearer(alpha_client, "atendente", PASSWORD)).status_code
        == 403
    )
    listed = alpha_client.get("/api/v1/fraud/findings?status=open", **headers).json()
    assert [r["id"] for r in listed["results"]] == [finding.pk]
    empty = alpha_client.post(
        f"/api/v1/fraud/findings/{finding.pk}/close",
        {"reason": ""},
        content_type="application/json",
        **headers,
    )
    assert empty.status_code == 400
    closed = alpha_client.post(
        f"/api/v1/fraud/findings/{finding.pk}/close",
        {"reason": "perfil revisto: estorno retirado"},
        content_type="application/json",
        **headers,
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["closed_by"] == "auditora"
    with pytest.raises(NotFound):
        fraud_finding_close(
            actor=make_user("alpha", "outra", PASSWORD, is_admin=True), finding_id=999999, reason="x"
        )
    run = alpha_client.post("/api/v1/fraud/run", **headers)
    assert run.status_code == 200 and set(run.json()) == {"repeated", "similar_names", "conflicts"}
