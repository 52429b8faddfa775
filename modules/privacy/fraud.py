"""Fraud hunting runs (S6.3-01..03): the same user repeating a sensitive operation on the same
property, customers whose names resemble a staff member's, users holding both sides of a
conflicting pair of permissions. Each finding is keyed, so a rerun adds only what is new."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from modules.access.models import User
from modules.common.audit import Actor, audit_record
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.models import AuditEntry
from modules.registry.models import Customer, PropertyRelation

from .domain.names import similarity, tokens
from .errors import ErrorCode
from .models import FraudFinding, FraudRules


@dataclass(frozen=True)
class HuntResult:
    repeated: int
    similar_names: int
    conflicts: int


def _new(rule: str, key: str, summary: str, detail: dict[str, object]) -> int:
    _, created = FraudFinding.objects.get_or_create(
        key=key, defaults={"rule": rule, "summary": summary[:300], "detail": detail}
    )
    return int(created)


def _repeated(rules: FraudRules, now: dt.datetime) -> int:
    if not rules.repeat_actions:
        return 0
    since = now - dt.timedelta(days=rules.repeat_days)
    actions = Q()
    for prefix in rules.repeat_actions:
        actions |= Q(action__startswith=prefix)
    rows = (
        AuditEntry.objects.filter(actions, at__gte=since, actor_id__isnull=False)
        .exclude(object_id="")
        .values("actor", "action", "object_type", "object_id")
        .annotate(n=Count("id"))
        .filter(n__gte=rules.repeat_count)
    )
    made = 0
    for r in rows:
        key = f"repeated:{r['actor']}:{r['action']}:{r['object_type']}:{r['object_id']}:{now:%Y-%m}"
        made += _new(
            FraudFinding.Rule.REPEATED,
            key,
            f"{r['actor']} fez {r['action']} {r['n']} vezes em {r['object_type']} {r['object_id']} "
            f"em {rules.repeat_days} dias",
            {**r, "days": rules.repeat_days},
        )
    return made


def _similar_names(rules: FraudRules) -> int:
    threshold = float(rules.name_threshold)
    staff = [(u.pk, u.username, u.full_name) for u in User.objects.filter(is_active=True) if u.full_name]
    if not staff:
        return 0
    surnames = {t for _, _, name in staff for t in tokens(name) if len(t) > 2}
    holders = PropertyRelation.objects.filter(end__isnull=True).values_list("customer_id", flat=True)
    made = 0
    for customer in Customer.objects.filter(pk__in=holders).only("pk", "name"):
        words = set(tokens(customer.name))
        if not words & surnames:
            continue  # no surname in common: no need to score
        for user_id, username, full_name in staff:
            score = similarity(customer.name, full_name)
            if score >= threshold:
                made += _new(
                    FraudFinding.Rule.SIMILAR_NAME,
                    f"similar:{customer.pk}:{user_id}",
                    f"Titular {customer.name} parecido com o usuário {username} ({full_name}): {score:.2f}",
                    {"customer": customer.pk, "user": username, "score": score},
                )
    return made


def _conflicts(rules: FraudRules) -> int:
    made = 0
    for user in User.objects.filter(is_active=True, is_admin=False):
        for pair in rules.conflicts:
            held = []
            for side in pair:
                function, _, action = side.partition(":")
                held.append(user.can(function, action or "view"))
            if all(held):
                made += _new(
                    FraudFinding.Rule.CONFLICT,
                    f"conflict:{user.pk}:{'|'.join(pair)}",
                    f"{user.username} tem ao mesmo tempo {' e '.join(pair)}",
                    {"user": user.username, "pair": pair},
                )
    return made


@transaction.atomic(durable=True)
def fraud_hunt_run(*, actor: Actor, now: dt.datetime | None = None) -> HuntResult:
    """Run the three rules (nightly and on demand); findings already known are not added again."""
    now = now or timezone.now()
    rules = FraudRules.current()
    result = HuntResult(
        repeated=_repeated(rules, now), similar_names=_similar_names(rules), conflicts=_conflicts(rules)
    )
    audit_record(
        actor=actor,
        action="privacy.fraud_hunt",
        object_type="privacy.fraudfinding",
        after={
            "repeated": result.repeated,
            "similar_names": result.similar_names,
            "conflicts": result.conflicts,
        },
    )
    return result


@transaction.atomic(durable=True)
def fraud_finding_close(*, actor: Actor, finding_id: int, reason: str) -> FraudFinding:
    if not reason.strip():
        raise ValidationFailed(
            "Informe a justificativa do encerramento.", field="reason", code=ErrorCode.INVALID
        )
    finding = FraudFinding.objects.select_for_update().filter(pk=finding_id).first()
    if finding is None:
        raise NotFound("Achado não encontrado.", field="finding", code=ErrorCode.FINDING_NOT_FOUND)
    if finding.status == FraudFinding.Status.CLOSED:
        raise Conflict("Este achado já foi encerrado.", field="finding", code=ErrorCode.FINDING_CLOSED)
    finding.status = FraudFinding.Status.CLOSED
    finding.closed_at = timezone.now()
    finding.closed_by = actor.get_username()
    finding.close_reason = reason.strip()
    finding.save()
    audit_record(
        actor=actor, action="privacy.fraud_close", target=finding, after={"status": "closed"}, reason=reason
    )
    return finding
