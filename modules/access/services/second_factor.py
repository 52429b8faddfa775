"""The second factor (TOTP): begin with a fresh secret, confirm it with a code, disable it."""

from __future__ import annotations

import datetime as dt

import pyotp
from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode
from ..models import User
from .users import admin_require


@transaction.atomic(durable=True)
def totp_begin(*, user: User) -> str:
    """A fresh secret; it only takes effect once a code from it is confirmed."""
    # the field's attribute holds the clear text (modules/common/fields.py encrypts it in the column)
    user.totp_secret = pyotp.random_base32()  # type: ignore[assignment]
    user.totp_enabled = False
    user.save(update_fields=["totp_secret", "totp_enabled"])
    audit_record(actor=user, action="access.totp_begin", target=user)
    return user.totp_secret


def totp_provisioning_uri(user: User, issuer: str) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=issuer)


@transaction.atomic(durable=True)
def totp_confirm(*, user: User, code: str, now: dt.datetime | None = None) -> User:
    now = now or timezone.now()
    if not user.totp_secret or not pyotp.TOTP(user.totp_secret).verify(code, for_time=now, valid_window=1):
        raise ValidationFailed(
            "Código inválido. Confira o relógio do celular e tente novamente.",
            field="code",
            code=ErrorCode.INVALID_OTP,
        )
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    audit_record(actor=user, action="access.totp_enable", target=user)
    return user


@transaction.atomic(durable=True)
def totp_disable(*, actor: Actor, user: User) -> User:
    if getattr(actor, "pk", None) != user.pk:
        admin_require(actor)
    user.totp_enabled = False
    user.totp_secret = ""  # type: ignore[assignment]  # clear text, as in totp_begin
    user.save(update_fields=["totp_enabled", "totp_secret"])
    audit_record(actor=actor, action="access.totp_disable", target=user)
    return user
