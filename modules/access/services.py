"""Every write of the access-control module: sign-in, tokens, users, profiles, policy."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

import pyotp
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, SystemActor, audit_record, snapshot
from modules.common.clock import tenant_zone
from modules.common.errors import DomainError, PermissionDenied, ValidationFailed, clean_or_fail

from . import limits
from .domain.passwords import PasswordRules, password_problems
from .functions import ACTIONS, BY_CODE
from .models import (
    AccessWindow,
    ApiToken,
    LoginAttempt,
    PasswordHistory,
    PasswordPolicy,
    Profile,
    ProfileGrant,
    User,
)

GENERIC_FAILURE = "Usuário ou senha inválidos."
ANONYMOUS = SystemActor("anonimo")


class AuthFailed(DomainError):
    status = 401
    code = "invalid_credentials"


class SignInThrottled(AuthFailed):
    """Too many failures from this address or for this account in the window (modules/access/limits.py)."""

    status = 429
    code = "throttled"


def _policy() -> PasswordPolicy:
    return PasswordPolicy.current()


def _rules(policy: PasswordPolicy) -> PasswordRules:
    return PasswordRules(
        min_length=policy.min_length,
        require_upper=policy.require_upper,
        require_lower=policy.require_lower,
        require_digit=policy.require_digit,
        require_special=policy.require_special,
    )


def _recent_failures(username: str, since: dt.datetime) -> int:
    return LoginAttempt.objects.filter(username=username, success=False, at__gte=since).count()


def _attempt(username: str, user: User | None, ip: str | None, success: bool, reason: str) -> None:
    LoginAttempt.objects.create(
        username=username[:150], user=user, ip=ip or None, success=success, reason=reason
    )


def password_expired(user: User, now: dt.datetime, policy: PasswordPolicy | None = None) -> bool:
    policy = policy or _policy()
    days = user.password_expiry_days if user.password_expiry_days is not None else policy.expiry_days
    if not days or user.password_changed_at is None:
        return False
    return now >= user.password_changed_at + dt.timedelta(days=days)


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
    """
    now = now or timezone.now()
    policy = _policy()
    username = (username or "").strip()
    if not limits.sign_in_allowed(username=username, ip=ip):
        _attempt(username, None, ip, False, "throttled")
        raise SignInThrottled(limits.THROTTLED_MESSAGE)
    with transaction.atomic():
        user, failure = _authenticate_locked(username, password, otp, ip, now, policy)
    if failure is not None:
        if failure.code != "otp_required":  # the password was right: only the second factor is asked
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
            return None, AuthFailed(_locked_message(policy), code="account_locked")
        return None, AuthFailed(GENERIC_FAILURE)
    if user.locked_until and user.locked_until > now:
        _attempt(username, user, ip, False, "locked")
        return None, AuthFailed(_locked_message(policy), code="account_locked")
    if not user.is_active:
        _attempt(username, user, ip, False, "inactive")
        return None, AuthFailed(GENERIC_FAILURE)
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
            return None, AuthFailed(_locked_message(policy), code="account_locked")
        return None, AuthFailed(GENERIC_FAILURE)
    if not within_access_window(user, now):
        _attempt(username, user, ip, False, "outside_hours")
        audit_record(actor=user, action="access.login_outside_hours", target=user)
        return None, AuthFailed(
            "Acesso não permitido neste dia ou horário para este usuário.", code="outside_hours"
        )
    if user.totp_enabled:
        if not otp:
            return None, AuthFailed("Informe o código do segundo fator de autenticação.", code="otp_required")
        if not pyotp.TOTP(user.totp_secret).verify(otp, for_time=now, valid_window=1):
            _attempt(username, user, ip, False, "bad_otp")
            return None, AuthFailed("Código do segundo fator inválido.", code="invalid_otp")
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login = now
    user.last_login_ip = ip or None
    user.save(update_fields=["failed_attempts", "locked_until", "last_login", "last_login_ip"])
    _attempt(username, user, ip, True, "ok")
    audit_record(actor=user, action="access.login", target=user)
    return user, None


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


def _locked_message(policy: PasswordPolicy) -> str:
    return (
        "Acesso bloqueado temporariamente por excesso de tentativas. "
        f"Tente novamente em {policy.lockout_minutes} minutos."
    )


def password_change_required(user: User, now: dt.datetime | None = None) -> bool:
    return user.must_change_password or password_expired(user, now or timezone.now())


