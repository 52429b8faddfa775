"""The queue monitor's figures from the calls the telephony events left (3.2.16.5), pure.

Waiting time of a call: from entering the queue (ringing, or the start when no ringing came) to
the answer, or to the hang-up of an abandoned call. Average wait counts answered calls only (what a
caller who got through waited); abandonment rate = abandoned ÷ calls that reached the queue.
Per agent: calls answered, average talk time (answer → end) and average wait of their calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class CallFacts:
    queued_at: dt.datetime
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    abandoned: bool
    agent: str
    queue: str


@dataclass(frozen=True)
class AgentStats:
    agent: str
    answered: int
    average_wait_seconds: Decimal
    average_talk_seconds: Decimal


@dataclass(frozen=True)
class QueueStats:
    calls: int
    answered: int
    abandoned: int
    average_wait_seconds: Decimal
    max_wait_seconds: int
    abandonment_percent: Decimal
    agents: tuple[AgentStats, ...] = field(default_factory=tuple)


TENTH = Decimal("0.1")


def _avg(values: list[int]) -> Decimal:
    if not values:
        return Decimal("0.0")
    return (Decimal(sum(values)) / len(values)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _seconds(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, int((end - start).total_seconds()))


def queue_stats(calls: Iterable[CallFacts]) -> QueueStats:
    rows = list(calls)
    answered = [c for c in rows if c.answered_at is not None]
    abandoned = [c for c in rows if c.abandoned and c.answered_at is None]
    waits = [_seconds(c.queued_at, c.answered_at) for c in answered if c.answered_at]
    abandon_waits = [_seconds(c.queued_at, c.ended_at) for c in abandoned if c.ended_at]
    considered = len(answered) + len(abandoned)
    percent = (
        (Decimal(len(abandoned)) * 100 / considered).quantize(TENTH, rounding=ROUND_HALF_UP)
        if considered
        else Decimal("0.0")
    )
    by_agent: dict[str, list[CallFacts]] = {}
    for c in answered:
        by_agent.setdefault(c.agent or "—", []).append(c)
    agents = tuple(
        AgentStats(
            agent=name,
            answered=len(items),
            average_wait_seconds=_avg([_seconds(c.queued_at, c.answered_at) for c in items if c.answered_at]),
            average_talk_seconds=_avg(
                [_seconds(c.answered_at, c.ended_at) for c in items if c.answered_at and c.ended_at]
            ),
        )
        for name, items in sorted(by_agent.items())
    )
    return QueueStats(
        calls=len(rows),
        answered=len(answered),
        abandoned=len(abandoned),
        average_wait_seconds=_avg(waits),
        max_wait_seconds=max(waits + abandon_waits, default=0),
        abandonment_percent=percent,
        agents=agents,
    )
