"""Passwords: the policy's rules, expiry, a user changing their own password, temporary passwords."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone

from modules.common.audit import audit_record
from modules.common.errors import ValidationFailed

from ..domain.passwords import PasswordRules, password_problems
from ..errors import ErrorCode
from ..models import PasswordHistory, PasswordPolicy, User


def password_policy() -> PasswordPolicy:
    return PasswordPolicy.current()


def password_rules(policy: PasswordPolicy) -> PasswordRules:
    return PasswordRules(
        min_length=policy.min_length,
        require_upper=policy.require_upper,
        require_lower=policy.require_lower,
        require_digit=policy.require_digit,
        require_special=policy.require_special,
    )


def password_expired(user: User, now: dt.datetime, policy: PasswordPolicy | None = None) -> bool:
    policy = policy or password_policy()
    days = user.password_expiry_days if user.password_expiry_days is not None else policy.expiry_days
    if not days or user.password_changed_at is None:
        return False
    changed_at: dt.datetime = user.password_changed_at
    return now >= changed_at + dt.timedelta(days=days)


def password_change_required(user: User, now: dt.datetime | None = None) -> bool:
    return user.must_change_password or password_expired(user, now or timezone.now())


def _validate_new_password(user: User, new: str, policy: PasswordPolicy) -> None:
    problems = password_problems(new, password_rules(policy))
    if problems:
        raise ValidationFailed(" ".join(problems), field="new_password", code=ErrorCode.WEAK_PASSWORD)
    if user.has_usable_password() and user.check_password(new):
        raise ValidationFailed(
            "A nova senha deve ser diferente da atual.", field="new_password", code=ErrorCode.PASSWORD_REUSED
        )
    depth = policy.history_depth
    if depth:
        for old in PasswordHistory.objects.filter(user=user)[:depth]:
            if check_password(new, old.password):
                raise ValidationFailed(
                    f"A nova senha não pode repetir nenhuma das últimas {depth} senhas.",
                    field="new_password",
                    code=ErrorCode.PASSWORD_REUSED,
                )


def password_store(user: User, new: str, now: dt.datetime) -> None:
    """Keep the old hash in the history and set the new password (the caller saves the user).
    Runs inside the caller's transaction (password_change, user_reset_password)."""
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(new)
    user.password_changed_at = now


@transaction.atomic(durable=True)
def password_change(*, user: User, current: str, new: str, now: dt.datetime | None = None) -> User:
    now = now or timezone.now()
    policy = password_policy()
    if not user.check_password(current):
        raise ValidationFailed("Senha atual incorreta.", field="current_password", code=ErrorCode.INVALID)
    _validate_new_password(user, new, policy)
    password_store(user, new, now)
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(actor=user, action="access.password_change", target=user)
    return user


def temporary_password(policy: PasswordPolicy) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(max(policy.min_length, 12) - 3))
    return f"{body}A7#"