# --- tokens --------------------------------------------------------------------------------------


def token_issue(*, user: User, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(
            user=user,
            key_hash=ApiToken.hash(key),
            prefix=key[:8],
            expires_at=now + dt.timedelta(hours=_policy().token_ttl_hours),
        )
        audit_record(actor=user, action="access.token_issue", target=user)
    return key


def token_resolve(key: str, now: dt.datetime | None = None) -> User | None:
    """The user of a live token, or None. A token idle longer than the policy allows dies."""
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key)).first()
    if token is None or token.revoked_at or token.expires_at <= now or not token.user.is_active:
        return None
    idle = dt.timedelta(minutes=_policy().idle_timeout_minutes)
    if token.last_used_at and now - token.last_used_at > idle:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(seconds=30):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _revoke_everything(user: User, now: dt.datetime) -> None:
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


# --- passwords -----------------------------------------------------------------------------------


def _validate_new_password(user: User, new: str, policy: PasswordPolicy) -> None:
    problems = password_problems(new, _rules(policy))
    if problems:
        raise ValidationFailed(" ".join(problems), field="new_password", code="weak_password")
    if user.has_usable_password() and user.check_password(new):
        raise ValidationFailed(
            "A nova senha deve ser diferente da atual.", field="new_password", code="password_reused"
        )
    depth = policy.history_depth
    if depth:
        for old in PasswordHistory.objects.filter(user=user)[:depth]:
            if check_password(new, old.password):
                raise ValidationFailed(
                    f"A nova senha não pode repetir nenhuma das últimas {depth} senhas.",
                    field="new_password",
                    code="password_reused",
                )


def _store_password(user: User, new: str, now: dt.datetime) -> None:
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(new)
    user.password_changed_at = now


def password_change(*, user: User, current: str, new: str, now: dt.datetime | None = None) -> User:
    now = now or timezone.now()
    policy = _policy()
    if not user.check_password(current):
        raise ValidationFailed("Senha atual incorreta.", field="current_password")
    _validate_new_password(user, new, policy)
    with transaction.atomic():
        _store_password(user, new, now)
        user.must_change_password = False
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        audit_record(actor=user, action="access.password_change", target=user)
    return user


def _temporary_password(policy: PasswordPolicy) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(max(policy.min_length, 12) - 3))
    return f"{body}A7#"


# --- users ---------------------------------------------------------------------------------------


def _require_admin(actor: Actor) -> None:
    if not getattr(actor, "is_admin", False) and not isinstance(actor, SystemActor):
        raise PermissionDenied("Somente administradores podem realizar esta operação.")


def user_edit_allowed(actor: Actor, *, privileged: bool) -> bool:
    """The one rule for editing a user, the page's and the service's: the grant "Usuários: alteração"
    edits a user's data; making someone administrator or changing their profiles needs an
    administrator (a grant holder could otherwise give anyone, themselves included, any function)."""
    if isinstance(actor, SystemActor) or getattr(actor, "is_admin", False):
        return True
    return not privileged and bool(getattr(actor, "can", lambda *_: False)("access.users", "change"))


def user_create(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    email: str = "",
    password: str | None = None,
    is_admin: bool = False,
    profiles: Iterable[Profile] = (),
    must_change_password: bool = True,
    now: dt.datetime | None = None,
) -> tuple[User, str]:
    """Create a user; returns it and the password to hand over (a temporary one unless given)."""
    _require_admin(actor)
    now = now or timezone.now()
    username = (username or "").strip()
    if not username:
        raise ValidationFailed("Informe o nome de usuário.", field="username")
    if not (full_name or "").strip():
        raise ValidationFailed("Informe o nome completo.", field="full_name")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed("Já existe um usuário com este nome.", field="username", code="duplicate")
    policy = _policy()
    secret = password or _temporary_password(policy)
    if password is not None:
        problems = password_problems(password, _rules(policy))
        if problems:
            raise ValidationFailed(" ".join(problems), field="password", code="weak_password")
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name.strip(),
            email=email,
            is_admin=is_admin,
            must_change_password=must_change_password,
            password_changed_at=now,
        )
        user.set_password(secret)
        user.save()
        user.profiles.set(list(profiles))
        after = snapshot(user) | {"profiles": sorted(p.name for p in user.profiles.all())}
        audit_record(actor=actor, action="access.user_create", target=user, after=after)
    return user, secret


