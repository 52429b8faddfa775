"""Errors of access control: the codes clients switch on (ADR 0016), a sign-in refused (401) and a
sign-in throttled (429). No Django here: domain code may import it."""

from __future__ import annotations

from enum import StrEnum

from modules.common.errors import DomainError


class ErrorCode(StrEnum):
    # (S105: the values below that name a password are API codes, not secrets)
    # shared meanings, the values every module answers (modules.common.errors.ErrorCode once
    # issue 12's branches are merged): a field malformed, missing or out of range (`field` names
    # it), a value that must be unique and is taken, an operation the actor may not do
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    PERMISSION_DENIED = "permission_denied"
    # sign-in
    INVALID_CREDENTIALS = "invalid_credentials"
    THROTTLED = "throttled"
    ACCOUNT_LOCKED = "account_locked"
    OUTSIDE_HOURS = "outside_hours"
    # a field the actor's profiles may not change (S4.1-02)
    FIELD_NOT_EDITABLE = "field_not_editable"
    # a record outside the departments, localities or sectors the user's grant covers (S3.4-02)
    OUTSIDE_SCOPE = "outside_scope"
    OTP_REQUIRED = "otp_required"
    INVALID_OTP = "invalid_otp"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"  # noqa: S105
    # passwords
    WEAK_PASSWORD = "weak_password"  # noqa: S105
    PASSWORD_REUSED = "password_reused"  # noqa: S105
    # users
    OWN_ADMIN_REMOVAL = "own_admin_removal"
    OWN_DEACTIVATION = "own_deactivation"
    USER_NOT_FOUND = "user_not_found"


class AuthFailed(DomainError):
    status = 401
    code = ErrorCode.INVALID_CREDENTIALS


class SignInThrottled(AuthFailed):
    """Too many failures from this address or for this account in the window (modules/access/limits.py)."""

    status = 429
    code = ErrorCode.THROTTLED
