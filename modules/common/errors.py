"""Domain errors: a stable code for machines, a pt-BR message for people, the field when one is at fault.

Every raise names a member of its module's `ErrorCode` (ADR 0016; tests/common/test_error_codes.py):
the codes here are the ones every module shares.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    DOMAIN_ERROR = "domain_error"
    INVALID = "invalid"  # a field's value is malformed, missing or out of range: `field` names it
    NOT_FOUND = "not_found"  # what the path or the field names does not exist (or is not yours)
    CONFLICT = "conflict"
    PERMISSION_DENIED = "permission_denied"
    DUPLICATE = "duplicate"  # a value that must be unique is already taken: `field` names it
    NO_FEBRABAN_CODE = "no_febraban_code"  # the utility has no FEBRABAN company code: no barcode
    DUE_DAY_NOT_OFFERED = "due_day_not_offered"
    SMS_UNAVAILABLE = "sms_unavailable"  # the SMS provider is not configured, down, or refused
    PHONE_INVALID = "phone_invalid"
    SMS_TOO_LONG = "sms_too_long"


class DomainError(Exception):
    code: str = ErrorCode.DOMAIN_ERROR
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "detail": self.message}
        if self.field:
            body["field"] = self.field
            body["errors"] = {self.field: [self.message]}
        return body


class ValidationFailed(DomainError):
    code: str = ErrorCode.INVALID


class NotFound(DomainError):
    code: str = ErrorCode.NOT_FOUND
    status = 404


class Conflict(DomainError):
    code: str = ErrorCode.CONFLICT
    status = 409


class PermissionDenied(DomainError):
    code: str = ErrorCode.PERMISSION_DENIED
    status = 403


def clean_or_fail(instance: Any, *, exclude: list[str] | None = None) -> None:
    """Run a model's own validation; the first bad field becomes a ValidationFailed naming it, with
    Django's pt-BR message for it."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(f"{field}: {messages[0]}", field=field, code=ErrorCode.INVALID) from exc
