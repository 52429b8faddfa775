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


class PriorityReason(StrEnum):
    """Why the citizen claims a legal priority when taking the ticket (the totem's second question,
    the API's `priority`): each reason raises the ticket to its legal level, never lowers the
    level the ticket's type (queue) already gives (3.2.15.11)."""

    NONE = "none"
    ELDERLY = "elderly"  # 60 anos ou mais (Lei 10.048/2000, Estatuto da Pessoa Idosa art. 3º § 1º)
    ELDERLY_80 = "elderly_80"  # 80 anos ou mais, sobre os demais idosos (Lei 13.466/2017, art. 3º § 2º)
    PREGNANT = "pregnant"
    LACTATING = "lactating"
    DISABLED = "disabled"
    LAP_CHILD = "lap_child"
    AUTISM = "autism"  # Lei 12.764/2012


REASON_LEVELS = {
    PriorityReason.NONE: Priority.NORMAL,
    PriorityReason.ELDERLY: Priority.PRIORITY,
    PriorityReason.ELDERLY_80: Priority.SPECIAL,
    PriorityReason.PREGNANT: Priority.PRIORITY,
    PriorityReason.LACTATING: Priority.PRIORITY,
    PriorityReason.DISABLED: Priority.PRIORITY,
    PriorityReason.LAP_CHILD: Priority.PRIORITY,
    PriorityReason.AUTISM: Priority.PRIORITY,
}

REASON_LABELS = {
    PriorityReason.NONE: "Sem prioridade",
    PriorityReason.ELDERLY: "Pessoa idosa (60 anos ou mais)",
    PriorityReason.ELDERLY_80: "Pessoa idosa com 80 anos ou mais",
    PriorityReason.PREGNANT: "Gestante",
    PriorityReason.LACTATING: "Lactante",
    PriorityReason.DISABLED: "Pessoa com deficiência",
    PriorityReason.LAP_CHILD: "Pessoa com criança de colo",
    PriorityReason.AUTISM: "Pessoa com transtorno do espectro autista",
}


def ticket_priority(queue_priority: int, reason: str) -> int:
    """The level a new ticket gets: the higher of its type's level and the claimed reason's.
    ValueError for a reason the law does not list."""
    level = REASON_LEVELS[PriorityReason(reason)]
    return max(int(queue_priority), int(level))


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


@dataclass(frozen=True)
class TicketFacts:
    status: str
    priority: int
    waiting_seconds: int | None  # issue → first call; None while waiting (or cancelled before)
    service_seconds: int | None  # first call → finish


@dataclass(frozen=True)
class WaitStats:
    issued: int
    called: int
    finished: int
    no_show: int
    waiting: int
    priority: int  # tickets issued with a legal priority (level > 0)
    average_wait_seconds: int | None
    max_wait_seconds: int | None
    p90_wait_seconds: int | None
    average_service_seconds: int | None


def _mean(values: Sequence[int]) -> int | None:
    if not values:
        return None
    # whole seconds, half up: a displayed average never needs more
    return (2 * sum(values) + len(values)) // (2 * len(values))


def _p90(values: Sequence[int]) -> int | None:
    """The nearest-rank 90th percentile: the smallest wait that 90 % of the calls did not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    rank = -(-9 * len(ordered) // 10)  # ceil(0.9 n)
    return ordered[rank - 1]


def wait_stats(facts: Sequence[TicketFacts]) -> WaitStats:
    """Waiting time (issue → call) and service time (call → finish) of a set of tickets, the
    figures of the statistics page per type and point (S10.1-07)."""
    waits = [f.waiting_seconds for f in facts if f.waiting_seconds is not None]
    services = [f.service_seconds for f in facts if f.service_seconds is not None]
    return WaitStats(
        issued=len(facts),
        called=len(waits),
        finished=sum(1 for f in facts if f.status == TicketStatus.FINISHED),
        no_show=sum(1 for f in facts if f.status == TicketStatus.NO_SHOW),
        waiting=sum(1 for f in facts if f.status == TicketStatus.WAITING),
        priority=sum(1 for f in facts if f.priority > Priority.NORMAL),
        average_wait_seconds=_mean(waits),
        max_wait_seconds=max(waits) if waits else None,
        p90_wait_seconds=_p90(waits),
        average_service_seconds=_mean(services),
    )
