"""Users: who may edit whom, create (or copy), update, enable and disable, unlock, reset the
password, access hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, SystemActor, audit_record, snapshot
from modules.common.errors import PermissionDenied, ValidationFailed

from ..domain.passwords import password_problems
from ..errors import ErrorCode
from ..models import AccessWindow, Profile, User, UserScope
from .passwords import password_policy, password_rules, password_store, temporary_password
from .tokens import credentials_revoke


def admin_require(actor: Actor) -> None:
    """Refuse unless the actor is an administrator (or a named system actor)."""
    if not getattr(actor, "is_admin", False) and not isinstance(actor, SystemActor):
        raise PermissionDenied(
            "Somente administradores podem realizar esta operação.", code=ErrorCode.PERMISSION_DENIED
        )


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
    """Create a user; returns it and the password to hand over (a temporary one unless given).

    Not durable: the vendor's first administrator of a utility (tenants/admins.py) and user_copy
    create a user inside their own transaction; called alone, it is its own."""
    admin_require(actor)
    now = now or timezone.now()
    username = (username or "").strip()
    if not username:
        raise ValidationFailed("Informe o nome de usuário.", field="username", code=ErrorCode.INVALID)
    if not (full_name or "").strip():
        raise ValidationFailed("Informe o nome completo.", field="full_name", code=ErrorCode.INVALID)
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(
            "Já existe um usuário com este nome.", field="username", code=ErrorCode.DUPLICATE
        )
    policy = password_policy()
    secret = password or temporary_password(policy)
    if password is not None:
        problems = password_problems(password, password_rules(policy))
        if problems:
            raise ValidationFailed(" ".join(problems), field="password", code=ErrorCode.WEAK_PASSWORD)
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


@transaction.atomic(durable=True)
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
            else "Seu perfil não permite alterar usuários.",
            code=ErrorCode.PERMISSION_DENIED,
        )
    before = snapshot(user) | {"profiles": sorted(p.name for p in user.profiles.all())}
    if full_name is not None:
        user.full_name = full_name.strip()
    if email is not None:
        user.email = email
    if is_admin is not None:
        if user == actor and not is_admin:
            raise ValidationFailed(
                "Você não pode remover a própria condição de administrador.",
                field="is_admin",
                code=ErrorCode.OWN_ADMIN_REMOVAL,
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


@transaction.atomic(durable=True)
def user_set_active(
    *, actor: Actor, users: Iterable[User], active: bool, reason: str = "", now: dt.datetime | None = None
) -> int:
    """Enable or disable several users in one operation; disabling revokes sessions and tokens."""
    admin_require(actor)
    now = now or timezone.now()
    changed = 0
    for user in users:
        if user.pk == getattr(actor, "pk", None) and not active:
            raise ValidationFailed(
                "Você não pode desativar o próprio usuário.",
                field="users",
                code=ErrorCode.OWN_DEACTIVATION,
            )
        if user.is_active == active:
            continue
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            credentials_revoke(user, now)
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


@transaction.atomic(durable=True)
def user_unlock(*, actor: Actor, user: User) -> User:
    admin_require(actor)
    User.objects.filter(pk=user.pk).update(locked_until=None, failed_attempts=0)
    audit_record(actor=actor, action="access.user_unlock", target=user)
    user.refresh_from_db()
    return user


@transaction.atomic(durable=True)
def user_reset_password(*, actor: Actor, user: User, now: dt.datetime | None = None) -> str:
    admin_require(actor)
    now = now or timezone.now()
    secret = temporary_password(password_policy())
    password_store(user, secret, now)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    credentials_revoke(user, now)
    audit_record(actor=actor, action="access.password_reset", target=user)
    return secret


@transaction.atomic(durable=True)
def user_copy(
    *, actor: Actor, source: User, username: str, full_name: str, email: str = ""
) -> tuple[User, str]:
    """A new user with the source's profiles, admin flag, expiry, access windows and function scopes
    (tender S3.6-01): everything but the identity and the password."""
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
    UserScope.objects.bulk_create(
        UserScope(user=user, function=s.function, kind=s.kind, value=s.value) for s in source.scopes.all()
    )
    audit_record(actor=actor, action="access.user_copy", target=user, after={"copied_from": source.username})
    return user, secret


@transaction.atomic(durable=True)
def access_windows_set(*, actor: Actor, user: User, windows: Iterable[tuple[int, dt.time, dt.time]]) -> None:
    admin_require(actor)
    rows = list(windows)
    for weekday, start, end in rows:
        if not 0 <= weekday <= 6:
            raise ValidationFailed("Dia da semana inválido.", field="weekday", code=ErrorCode.INVALID)
        if end <= start:
            raise ValidationFailed(
                "O horário final deve ser posterior ao inicial.",
                field="end",
                code=ErrorCode.INVALID,
            )
    before = [str(w) for w in user.access_windows.all()]
    user.access_windows.all().delete()
    AccessWindow.objects.bulk_create(AccessWindow(user=user, weekday=d, start=s, end=e) for d, s, e in rows)
    audit_record(
        actor=actor,
        action="access.windows_set",
        target=user,
        before={"windows": before},
        after={"windows": [str(w) for w in user.access_windows.all()]},
    )
