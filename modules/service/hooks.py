"""What the desk learns from the layers above it, registered in their `apps.py` (ARCHITECTURE.md:
a lower module hears about a higher one only through a hook).

- `desk_settings`: the sectors protocols are routed to and the attachment limits. The agency's
  settings screen owns them today (portal registers the source); without one, the defaults.
- `ticket_waiting_since`: when the person behind a queue ticket (senha) started waiting, so an
  attendance opened from the ticket measures its waiting time (S10.1-07). The queue app registers it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_UNITS = ("Atendimento", "Ouvidoria", "Comercial", "Cadastro", "Operação e manutenção")


@dataclass(frozen=True)
class DeskSettings:
    units: tuple[str, ...] = DEFAULT_UNITS
    attachment_max_files: int = 3
    attachment_max_bytes: int = 5_000_000
    ombudsman_email: str = ""


_settings_source: Callable[[], DeskSettings] | None = None
_ticket_source: Callable[[int], dt.datetime | None] | None = None


def register_desk_settings(source: Callable[[], DeskSettings]) -> None:
    global _settings_source
    _settings_source = source


def desk_settings() -> DeskSettings:
    return _settings_source() if _settings_source else DeskSettings()


def register_ticket_source(source: Callable[[int], dt.datetime | None]) -> None:
    global _ticket_source
    _ticket_source = source


def ticket_waiting_since(ticket_id: int) -> dt.datetime | None:
    return _ticket_source(ticket_id) if _ticket_source else None
