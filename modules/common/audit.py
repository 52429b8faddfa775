"""audit_record: the one way to write an audit row, inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from django.db import connection, models

from .context import current_request_context
from .fields import encrypted_field_names
from .models import AuditEntry
from .staging import Staged, stage, staged_inserts

# pt-BR wording of action codes and object types for people reading the audit trail; each module
# registers its own at start-up (AppConfig.ready).
ACTION_LABELS: dict[str, str] = {}
OBJECT_LABELS: dict[str, str] = {}
# attribute names seen in snapshots, for a field whose model gives no pt-BR verbose name (or for a
# snapshot key that is no model field): the audit page never shows an English identifier
FIELD_LABELS: dict[str, str] = {
    "status": "Situação",
    "state": "Situação",
    "name": "Nome",
    "full_name": "Nome completo",
    "email": "E-mail",
    "phone": "Telefone",
    "reason": "Motivo",
    "total": "Total",
    "amount": "Valor",
    "due_date": "Vencimento",
    "reference": "Referência",
    "issued_at": "Emitida em",
    "cancelled_at": "Cancelada em",
    "cancelled_by": "Cancelada por",
    "cancel_reason": "Motivo do cancelamento",
    "consumption_m3": "Consumo (m³)",
    "replaces": "Substitui",
    "bills": "Faturas",
    "errors": "Erros",
    "held": "Retidas na crítica",
    "anomalies": "Anomalias",
    "run": "Faturamento",
    "is_active": "Ativo",
    "is_admin": "Administrador",
    "profiles": "Perfis",
    "username": "Usuário",
    "timezone": "Fuso horário",
    "domain": "Domínio",
    "value": "Leitura",
    "read_on": "Lida em",
    "paid_on": "Paga em",
    "number": "Número",
    "account_number": "Matrícula",
    "cpf_cnpj": "CPF/CNPJ",
    "description": "Descrição",
    "created_at": "Criado em",
    "valid_until": "Válido até",
    "kind": "Tipo",
    "role": "Papel",
    "start": "Início",
    "end": "Fim",
}


def register_labels(
    *,
    actions: dict[str, str] | None = None,
    objects: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
) -> None:
    ACTION_LABELS.update(actions or {})
    OBJECT_LABELS.update(objects or {})
    FIELD_LABELS.update(fields or {})


class Actor(Protocol):
    pk: Any

    def get_username(self) -> str: ...


class SystemActor:
    """A named actor for batch jobs and provisioning, where no person acted."""

    pk = None

    def __init__(self, name: str) -> None:
        self.name = name

    def get_username(self) -> str:
        return f"sistema:{self.name}"

    def __repr__(self) -> str:
        return f"SystemActor({self.name!r})"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(
    instance: models.Model, fields: list[str] | None = None, exclude: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The audited state of a model instance: concrete fields, secrets excluded (hashes and every
    encrypted field, even when named in `fields`: the audit trail is read by people)."""
    secret = {"password", "key_hash"} | encrypted_field_names(type(instance))
    # auto_now timestamps change on every save and would drown the real change
    names = fields or [f.attname for f in instance._meta.concrete_fields if not getattr(f, "auto_now", False)]
    return {n: _jsonable(getattr(instance, n)) for n in names if n not in secret and n not in exclude}


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the write it records")
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    ctx = current_request_context()
    entry = AuditEntry(
        actor_id=actor.pk if isinstance(actor.pk, int) else None,
        actor=actor.get_username(),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
        ip=(ctx.ip or None) if ctx else None,
        user_agent=ctx.user_agent if ctx else "",
        request_id=ctx.request_id if ctx else "",
        workstation=ctx.workstation if ctx else "",
    )
    return stage(entry)  # one insert now, or at the end of an open batch (`audit_batch`)


@contextmanager
def audit_batch() -> Iterator[Staged]:
    """Inside, `audit_record` keeps its rows (unsaved, without id) for one insert at the end instead of
    one insert each (`modules/common/staging.py`: the caller drops those of a savepoint it rolls back,
    `mark`/`rollback_to`, and calls `flush` inside the same transaction before leaving). Rows not
    flushed are lost: use it only where the transaction ends with the flush. A batch staging other
    rows too names AuditEntry among its own (`staged_inserts(..., AuditEntry)`)."""
    with staged_inserts(AuditEntry) as batch:
        yield batch
