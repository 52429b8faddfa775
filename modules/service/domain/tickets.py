"""Which waiting ticket a desk calls next (pure; ADR 0182).

Priorities by law: 1 — atendimento prioritário (Lei 10.048/2000: pessoas com deficiência, idosos
com 60 anos ou mais, gestantes, lactantes, pessoas com criança de colo, obesos; Lei 12.764/2012:
pessoas com TEA); 2 — prioridade especial dos maiores de 80 anos sobre os demais idosos
(Lei 13.466/2017, Estatuto da Pessoa Idosa art. 3º § 2º).

The rule, in order:
1. Higher priority first; inside a priority, the oldest ticket first (issue order).
2. Fairness, when the unit sets a streak N > 0: after N priority calls in a row in the unit, a
   waiting normal ticket is called next, so a line of priorities never stops the normal queue.
   N = 0 is strict priority. A streak counts calls in the unit, not per desk: two desks alternating
   share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Priority(IntEnum):
    NORMAL = 0
    PRIORITY = 1
    SPECIAL = 2  # 80+


PRIORITY_LABELS = {
    Priority.NORMAL: "Normal",
    Priority.PRIORITY: "Prioritária (60+, gestante, pessoa com deficiência…)",
    Priority.SPECIAL: "Prioridade especial (80+)",
}


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    TicketStatus.WAITING: "Aguardando",
    TicketStatus.CALLED: "Chamada",
    TicketStatus.FINISHED: "Atendida",
    TicketStatus.NO_SHOW: "Não compareceu",
    TicketStatus.CANCELLED: "Cancelada",
}


@dataclass(frozen=True)
class Waiting:
    ticket_id: int
    priority: int
    issued_at: dt.datetime
    number: int


def priority_run(recent_priorities: Sequence[int]) -> int:
    """How many of the latest calls (newest first) were priority calls, in a row."""
    run = 0
    for level in recent_priorities:
        if level <= Priority.NORMAL:
            break
        run += 1
    return run


def pick_next(waiting: Sequence[Waiting], recent_priorities: Sequence[int], streak: int) -> Waiting | None:
    """The ticket to call: `waiting` in any order, `recent_priorities` the priorities of the unit's
    latest calls today, newest first; None when nobody waits."""
    if not waiting:
        return None
    ordered = sorted(waiting, key=lambda w: (-w.priority, w.issued_at, w.number))
    normals = [w for w in ordered if w.priority <= Priority.NORMAL]
    fairness_due = streak > 0 and priority_run(recent_priorities) >= streak
    if fairness_due and normals and ordered[0].priority > Priority.NORMAL:
        return normals[0]
    return ordered[0]


def label(prefix: str, number: int) -> str:
    return f"{prefix}{number:03d}"
