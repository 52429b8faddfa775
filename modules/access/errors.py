"""Errors of access control: a sign-in refused (401) and a sign-in throttled (429)."""

from __future__ import annotations

from modules.common.errors import DomainError


class AuthFailed(DomainError):
    status = 401
    code = "invalid_credentials"


class SignInThrottled(AuthFailed):
    """Too many failures from this address or for this account in the window (modules/access/limits.py)."""

    status = 429
    code = "throttled"
