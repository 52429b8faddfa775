"""The reading schedule of a billing group, with São Paulo's 2026 holidays from the `holidays` package
plus a municipal one (the domain takes a plain frozenset)."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from modules.common.domain.calendar import is_business_day
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.reading.domain.schedule import RouteSlot, SchedulePolicy, reading_schedule

CORPUS_CHRISTI = dt.date(2026, 6, 4)  # a municipal holiday of the utility's own table
SP = frozenset(holidays.country_holidays("BR", subdiv="SP", years=range(2026, 2029))) | {CORPUS_CHRISTI}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_reading_schedule_of_group_03_in_july_2026() -> None:
    """Nominal day 9 is a holiday in SP in July: the group reads from Friday the 10th."""
    schedule = reading_schedule(
        "03",
        9,
        [RouteSlot("R1", 2), RouteSlot("R2")],
        YearMonth(2026, 7),
        12,
        SP,
        SchedulePolicy(margin_days=2),
    )
    july = schedule[0]
    assert july.nominal == d("2026-07-09")
    assert [(r.route, r.start, r.end) for r in july.routes] == [
        ("R1", d("2026-07-10"), d("2026-07-13")),
        ("R2", d("2026-07-14"), d("2026-07-14")),
    ]
    assert july.batch_generation == d("2026-07-08")
    assert july.billing == d("2026-07-15")
    assert july.due == d("2026-07-27")  # 25/07 is a Saturday
    assert schedule[1].reading_start == d("2026-08-10")  # 09/08/2026 is a Sunday


def test_a_year_of_schedule_never_reads_on_a_weekend_or_holiday() -> None:
    """S12.1-02: 12 months, ±2-day margin: every date a business day, within the margin of the nominal day."""
    schedule = reading_schedule("07", 15, [RouteSlot("A"), RouteSlot("B", 3)], YearMonth(2026, 1), 12, SP)
    assert len(schedule) == 12 and [g.month for g in schedule] == [YearMonth(2026, m) for m in range(1, 13)]
    for month in schedule:
        assert abs((month.reading_start - month.nominal).days) <= 2
        dates = [month.batch_generation, month.billing, month.due]
        dates += [day for r in month.routes for day in (r.start, r.end)]
        assert all(is_business_day(day, SP) for day in dates)
        assert month.batch_generation < month.reading_start <= month.reading_end < month.billing < month.due


def test_the_group_start_stays_in_its_month() -> None:
    """31/01/2026 is a Saturday; 01/02 is another month, so the group reads on Friday the 30th."""
    schedule = reading_schedule("01", 31, [RouteSlot("A")], YearMonth(2026, 1), 2, SP)
    assert schedule[0].reading_start == d("2026-01-30")
    assert schedule[1].nominal == d("2026-02-28")  # day 31 clamped in February
    assert schedule[1].reading_start == d("2026-02-27")


@pytest.mark.parametrize(
    ("kwargs", "message", "field"),
    [
        (
            {"nominal_day": 8, "policy": SchedulePolicy(margin_days=0)},
            "Não há dia útil a até 0 dias de 08/08/2026, dia nominal de leitura do grupo 03: "
            "aumente a margem ou ajuste o dia.",
            "margin_days",
        ),
        ({"nominal_day": 32}, "Dia nominal de leitura inválido: 32.", "nominal_day"),
        ({"routes": []}, "O grupo 03 não tem rotas.", "routes"),
        (
            {"routes": [RouteSlot("R1", 0)]},
            "A rota R1 deve ter ao menos 1 dia útil de leitura (0).",
            "routes[0].business_days",
        ),
        ({"months": 0}, "O cronograma deve ter ao menos 1 mês.", "months"),
    ],
)
def test_bad_schedules(kwargs: dict[str, object], message: str, field: str) -> None:
    arguments: dict[str, object] = {
        "group": "03",
        "nominal_day": 10,
        "routes": [RouteSlot("R1")],
        "first_month": YearMonth(2026, 8),
        "months": 1,
        "holidays": SP,
    }
    arguments.update(kwargs)
    with pytest.raises(ValidationFailed) as raised:
        reading_schedule(**arguments)  # type: ignore[arg-type]
    assert (raised.value.message, raised.value.field) == (message, field)
