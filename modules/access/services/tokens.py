"""API tokens: issue, resolve (idle and expiry rules), and revoking a user's credentials."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from modules.common.audit import audit_record

from ..models import ApiToken, User
from .passwords import password_policy


@transaction.atomic(durable=True)
def token_issue(*, user: User, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash(key),
        prefix=key[:8],
        expires_at=now + dt.timedelta(hours=password_policy().token_ttl_hours),
    )
    audit_record(actor=user, action="access.token_issue", target=user)
    return key


def token_resolve(key: str, now: dt.datetime | None = None) -> User | None:
    """The user of a live token, or None. A token idle longer than the policy allows dies. Not durable:
    the last-use stamp is one UPDATE, its own statement (or the request's transaction, if any)."""
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key)).first()
    if token is None or token.revoked_at or token.expires_at <= now or not token.user.is_active:
        return None
    idle = dt.timedelta(minutes=password_policy().idle_timeout_minutes)
    if token.last_used_at and now - token.last_used_at > idle:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(seconds=30):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user: User = token.user
    return user


def credentials_revoke(user: User, now: dt.datetime) -> None:
    """Every live token and session of the user ends. Runs inside the caller's transaction
    (user_set_active, user_reset_password)."""
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
