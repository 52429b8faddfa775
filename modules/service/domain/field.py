"""Field arithmetic, pure: distance between GPS fixes (haversine), a day's track summarised into
distance, speeds and stops (3.2.12.1), execution time without the paused stretches (3.2.12.4) and the
travel time between one job's end and the next one's start (3.2.12.7)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


@dataclass(frozen=True)
class Fix:
    at: dt.datetime
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Stop:
    start: dt.datetime
    end: dt.datetime
    latitude: float
    longitude: float

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


@dataclass(frozen=True)
class TrackSummary:
    fixes: int
    distance_km: float
    moving_seconds: int
    max_speed_kmh: float
    average_speed_kmh: float  # over the time in motion (stops left out)
    stops: tuple[Stop, ...]


def haversine_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def track_summary(fixes: Sequence[Fix], stop_speed_kmh: float, stop_min_seconds: int) -> TrackSummary:
    """The fixes in time order: each leg's speed is its distance over its time; consecutive legs
    slower than `stop_speed_kmh` form a stop when they last at least `stop_min_seconds` (shorter
    ones count as slow motion). Legs of zero duration (duplicate fixes) are skipped."""
    ordered = sorted(fixes, key=lambda f: f.at)
    distance = 0.0
    moving = 0
    max_speed = 0.0
    stops: list[Stop] = []
    slow_start: Fix | None = None
    slow_end: Fix | None = None
    slow_distance = 0.0
    stopped_distance = 0.0

    def close_slow() -> None:
        nonlocal moving, stopped_distance, slow_start, slow_end, slow_distance
        if slow_start is not None and slow_end is not None:
            seconds = int((slow_end.at - slow_start.at).total_seconds())
            if seconds >= stop_min_seconds:
                stops.append(Stop(slow_start.at, slow_end.at, slow_start.latitude, slow_start.longitude))
                stopped_distance += slow_distance
            else:
                moving += seconds
        slow_start = slow_end = None
        slow_distance = 0.0

    for prev, cur in pairwise(ordered):
        seconds = (cur.at - prev.at).total_seconds()
        if seconds <= 0:
            continue
        km = haversine_km(prev.latitude, prev.longitude, cur.latitude, cur.longitude)
        distance += km
        speed = km / (seconds / 3600)
        if speed < stop_speed_kmh:
            if slow_start is None:
                slow_start = prev
            slow_end = cur
            slow_distance += km
            continue
        close_slow()
        moving += int(seconds)
        max_speed = max(max_speed, speed)
    close_slow()
    moving_distance = distance - stopped_distance
    average = moving_distance / (moving / 3600) if moving else 0.0
    return TrackSummary(
        fixes=len(ordered),
        distance_km=round(distance, 3),
        moving_seconds=moving,
        max_speed_kmh=round(max_speed, 1),
        average_speed_kmh=round(average, 1),
        stops=tuple(stops),
    )


@dataclass(frozen=True)
class Mark:
    """A moment of a job's execution as the phone reported it."""

    kind: str  # start | pause | resume | close | not_execute
    at: dt.datetime


def execution_seconds(marks: Sequence[Mark]) -> int | None:
    """From the first start to the close, without the paused stretches (pause → resume, or pause →
    close). None when the job was never started on the phone (closed straight away)."""
    ordered = sorted(marks, key=lambda m: m.at)
    started: dt.datetime | None = None
    total = 0.0
    for mark in ordered:
        if mark.kind in {"start", "resume"} and started is None:
            started = mark.at
        elif mark.kind in {"pause", "close", "not_execute"} and started is not None:
            total += (mark.at - started).total_seconds()
            started = None
    if not any(m.kind == "start" for m in ordered):
        return None
    return int(total)


@dataclass(frozen=True)
class Job:
    """One job of a team's day: when the phone started it (or closed it, if never started) and
    closed it."""

    started: dt.datetime
    ended: dt.datetime


def travel_seconds(jobs: Sequence[Job]) -> int:
    """Σ of the gaps between one job's end and the next one's start, in the day's order; overlapping
    jobs (a second started before the first closed) add nothing."""
    ordered = sorted(jobs, key=lambda j: j.started)
    total = 0.0
    latest_end: dt.datetime | None = None
    for job in ordered:
        if latest_end is not None:
            total += max(0.0, (job.started - latest_end).total_seconds())
        latest_end = job.ended if latest_end is None else max(latest_end, job.ended)
    return int(total)
