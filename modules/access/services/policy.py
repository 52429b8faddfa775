"""The password policy (one row per utility): its editable parameters and their update."""

from __future__ import annotations

from django.db import transaction

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import ValidationFailed, clean_or_fail

from ..errors import ErrorCode
from ..models import PasswordPolicy
from .users import admin_require

POLICY_FIELDS = (
    "min_length",
    "require_upper",
    "require_lower",
    "require_digit",
    "require_special",
    "expiry_days",
    "history_depth",
    "max_failed_attempts",
    "lockout_minutes",
    "idle_timeout_minutes",
    "token_ttl_hours",
)


@transaction.atomic(durable=True)
def policy_update(*, actor: Actor, **changes: object) -> PasswordPolicy:
    admin_require(actor)
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed(f"Parâmetro desconhecido: {name}.", field=name, code=ErrorCode.INVALID)
    policy = PasswordPolicy.objects.select_for_update().order_by("pk").first() or PasswordPolicy()
    before = snapshot(policy) if policy.pk else None
    for key, value in changes.items():
        setattr(policy, key, value)
    clean_or_fail(policy)
    policy.save()
    audit_record(
        actor=actor, action="access.policy_update", target=policy, before=before, after=snapshot(policy)
    )
    return policy
