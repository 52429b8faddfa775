"""Reads of the attendance channels: the call display's state, the desk's queue view, the tickets
with their waiting and service times (S10.1-07), and the telephony queue monitor (3.2.16.5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from .domain.callstats import CallFacts, QueueStats, queue_stats
from .domain.tickets import TicketFacts, TicketStatus, WaitStats, wait_stats
from .models import AttendanceUnit, Call, DisplayItem, Ticket, TicketQueue

PANEL_LAST = 6


def ticket_json(t: Ticket) -> dict[str, Any]:
    return {
        "id": t.pk,
        "label": t.label,
        "number": t.number,
        "point": t.unit.code,
        "type": t.prefix,
        "unit": t.unit_id,
        "queue": t.queue_id,
        "queue_name": t.queue.name,
        "priority": t.priority,
        "priority_reason": t.priority_reason,
        "status": t.status,
        "origin": t.origin,
        "note": t.note,
        "desk": t.desk,
        "issued_at": t.issued_at.isoformat(),
        "called_at": t.called_at.isoformat() if t.called_at else None,
        "finished_at": t.finished_at.isoformat() if t.finished_at else None,
        "calls": t.calls,
        "waiting_seconds": t.waiting_seconds,
        "service_seconds": t.service_seconds,
        "property": t.property_id,
        "customer": t.customer_id,
    }


def panel_state(unit: AttendanceUnit, day: dt.date) -> dict[str, Any]:
    """What the display shows: the latest calls (newest first; `key` changes on every call and
    recall, which is when the display chimes) and the unit's media playlist."""
    called = list(
        Ticket.objects.filter(unit=unit, day=day, last_called_at__isnull=False)
        .order_by("-last_called_at", "-id")
        .values("pk", "prefix", "number", "desk", "calls", "last_called_at")[:PANEL_LAST]
    )
    last = [
        {
            "label": f"{c['prefix']}{c['number']:03d}",
            "desk": c["desk"],
            "key": f"{c['pk']}.{c['calls']}",
            "called_at": c["last_called_at"].isoformat(),
        }
        for c in called
    ]
    media = DisplayItem.objects.filter(Q(unit=unit) | Q(unit__isnull=True), is_active=True).values(
        "kind", "url", "text", "seconds"
    )
    from .news_selectors import visible_news

    # the news in force for everyone on the totem channel run as text between the calls (3.2.15.13)
    news = [
        {"kind": "text", "url": "", "text": f"{n.title}: {n.body}", "seconds": 15}
        for n in visible_news(channel="totem", limit=3)
    ]
    return {
        "unit": unit.code,
        "name": unit.name,
        "current": last[0] if last else None,
        "last": last,
        "media": [*media, *news],
    }


@dataclass(frozen=True)
class QueueLine:
    queue: TicketQueue
    waiting: int
    oldest_issued_at: dt.datetime | None


def queue_lines(unit: AttendanceUnit, day: dt.date) -> list[QueueLine]:
    queues = list(unit.queues.filter(is_active=True).order_by("position", "id"))
    counts = {
        row["queue_id"]: row
        for row in Ticket.objects.filter(unit=unit, day=day, status=TicketStatus.WAITING)
        .values("queue_id")
        .annotate(n=Count("id"))
        .values("queue_id", "n")
    }
    oldest = dict(
        Ticket.objects.filter(unit=unit, day=day, status=TicketStatus.WAITING)
        .order_by("queue_id", "issued_at")
        .distinct("queue_id")
        .values_list("queue_id", "issued_at")
    )
    return [QueueLine(q, counts.get(q.pk, {}).get("n", 0), oldest.get(q.pk)) for q in queues]


