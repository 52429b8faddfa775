"""What reading tells the modules above it when a reading is recorded with an occurrence, or its
consumption goes to review (crítica), through handlers they register at start-up (AppConfig.ready),
since reading may not import them.

A handler runs after the reading's transaction commits (`transaction.on_commit`, robust: a failing
handler is logged and never undoes or fails the committed reading), with the event's kind, a source
key unique to the event ("reading.occurrence:123") and the property; idempotent on that key.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

READING_OCCURRENCE = "reading_occurrence"
CONSUMPTION_REVIEW = "consumption_review"

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
