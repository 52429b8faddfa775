"""Sign-in: checking a password (lockout, access hours, second factor), and the access log's
entries for logouts and refused pages."""

from __future__ import annotations

import datetime as dt

import pyotp
from django.db import transaction
from django.utils import timezone

from modules.common.audit import SystemActor, audit_record
from modules.common.clock import tenant_zone

from .. import limits
from ..errors import AuthFailed, ErrorCode, SignInThrottled
from ..models import LoginAttempt, PasswordPolicy, User
from .passwords import password_policy

GENERIC_FAILURE = "Usuário ou senha inválidos."
ANONYMOUS = SystemActor("anonimo")


def _recent_failures(username: str, since: dt.datetime) -> int:
    failures: int = LoginAttempt.objects.filter(username=username, success=False, at__gte=since).count()
    return failures


def _attempt(username: str, user: User | None, ip: str | None, success: bool, reason: str) -> None:
    LoginAttempt.objects.create(
        username=username[:150], user=user, ip=ip or None, success=success, reason=reason
    )


def within_access_window(user: User, now: dt.datetime) -> bool:
    windows = list(user.access_windows.all())
    if not windows:
        return True
    local = now.astimezone(tenant_zone())
    return any(w.weekday == local.weekday() and w.start <= local.time() <= w.end for w in windows)


def auth_authenticate(
    *, username: str, password: str, otp: str = "", ip: str | None = None, now: dt.datetime | None = None
) -> User:
    """Check a sign-in. The same message for unknown user, wrong password and inactive user.

    Failed attempts are committed before the error is raised: the record of an attack must survive it.
    Past the failure limits of the address or the account the password is not even checked (429).
    So the transaction is a block, not the decorator: it commits, then the refusal is raised.
    """
    now = now or timezone.now()
    policy = password_policy()
    username = (username or "").strip()
    if not limits.sign_in_allowed(username=username, ip=ip):
        _attempt(username, None, ip, False, "throttled")
        raise SignInThrottled(limits.THROTTLED_MESSAGE, code=ErrorCode.THROTTLED)
    with transaction.atomic(durable=True):
        user, failure = _authenticate_locked(username, password, otp, ip, now, policy)
    if failure is not None:
        if failure.code != ErrorCode.OTP_REQUIRED:  # the password was right: only the second factor is asked
            limits.sign_in_failed(username=username, ip=ip)
        raise failure
    assert user is not None
    return user


def _authenticate_locked(
    username: str, password: str, otp: str, ip: str | None, now: dt.datetime, policy: PasswordPolicy
) -> tuple[User | None, AuthFailed | None]:
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        window = now - dt.timedelta(minutes=policy.lockout_minutes)
        locked = _recent_failures(username, window) >= policy.max_failed_attempts
        _attempt(username, None, ip, False, "locked" if locked else "unknown_user")
        if locked:
            return None, AuthFailed(_locked_message(policy), code=ErrorCode.ACCOUNT_LOCKED)
        return None, AuthFailed(GENERIC_FAILURE, code=ErrorCode.INVALID_CREDENTIALS)
    if user.locked_until and user.locked_until > now:
        _attempt(username, user, ip, False, "locked")
        return None, AuthFailed(_locked_message(policy), code=ErrorCode.ACCOUNT_LOCKED)
    if not user.is_active:
        _attempt(username, user, ip, False, "inactive")
        return None, AuthFailed(GENERIC_FAILURE, code=ErrorCode.INVALID_CREDENTIALS)
    if not user.check_password(password):
        user.failed_attempts += 1
        if user.failed_attempts >= policy.max_failed_attempts:
            user.locked_until = now + dt.timedelta(minutes=policy.lockout_minutes)
            user.failed_attempts = 0
            audit_record(
                actor=ANONYMOUS,
                action="access.user_locked",
                target=user,
                reason=f"{policy.max_failed_attempts} tentativas de acesso inválidas",
            )
        user.save(update_fields=["failed_attempts", "locked_until"])
        _attempt(username, user, ip, False, "bad_password")
        if user.locked_until and user.locked_until > now:
            return None, AuthFailed(_locked_message(policy), code=ErrorCode.ACCOUNT_LOCKED)
        return None, AuthFailed(GENERIC_FAILURE, code=ErrorCode.INVALID_CREDENTIALS)
    if not within_access_window(user, now):
        _attempt(username, user, ip, False, "outside_hours")
        audit_record(actor=user, action="access.login_outside_hours", target=user)
        return None, AuthFailed(
            "Acesso não permitido neste dia ou horário para este usuário.", code=ErrorCode.OUTSIDE_HOURS
        )
    if user.totp_enabled:
        if not otp:
            return None, AuthFailed(
                "Informe o código do segundo fator de autenticação.", code=ErrorCode.OTP_REQUIRED
            )
        if not pyotp.TOTP(user.totp_secret).verify(otp, for_time=now, valid_window=1):
            _attempt(username, user, ip, False, "bad_otp")
            return None, AuthFailed("Código do segundo fator inválido.", code=ErrorCode.INVALID_OTP)
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login = now
    user.last_login_ip = ip or None
    user.save(update_fields=["failed_attempts", "locked_until", "last_login", "last_login_ip"])
    _attempt(username, user, ip, True, "ok")
    audit_record(actor=user, action="access.login", target=user)
    return user, None


def _locked_message(policy: PasswordPolicy) -> str:
    return (
        "Acesso bloqueado temporariamente por excesso de tentativas. "
        f"Tente novamente em {policy.lockout_minutes} minutos."
    )


@transaction.atomic(durable=True)
def user_logout_record(*, user: User) -> None:
    """A staff member left the system (the access log has the exit as well as the entry)."""
    audit_record(actor=user, action="access.logout", target=user)


@transaction.atomic(durable=True)
def access_denied_record(*, user: User, function: str, action: str, path: str) -> None:
    """A page refused to a signed-in user for lack of a grant: who tried what is part of the access
    log (fraud hunting looks for exactly these)."""
    audit_record(
        actor=user,
        action="access.denied",
        target=user,
        after={"function": function, "action": action, "path": path[:300]},
    )
