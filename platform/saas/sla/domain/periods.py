"""Intervals of unavailability, merged and cut into the contract's months.

A month runs from local midnight of its first day to local midnight of the next month's first day,
in the utility's time zone (the contract is performed where the utility is: an outage that crosses
midnight at the end of a month is split at the utility's midnight, not at UTC's). Instants are
aware datetimes; intervals are half-open [start, end).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from modules.common.domain.dates import YearMonth


def month_of(instant: dt.datetime, zone: ZoneInfo) -> YearMonth:
    """The month an instant falls in, read on the utility's wall clock."""
    local = instant.astimezone(zone)
    return YearMonth(local.year, local.month)


def month_bounds(month: YearMonth, zone: ZoneInfo) -> Interval:
    """The month as UTC instants: local midnight of day 1 to local midnight of the next day 1."""
    nxt = month.next()
    start = dt.datetime(month.year, month.month, 1, tzinfo=zone)
    end = dt.datetime(nxt.year, nxt.month, 1, tzinfo=zone)
    return Interval(start.astimezone(dt.UTC), end.astimezone(dt.UTC))


@dataclass(frozen=True, order=True)
class Interval:
    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("interval instants must be timezone-aware")
        if self.end < self.start:
            raise ValueError("interval ends before it starts")

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    def clip(self, window: Interval) -> Interval | None:
        start, end = max(self.start, window.start), min(self.end, window.end)
        return Interval(start, end) if start < end else None


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals become one; the result is sorted and disjoint."""
    merged: list[Interval] = []
    for item in sorted(i for i in intervals if i.start < i.end):
        if merged and item.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Interval(last.start, max(last.end, item.end))
        else:
            merged.append(item)
    return merged


def subtract(intervals: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """The parts of `intervals` outside every hole (used for excluded maintenance windows)."""
    result = merge(intervals)
    for hole in merge(holes):
        pieces: list[Interval] = []
        for item in result:
            if hole.end <= item.start or hole.start >= item.end:
                pieces.append(item)
                continue
            if item.start < hole.start:
                pieces.append(Interval(item.start, hole.start))
            if hole.end < item.end:
                pieces.append(Interval(hole.end, item.end))
        result = pieces
    return result


def total(intervals: Iterable[Interval]) -> dt.timedelta:
    """Total time covered, counting overlaps once."""
    return sum((i.duration for i in merge(intervals)), dt.timedelta(0))


def within(intervals: Iterable[Interval], window: Interval) -> list[Interval]:
    """The merged intervals cut to a window (e.g. a month's bounds)."""
    clipped = (i.clip(window) for i in merge(intervals))
    return [i for i in clipped if i is not None]


def split_by_month(interval: Interval, zone: ZoneInfo) -> list[tuple[YearMonth, Interval]]:
    """An interval cut at each local month boundary it crosses."""
    parts: list[tuple[YearMonth, Interval]] = []
    month = month_of(interval.start, zone)
    while True:
        piece = interval.clip(month_bounds(month, zone))
        if piece is not None:
            parts.append((month, piece))
        if month_bounds(month, zone).end >= interval.end:
            return parts
        month = month.next()