def calls_between(start: dt.datetime, end: dt.datetime, queue: str = "") -> list[CallFacts]:
    rows = Call.objects.filter(started_at__gte=start, started_at__lt=end)
    if queue:
        rows = rows.filter(queue=queue)
    return [
        CallFacts(
            queued_at=r["ringing_at"] or r["started_at"],
            answered_at=r["answered_at"],
            ended_at=r["ended_at"],
            abandoned=r["abandoned"],
            agent=r["agent"],
            queue=r["queue"],
        )
        for r in rows.values(
            "started_at", "ringing_at", "answered_at", "ended_at", "abandoned", "agent", "queue"
        )
    ]


def queue_monitor(start: dt.datetime, end: dt.datetime, queue: str = "") -> QueueStats:
    return queue_stats(calls_between(start, end, queue))


def monitor_json(stats: QueueStats) -> dict[str, Any]:
    return {
        "calls": stats.calls,
        "answered": stats.answered,
        "abandoned": stats.abandoned,
        "average_wait_seconds": str(stats.average_wait_seconds),
        "max_wait_seconds": stats.max_wait_seconds,
        "abandonment_percent": str(stats.abandonment_percent),
        "agents": [
            {
                "agent": a.agent,
                "answered": a.answered,
                "average_wait_seconds": str(a.average_wait_seconds),
                "average_talk_seconds": str(a.average_talk_seconds),
            }
            for a in stats.agents
        ],
    }


@dataclass(frozen=True)
class TicketStatsRow:
    unit_code: str
    unit_name: str
    prefix: str
    queue_name: str
    stats: WaitStats


def ticket_stats(start: dt.date, end: dt.date, unit_id: int | None = None) -> list[TicketStatsRow]:
    """Waiting-time statistics per service point and ticket type over the days start..end
    (inclusive); one row per (unit, queue) that issued a ticket, and one "all types" row per unit
    (prefix "")."""
    rows = Ticket.objects.filter(day__gte=start, day__lte=end)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    groups: dict[tuple[int, int], list[TicketFacts]] = {}
    names: dict[int, tuple[str, str]] = {}
    queues: dict[int, tuple[str, str]] = {}
    for r in rows.values(
        "unit_id",
        "unit__code",
        "unit__name",
        "queue_id",
        "queue__prefix",
        "queue__name",
        "status",
        "priority",
        "issued_at",
        "called_at",
        "finished_at",
    ):
        wait = int((r["called_at"] - r["issued_at"]).total_seconds()) if r["called_at"] else None
        service = (
            int((r["finished_at"] - r["called_at"]).total_seconds())
            if r["called_at"] and r["finished_at"]
            else None
        )
        facts = TicketFacts(
            status=r["status"], priority=r["priority"], waiting_seconds=wait, service_seconds=service
        )
        groups.setdefault((r["unit_id"], r["queue_id"]), []).append(facts)
        groups.setdefault((r["unit_id"], 0), []).append(facts)
        names[r["unit_id"]] = (r["unit__code"], r["unit__name"])
        queues[r["queue_id"]] = (r["queue__prefix"], r["queue__name"])
    out = []
    for (unit, queue), group in groups.items():
        prefix, queue_name = queues[queue] if queue else ("", "Todos os tipos")
        out.append(TicketStatsRow(names[unit][0], names[unit][1], prefix, queue_name, wait_stats(group)))
    out.sort(key=lambda row: (row.unit_name, row.unit_code, row.prefix == "", row.prefix))
    return out


def ticket_stats_json(row: TicketStatsRow) -> dict[str, Any]:
    s = row.stats
    return {
        "point": row.unit_code,
        "point_name": row.unit_name,
        "type": row.prefix or None,
        "type_name": row.queue_name,
        "issued": s.issued,
        "called": s.called,
        "finished": s.finished,
        "no_show": s.no_show,
        "waiting": s.waiting,
        "priority": s.priority,
        "average_wait_seconds": s.average_wait_seconds,
        "max_wait_seconds": s.max_wait_seconds,
        "p90_wait_seconds": s.p90_wait_seconds,
        "average_service_seconds": s.average_service_seconds,
    }
