"""Write the scopes of a user's function (S3.4-02)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import ValidationFailed

from ..domain.scopes import KIND_LABELS, KINDS
from ..errors import ErrorCode
from ..functions import BY_CODE
from ..models import User, UserScope
from ..scoping import SCOPE_CHECKS
from .users import admin_require


@transaction.atomic(durable=True)
def user_scopes_set(
    *, actor: Actor, user: User, function: str, scopes: Iterable[tuple[str, str]], reason: str = ""
) -> list[UserScope]:
    """Replace the places `function` is limited to for `user`; no scopes: every record again. Every
    scope is checked before anything is written: a place that does not exist refuses them all."""
    admin_require(actor)
    if function not in BY_CODE:
        raise ValidationFailed(f"Função desconhecida: {function}.", field="function", code=ErrorCode.INVALID)
    wanted: list[tuple[str, str]] = []
    for i, (kind, value) in enumerate(scopes):
        value = str(value).strip()
        if kind not in KINDS:
            raise ValidationFailed(
                f"Abrangência {i + 1}: tipo inválido ({kind}); use departamento, localidade ou setor.",
                field=f"scopes[{i}].kind",
                code=ErrorCode.INVALID,
            )
        check = SCOPE_CHECKS.get(kind)
        if not value or (check is not None and not check(value)):
            raise ValidationFailed(
                f"Abrangência {i + 1}: {KIND_LABELS[kind]} {value or '(vazio)'} não existe.",
                field=f"scopes[{i}].value",
                code=ErrorCode.INVALID,
            )
        if (kind, value) not in wanted:
            wanted.append((kind, value))
    current = UserScope.objects.filter(user=user, function=function)
    before = sorted(f"{s.kind}:{s.value}" for s in current)
    current.delete()
    rows: list[UserScope] = UserScope.objects.bulk_create(
        UserScope(user=user, function=function, kind=k, value=v) for k, v in wanted
    )
    audit_record(
        actor=actor,
        action="access.scopes_set",
        target=user,
        before={f"scopes:{function}": before},
        after={f"scopes:{function}": sorted(f"{k}:{v}" for k, v in wanted)},
        reason=reason,
    )
    return rows
