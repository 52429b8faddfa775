"""From probe results to outages: an outage starts at the first failed probe and ends at the first
successful one after it. Results are folded in time order; the state is what the database keeps
per tenant between probes."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from .periods import Interval


@dataclass(frozen=True)
class ProbeState:
    last_at: dt.datetime | None = None
    open_since: dt.datetime | None = None  # start of the outage in progress


class Transition(enum.StrEnum):
    NONE = "none"
    OPEN = "open"  # an outage starts at this probe
    CLOSE = "close"  # the outage in progress ends at this probe
    STALE = "stale"  # older than the last result applied: recorded, not applied


def step(state: ProbeState, *, at: dt.datetime, ok: bool) -> tuple[ProbeState, Transition]:
    if state.last_at is not None and at <= state.last_at:
        return state, Transition.STALE
    if ok:
        if state.open_since is not None:
            return ProbeState(last_at=at, open_since=None), Transition.CLOSE
        return ProbeState(last_at=at), Transition.NONE
    if state.open_since is None:
        return ProbeState(last_at=at, open_since=at), Transition.OPEN
    return ProbeState(last_at=at, open_since=state.open_since), Transition.NONE


def outages_from(results: Iterable[tuple[dt.datetime, bool]], *, as_of: dt.datetime) -> list[Interval]:
    """Every outage a sequence of probe results implies; one still open ends at `as_of`."""
    state = ProbeState()
    found: list[Interval] = []
    for at, ok in sorted(results):
        start = state.open_since
        state, transition = step(state, at=at, ok=ok)
        if transition is Transition.CLOSE and start is not None:
            found.append(Interval(start, at))
    if state.open_since is not None and as_of > state.open_since:
        found.append(Interval(state.open_since, as_of))
    return found
