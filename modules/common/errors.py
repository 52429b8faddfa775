"""Domain errors: a stable code for machines, a pt-BR message for people, the field when one is at fault."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain_error"
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
    code = "invalid"


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


def clean_or_fail(instance: Any, *, exclude: list[str] | None = None) -> None:
    """Run a model's own validation; the first bad field becomes a ValidationFailed naming it, with
    Django's pt-BR message for it."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(f"{field}: {messages[0]}", field=field) from exc
