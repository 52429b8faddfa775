"""What hydrometry tells the modules above it when a meter event happens (installed, removed,
swapped, calibration expiring), through handlers they register at start-up (AppConfig.ready), since
metering may not import them.

A handler runs after the event's transaction commits (`transaction.on_commit`, robust: a failing
handler is logged and never undoes or fails the committed event), with the event's kind, a source
key unique to the event ("metering.installation:123") and the property. A handler must be
idempotent on the source key: the same event may be announced again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

METER_INSTALLED = "meter_installed"
METER_REMOVED = "meter_removed"
METER_SWAPPED = "meter_swapped"
METER_EXPIRING = "meter_expiring"

EventHandler = Callable[..., Any]  # handler(kind, *, source, property_id, **detail)

_HANDLERS: dict[str, EventHandler] = {}


def register_event_handler(name: str, handler: EventHandler) -> None:
    _HANDLERS[name] = handler


def announce(kind: str, *, source: str, property_id: int, **detail: Any) -> None:
    """Call every registered handler once the current transaction commits (at once outside one)."""
    for name in sorted(_HANDLERS):
        transaction.on_commit(
            partial(_HANDLERS[name], kind, source=source, property_id=property_id, **detail), robust=True
        )
