"""Abertura automática (issue 14, point 2): the events of metering and reading open a service order
of the code the utility's rule names. metering and reading sit below service, so they announce their
events through their own hook registries (modules/metering/events.py, modules/reading/events.py)
and service registers `on_event` there at start-up (apps.py).

Opening is idempotent on the event's source key ("metering.installation:123"): AutomaticOpening
holds it unique, so a replayed event, or the nightly expiry sweep run twice, opens nothing more. No
rule for the event, nothing opened.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction

from modules.common.audit import Actor, SystemActor, audit_record
from modules.common.errors import DomainError, NotFound, ValidationFailed
from modules.metering.models import Installation
from modules.metering.selectors import meters_expiring

from ..errors import ErrorCode
from ..models import AutomaticEvent, AutomaticOpening, AutomaticRule, ServiceOrder
from ..selectors import code_get
from .orders import order_open_one

logger = logging.getLogger(__name__)

SYSTEM = SystemActor("service.automatic")


def _rule_snap(rule: AutomaticRule) -> dict[str, Any]:
    return {"event": rule.event, "occurrence": rule.occurrence, "code": rule.code.code}


def _clean_rule(event: str, occurrence: str) -> tuple[str, str]:
    if event not in AutomaticEvent.values:
        raise ValidationFailed(
            "Evento desconhecido: escolha um dos eventos de abertura automática.",
            field="event",
            code=ErrorCode.INVALID,
        )
    occurrence = (occurrence or "").strip().upper()
    if event == AutomaticEvent.READING_OCCURRENCE and not occurrence:
        raise ValidationFailed(
            "Informe o código da ocorrência de leitura.", field="occurrence", code=ErrorCode.INVALID
        )
    if event != AutomaticEvent.READING_OCCURRENCE and occurrence:
        raise ValidationFailed(
            "Só a ocorrência de leitura tem código de ocorrência.", field="occurrence", code=ErrorCode.INVALID
        )
    if len(occurrence) > 10:
        raise ValidationFailed(
            "O código da ocorrência tem no máximo 10 caracteres.", field="occurrence", code=ErrorCode.INVALID
        )
    return event, occurrence


def _rule_set(*, actor: Actor, event: str, code: str, occurrence: str = "") -> AutomaticRule:
    """Not durable: rule_set's work, also run by the configuration import."""
    event, occurrence = _clean_rule(event, occurrence)
    service_code = code_get(code)
    rule: AutomaticRule | None = (
        AutomaticRule.objects.select_for_update().filter(event=event, occurrence=occurrence).first()
    )
    if rule is None:
        created: AutomaticRule = AutomaticRule.objects.create(
            event=event, occurrence=occurrence, code=service_code
        )
        audit_record(
            actor=actor, action="service.automatic_rule_set", target=created, after=_rule_snap(created)
        )
        return created
    if rule.code_id == service_code.pk:
        return rule
    before = _rule_snap(rule)
    rule.code = service_code
    rule.save(update_fields=["code"])
    audit_record(
        actor=actor, action="service.automatic_rule_set", target=rule, before=before, after=_rule_snap(rule)
    )
    return rule


@transaction.atomic(durable=True)
def rule_set(*, actor: Actor, event: str, code: str, occurrence: str = "") -> AutomaticRule:
    """The event (and occurrence, for a reading occurrence) opens an order of `code`; an existing
    rule for the same event gets the new code."""
    return _rule_set(actor=actor, event=event, code=code, occurrence=occurrence)


def _rule_delete(*, actor: Actor, rule: AutomaticRule) -> None:
    audit_record(actor=actor, action="service.automatic_rule_delete", target=rule, before=_rule_snap(rule))
    rule.delete()


@transaction.atomic(durable=True)
def rule_delete(*, actor: Actor, rule_id: int) -> None:
    """The event opens nothing any more; orders it opened stay as they are."""
    rule = AutomaticRule.objects.select_for_update().select_related("code").filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(
            "Regra de abertura automática não encontrada.",
            field="rule",
            code=ErrorCode.AUTOMATIC_RULE_NOT_FOUND,
        )
    _rule_delete(actor=actor, rule=rule)


def rule_for(event: str, occurrence: str = "") -> AutomaticRule | None:
    rule: AutomaticRule | None = (
        AutomaticRule.objects.select_related("code").filter(event=event, occurrence=occurrence).first()
    )
    return rule


@transaction.atomic(durable=True)
def open_from_event(
    event: str, *, source: str, property_id: int, occurrence: str = "", at: dt.datetime | None = None
) -> ServiceOrder | None:
    """The order the event opens, in one transaction with the row that marks its source done; None
    when no rule names the event or the source already opened one."""
    rule = rule_for(event, occurrence if event == AutomaticEvent.READING_OCCURRENCE else "")
    if rule is None or AutomaticOpening.objects.filter(source=source).exists():
        return None
    label = AutomaticEvent(event).label
    detail = f" {occurrence}" if occurrence else ""
    order = order_open_one(
        actor=SYSTEM,
        code=rule.code.code,
        property_id=property_id,
        opened_at=at,
        description=f"Aberta automaticamente: {label}{detail} ({source})",
    )
    AutomaticOpening.objects.create(source=source, event=event, order=order, opened_at=order.opened_at)
    return order


def on_event(kind: str, *, source: str, property_id: int, **detail: Any) -> ServiceOrder | None:
    """The handler metering and reading call after their event commits. It never raises: the event
    is already recorded, and an order that cannot open (inactive code, a race lost on the source key)
    is logged, not a failure of the meter install or the reading."""
    try:
        return open_from_event(
            kind, source=source, property_id=property_id, occurrence=str(detail.get("occurrence", ""))
        )
    except IntegrityError:  # a concurrent delivery of the same event opened it first
        return None
    except DomainError as exc:
        logger.warning("automatic opening of %s (%s) refused: %s", source, kind, exc.message)
        return None


def expiry_source(meter_id: int, calibrated_on: dt.date | None) -> str:
    """One order per meter and calibration: a recalibrated meter that expires again opens another."""
    return f"metering.expiry:{meter_id}:{calibrated_on.isoformat() if calibrated_on else 'never'}"


def expiring_open(*, today: dt.date) -> list[str]:
    """The nightly sweep: an order for each installed meter whose validity ends within the metering
    policy's alert days, once per meter and calibration. Each order its own transaction, so a
    refused one does not stop the others; returns the numbers of the orders opened."""
    if rule_for(AutomaticEvent.METER_EXPIRING) is None:
        return []
    opened: list[str] = []
    meters = list(meters_expiring(as_of=today).values_list("pk", "calibrated_on"))
    installed = dict(
        Installation.objects.filter(meter_id__in=[m for m, _ in meters], removed_on__isnull=True).values_list(
            "meter_id", "connection__property_id"
        )
    )
    done = set(
        AutomaticOpening.objects.filter(event=AutomaticEvent.METER_EXPIRING).values_list("source", flat=True)
    )
    for meter_id, calibrated_on in meters:
        source = expiry_source(meter_id, calibrated_on)
        property_id = installed.get(meter_id)
        if property_id is None or source in done:
            continue
        order = on_event(AutomaticEvent.METER_EXPIRING, source=source, property_id=property_id)
        if order is not None:
            opened.append(order.label)
    return opened
