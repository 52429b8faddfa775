"""Service connections (ligações): register, update and change their situation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_today
from modules.common.errors import Conflict, ValidationFailed

from ..domain import connections as conn_rules
from ..errors import ErrorCode
from ..models import ConnectionEvent, Property, ServiceConnection
from .checks import not_future

CONNECTION_FIELDS = (
    "diameter_mm",
    "material",
    "depth_m",
    "street_pavement",
    "sidewalk_pavement",
    "sewer_share_percent",
    "installation_notes",
)


def connection_create_within(
    *,
    actor: Actor,
    prop: Property,
    kind: str,
    situation: str,
    since: dt.date,
    today: dt.date | None = None,
    **fields: Any,
) -> ServiceConnection:
    """A water or sewer connection of the property. Runs inside the caller's transaction (a new
    connection request); `connection_create` is the unit of work."""
    today = today or tenant_today()
    if kind not in ServiceConnection.Kind.values:
        raise ValidationFailed(
            "Tipo de ligação deve ser 'water' (água) ou 'sewer' (esgoto).",
            field="kind",
            code=ErrorCode.CONNECTION_KIND_UNKNOWN,
        )
    if situation not in conn_rules.SITUATIONS:
        raise ValidationFailed(
            f"Situação desconhecida: '{situation}'.",
            field="situation",
            code=ErrorCode.CONNECTION_SITUATION_UNKNOWN,
        )
    not_future(since, today, "since", "A data da situação")
    data = {k: v for k, v in fields.items() if k in CONNECTION_FIELDS}
    if ServiceConnection.objects.filter(property=prop, kind=kind).exists():
        raise Conflict("O imóvel já tem uma ligação deste tipo.", field="kind", code=ErrorCode.DUPLICATE)
    sc: ServiceConnection = ServiceConnection.objects.create(
        property=prop, kind=kind, situation=situation, since=since, **data
    )
    ConnectionEvent.objects.create(
        connection=sc, situation_to=situation, on=since, reason="cadastro", actor=actor.get_username()
    )
    audit_record(actor=actor, action="registry.connection_create", target=sc, after=snapshot(sc))
    return sc


# the unit of work; `connection_create_within` runs inside a caller's transaction (a new connection request)
connection_create = transaction.atomic(durable=True)(connection_create_within)


@transaction.atomic(durable=True)
def connection_update(*, actor: Actor, connection_obj: ServiceConnection, **fields: Any) -> ServiceConnection:
    data = {k: v for k, v in fields.items() if k in CONNECTION_FIELDS}
    sc: ServiceConnection = ServiceConnection.objects.select_for_update().get(pk=connection_obj.pk)
    before = snapshot(sc)
    for key, value in data.items():
        setattr(sc, key, value)
    sc.save()
    audit_record(
        actor=actor, action="registry.connection_update", target=sc, before=before, after=snapshot(sc)
    )
    return sc


def connection_change_situation(
    *,
    actor: Actor,
    connection_obj: ServiceConnection,
    situation: str,
    on: dt.date,
    reason: str = "",
    today: dt.date | None = None,
) -> ServiceConnection:
    """Move a connection to another situation from `on`, with its event and audit row.

    Not durable: metering runs it inside a meter installation that activates the connection.
    """
    today = today or tenant_today()
    not_future(on, today, "on", "A data da mudança")
    with transaction.atomic():
        sc: ServiceConnection = ServiceConnection.objects.select_for_update().get(pk=connection_obj.pk)
        try:
            conn_rules.check_transition(sc.situation, situation)
        except conn_rules.InvalidTransition as exc:
            raise ValidationFailed(
                str(exc), field="situation", code=ErrorCode.CONNECTION_TRANSITION_INVALID
            ) from exc
        if on < sc.since:
            raise ValidationFailed(
                f"A data da mudança não pode ser anterior à situação atual ({sc.since:%d/%m/%Y}).",
                field="on",
                code=ErrorCode.CONNECTION_DATE_BEFORE_CURRENT,
            )
        before = {"situation": sc.situation, "since": sc.since}
        ConnectionEvent.objects.create(
            connection=sc,
            situation_from=sc.situation,
            situation_to=situation,
            on=on,
            reason=reason,
            actor=actor.get_username(),
        )
        sc.situation, sc.since = situation, on
        sc.save(update_fields=["situation", "since"])
        audit_record(
            actor=actor,
            action="registry.connection_situation",
            target=sc,
            before=before,
            after={"situation": situation, "since": on},
            reason=reason,
        )
    return sc
