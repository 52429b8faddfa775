"""The demo generator's shape: realistic name variety and a meter park that is mostly within validity."""

from __future__ import annotations

import datetime as dt

from modules.metering.domain.meters import validity_end
from saas.demo.registry import build_csvs

TODAY = dt.date(2026, 3, 10)


def test_meters_are_mostly_within_validity_whatever_the_date() -> None:
    for today in (TODAY, dt.date(2031, 7, 1)):
        _, _, meters = build_csvs(3000, today=today)
        rows = [line.split(";") for line in meters.splitlines()[1:]]
        calibrated = [dt.date.fromisoformat(r[7]) for r in rows]
        installed = [dt.date.fromisoformat(r[9]) for r in rows]
        assert all(c < i <= today for c, i in zip(calibrated, installed, strict=True))
        due = sum(validity_end(c) <= today + dt.timedelta(days=90) for c in calibrated) / len(rows)
        assert 0.10 <= due <= 0.22, due


def test_names_vary_but_common_ones_are_common() -> None:
    customers, _, _ = build_csvs(3000, today=TODAY)
    names = [line.split(";")[1] for line in customers.splitlines()[1:]]
    assert len(set(names)) > 0.9 * len(names)
    given = {n.split()[0] for n in names if not n.endswith("Ltda")}
    assert len(given) > 100
    assert sum(n.startswith("Maria ") for n in names) > 3 * sum(n.startswith("Zuleide ") for n in names) + 20


def test_the_data_set_does_not_move_with_the_date_except_meter_dates() -> None:
    a = build_csvs(500, today=TODAY)
    b = build_csvs(500, today=TODAY + dt.timedelta(days=400))
    assert a[:2] == b[:2]
    serial = [line.split(";")[0] + line.split(";")[8] for line in a[2].splitlines()]
    assert serial == [line.split(";")[0] + line.split(";")[8] for line in b[2].splitlines()]
