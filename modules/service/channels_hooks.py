"""Where the attendance opens when a ticket is called or a phone call is answered (ADR 0182).

The Attendance record (registro de atendimento, S10.1-01) lives in another part of issue 14; this
module does not import it. A handler registered here runs after the call commits (on_commit,
robust: a failing handler is logged and never undoes the call), with the ticket's or the call's
facts: the coordinator wires `services.attendance.attendance_start` in apps.py with

    from .channels_hooks import register_ticket_called
    register_ticket_called("service.attendance", lambda called: attendance_start(...))
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketCalled:
    ticket_id: int
    unit_id: int
    label: str
    desk: str
    called_at: dt.datetime
    user_id: int | None
    property_id: int | None
    customer_id: int | None
    note: str


@dataclass(frozen=True)
class CallAnswered:
    call_id: str
    caller: str
    agent: str
    answered_at: dt.datetime
    property_id: int | None
    customer_id: int | None


_ticket_handlers: dict[str, Callable[[TicketCalled], object]] = {}
_call_handlers: dict[str, Callable[[CallAnswered], object]] = {}


def register_ticket_called(name: str, handler: Callable[[TicketCalled], object]) -> None:
    _ticket_handlers[name] = handler


def register_call_answered(name: str, handler: Callable[[CallAnswered], object]) -> None:
    _call_handlers[name] = handler


def announce_ticket_called(facts: TicketCalled) -> None:
    """Inside the call's transaction: each handler runs once it commits."""
    for handler in list(_ticket_handlers.values()):
        transaction.on_commit(lambda h=handler: h(facts), robust=True)  # type: ignore[misc]


def announce_call_answered(facts: CallAnswered) -> None:
    for handler in list(_call_handlers.values()):
        transaction.on_commit(lambda h=handler: h(facts), robust=True)  # type: ignore[misc]


@dataclass(frozen=True)
class ProtocolStatus:
    """What the IVR says of a protocol another module keeps (the agency's protocols live in portal,
    which service may not import): its number, a short subject and its status, in pt-BR."""

    protocol: str
    subject: str
    status: str
    status_label: str


_protocol_lookups: dict[str, Callable[[str], ProtocolStatus | None]] = {}


def register_protocol_lookup(name: str, lookup: Callable[[str], ProtocolStatus | None]) -> None:
    _protocol_lookups[name] = lookup


def protocol_lookup(protocol: str) -> ProtocolStatus | None:
    for lookup in list(_protocol_lookups.values()):
        found = lookup(protocol)
        if found is not None:
            return found
    return None