def user_update(
    *,
    actor: Actor,
    user: User,
    full_name: str | None = None,
    email: str | None = None,
    is_admin: bool | None = None,
    profiles: Iterable[Profile] | None = None,
    password_expiry_days: int | None = None,
    reason: str = "",
) -> User:
    # an administrator's own data too: changing their e-mail is a step to taking their account
    current_profiles = set(user.profiles.values_list("pk", flat=True))
    privileged = (
        user.is_admin
        or (is_admin is not None and is_admin != user.is_admin)
        or (profiles is not None and {p.pk for p in profiles} != current_profiles)
    )
    if not user_edit_allowed(actor, privileged=privileged):
        raise PermissionDenied(
            "Somente administradores podem alterar perfis, a condição de administrador ou um administrador."
            if privileged
            else "Seu perfil não permite alterar usuários."
        )
    with transaction.atomic():
        before = snapshot(user) | {"profiles": sorted(p.name for p in user.profiles.all())}
        if full_name is not None:
            user.full_name = full_name.strip()
        if email is not None:
            user.email = email
        if is_admin is not None:
            if user == actor and not is_admin:
                raise ValidationFailed(
                    "Você não pode remover a própria condição de administrador.", field="is_admin"
                )
            user.is_admin = is_admin
        if password_expiry_days is not None:
            user.password_expiry_days = password_expiry_days or None
        user.save()
        if profiles is not None:
            user.profiles.set(list(profiles))
        after = snapshot(user) | {"profiles": sorted(p.name for p in user.profiles.all())}
        audit_record(
            actor=actor, action="access.user_update", target=user, before=before, after=after, reason=reason
        )
    return user


def user_set_active(
    *, actor: Actor, users: Iterable[User], active: bool, reason: str = "", now: dt.datetime | None = None
) -> int:
    """Enable or disable several users in one operation; disabling revokes sessions and tokens."""
    _require_admin(actor)
    now = now or timezone.now()
    changed = 0
    with transaction.atomic():
        for user in users:
            if user.pk == getattr(actor, "pk", None) and not active:
                raise ValidationFailed("Você não pode desativar o próprio usuário.", field="users")
            if user.is_active == active:
                continue
            user.is_active = active
            user.save(update_fields=["is_active"])
            if not active:
                _revoke_everything(user, now)
            audit_record(
                actor=actor,
                action="access.user_activate" if active else "access.user_deactivate",
                target=user,
                before={"is_active": not active},
                after={"is_active": active},
                reason=reason,
            )
            changed += 1
    return changed


def user_unlock(*, actor: Actor, user: User) -> User:
    _require_admin(actor)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(locked_until=None, failed_attempts=0)
        audit_record(actor=actor, action="access.user_unlock", target=user)
    user.refresh_from_db()
    return user


def user_reset_password(*, actor: Actor, user: User, now: dt.datetime | None = None) -> str:
    _require_admin(actor)
    now = now or timezone.now()
    secret = _temporary_password(_policy())
    with transaction.atomic():
        _store_password(user, secret, now)
        user.must_change_password = True
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        _revoke_everything(user, now)
        audit_record(actor=actor, action="access.password_reset", target=user)
    return secret


def user_copy(
    *, actor: Actor, source: User, username: str, full_name: str, email: str = ""
) -> tuple[User, str]:
    """A new user with the source's profiles, admin flag, expiry and access windows (tender S3.6-01)."""
    with transaction.atomic():
        user, secret = user_create(
            actor=actor,
            username=username,
            full_name=full_name,
            email=email,
            is_admin=source.is_admin,
            profiles=source.profiles.all(),
        )
        user.password_expiry_days = source.password_expiry_days
        user.save(update_fields=["password_expiry_days"])
        AccessWindow.objects.bulk_create(
            AccessWindow(user=user, weekday=w.weekday, start=w.start, end=w.end)
            for w in source.access_windows.all()
        )
        audit_record(
            actor=actor, action="access.user_copy", target=user, after={"copied_from": source.username}
        )
    return user, secret


