"""Field arithmetic without a database: haversine distance, a track's speeds and stops, execution
time without the paused stretches, travel time between jobs."""

from __future__ import annotations

import datetime as dt

import pytest

from modules.service.domain.field import (
    Fix,
    Job,
    Mark,
    execution_seconds,
    haversine_km,
    track_summary,
    travel_seconds,
)

T0 = dt.datetime(2026, 4, 17, 11, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_haversine_one_hundredth_of_a_degree_of_latitude_is_1112_metres() -> None:
    assert haversine_km(-23.50, -47.45, -23.51, -47.45) == pytest.approx(1.112, rel=0.01)
    # São Paulo (Sé) to Sorocaba (centre) in a straight line
    assert haversine_km(-23.5505, -46.6333, -23.5015, -47.4526) == pytest.approx(83.6, rel=0.01)


def test_a_track_gives_distance_speeds_and_the_stops_that_last() -> None:
    fixes = [
        Fix(at(0), -23.500, -47.450),
        Fix(at(2), -23.510, -47.450),  # 1.112 km in 2 min: 33.4 km/h
        Fix(at(8), -23.510, -47.450),  # 6 min standing: a stop
        Fix(at(9), -23.510, -47.450),  # still standing: same stop
        Fix(at(10), -23.520, -47.450),  # 1.112 km in 1 min: 66.7 km/h
        Fix(at(10.5), -23.5201, -47.450),  # 30 s slow: too short for a stop
        Fix(at(12), -23.530, -47.450),
    ]

    s = track_summary(fixes, stop_speed_kmh=3, stop_min_seconds=120)

    assert s.fixes == 7
    assert s.distance_km == pytest.approx(3.336, rel=0.01)
    assert s.max_speed_kmh == pytest.approx(66.7, abs=0.1)
    assert [(st.start, st.end, st.seconds) for st in s.stops] == [(at(2), at(9), 420)]
    assert s.moving_seconds == 2 * 60 + 60 + 30 + 90


def test_execution_time_leaves_the_pauses_out() -> None:
    marks = [Mark("start", at(0)), Mark("pause", at(10)), Mark("resume", at(30)), Mark("close", at(50))]
    assert execution_seconds(marks) == 30 * 60
    assert execution_seconds([Mark("start", at(0)), Mark("pause", at(10)), Mark("close", at(40))]) == 600
    assert execution_seconds([Mark("close", at(5))]) is None  # closed without starting on the phone


def test_travel_is_the_gap_between_one_jobs_end_and_the_next_start() -> None:
    jobs = [Job(at(0), at(20)), Job(at(35), at(50)), Job(at(45), at(60)), Job(at(70), at(80))]
    assert travel_seconds(jobs) == (15 + 0 + 10) * 60  # the overlapping third job adds nothing
    assert travel_seconds([]) == 0