def access_windows_set(*, actor: Actor, user: User, windows: Iterable[tuple[int, dt.time, dt.time]]) -> None:
    _require_admin(actor)
    rows = list(windows)
    for weekday, start, end in rows:
        if not 0 <= weekday <= 6:
            raise ValidationFailed("Dia da semana inválido.", field="weekday")
        if end <= start:
            raise ValidationFailed("O horário final deve ser posterior ao inicial.", field="end")
    with transaction.atomic():
        before = [str(w) for w in user.access_windows.all()]
        user.access_windows.all().delete()
        AccessWindow.objects.bulk_create(
            AccessWindow(user=user, weekday=d, start=s, end=e) for d, s, e in rows
        )
        audit_record(
            actor=actor,
            action="access.windows_set",
            target=user,
            before={"windows": before},
            after={"windows": [str(w) for w in user.access_windows.all()]},
        )


# --- second factor -------------------------------------------------------------------------------


def totp_begin(*, user: User) -> str:
    """A fresh secret; it only takes effect once a code from it is confirmed."""
    with transaction.atomic():
        user.totp_secret = pyotp.random_base32()
        user.totp_enabled = False
        user.save(update_fields=["totp_secret", "totp_enabled"])
        audit_record(actor=user, action="access.totp_begin", target=user)
    return user.totp_secret


def totp_provisioning_uri(user: User, issuer: str) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=issuer)


def totp_confirm(*, user: User, code: str, now: dt.datetime | None = None) -> User:
    now = now or timezone.now()
    if not user.totp_secret or not pyotp.TOTP(user.totp_secret).verify(code, for_time=now, valid_window=1):
        raise ValidationFailed(
            "Código inválido. Confira o relógio do celular e tente novamente.", field="code"
        )
    with transaction.atomic():
        user.totp_enabled = True
        user.save(update_fields=["totp_enabled"])
        audit_record(actor=user, action="access.totp_enable", target=user)
    return user


def totp_disable(*, actor: Actor, user: User) -> User:
    if getattr(actor, "pk", None) != user.pk:
        _require_admin(actor)
    with transaction.atomic():
        user.totp_enabled = False
        user.totp_secret = ""
        user.save(update_fields=["totp_enabled", "totp_secret"])
        audit_record(actor=actor, action="access.totp_disable", target=user)
    return user


# --- profiles and policy -------------------------------------------------------------------------


def profile_save(
    *,
    actor: Actor,
    name: str,
    grants: dict[str, Iterable[str]],
    read_only: bool = False,
    description: str = "",
    profile: Profile | None = None,
) -> Profile:
    """Create or replace a profile and its grants; takes effect on the users' next request."""
    _require_admin(actor)
    if not (name or "").strip():
        raise ValidationFailed("Informe o nome do perfil.", field="name")
    for code, actions in grants.items():
        if code not in BY_CODE:
            raise ValidationFailed(f"Função desconhecida: {code}.", field="grants")
        bad = set(actions) - set(ACTIONS)
        if bad:
            raise ValidationFailed(f"Tipo de acesso desconhecido: {sorted(bad)[0]}.", field="grants")
    clash = Profile.objects.filter(name=name.strip()).exclude(pk=getattr(profile, "pk", None)).exists()
    if clash:
        raise ValidationFailed("Já existe um perfil com este nome.", field="name", code="duplicate")
    with transaction.atomic():
        before = _profile_state(profile) if profile else None
        profile = profile or Profile()
        profile.name, profile.description, profile.read_only = name.strip(), description, read_only
        profile.save()
        profile.grants.all().delete()
        grants_create(profile, grants)
        audit_record(
            actor=actor,
            action="access.profile_save",
            target=profile,
            before=before,
            after=_profile_state(profile),
        )
    return profile


def grants_create(profile: Profile, grants: dict[str, Iterable[str]]) -> None:
    """Grant rows of a profile; viewing is implied by any grant of a function."""
    ProfileGrant.objects.bulk_create(
        ProfileGrant(
            profile=profile,
            function=code,
            can_view=True,
            can_add="add" in actions,
            can_change="change" in actions,
            can_delete="delete" in actions,
        )
        for code, actions in ((c, set(a)) for c, a in grants.items())
    )


def _profile_state(profile: Profile) -> dict[str, object]:
    grants = {
        g.function: [
            a for a, f in zip(ACTIONS, (g.can_view, g.can_add, g.can_change, g.can_delete), strict=True) if f
        ]
        for g in profile.grants.all()
    }
    return {"name": profile.name, "read_only": profile.read_only, "grants": grants}


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


def policy_update(*, actor: Actor, **changes: object) -> PasswordPolicy:
    _require_admin(actor)
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationFailed(f"Parâmetro desconhecido: {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    with transaction.atomic():
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
