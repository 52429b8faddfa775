"""The monthly reading schedule of a billing group, on the utility's calendar
(`modules.common.domain.calendar`: business days and due dates live there, ADR 0015).

Holidays are a parameter (a frozenset of dates, assembled outside the domain); so is every margin.
Nothing here reads the clock.

- Reading schedule (TR Sorocaba §12.1, BR-35): generated automatically for at least a year, never on a
  weekend or holiday, within the utility's margin of days around the group's nominal day. The group
  starts on its nominal day moved to the nearest business day inside the margin (later days first:
  reading late by a day is better than reading a short month); its routes follow one another, each
  taking its number of business days. Batch generation, billing and due dates derive from it (S12.1-01).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from modules.common.domain.calendar import Holidays, add_business_days, is_business_day, next_business_day
from modules.common.domain.dates import YearMonth
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode


@dataclass(frozen=True)
class RouteSlot:
    route: str
    business_days: int = 1


@dataclass(frozen=True)
class SchedulePolicy:
    margin_days: int = 2  # how far the group's start may move from its nominal day (§12.1, a parameter)
    batch_lead_business_days: int = 1  # reading batch generated this many business days before reading
    billing_lag_business_days: int = 1  # billing run after the last route is read
    due_calendar_days: int = 10  # due date = billing + days, then the next business day


@dataclass(frozen=True)
class RouteReading:
    route: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class GroupMonth:
    group: str
    month: YearMonth
    nominal: dt.date
    batch_generation: dt.date
    routes: tuple[RouteReading, ...]
    billing: dt.date
    due: dt.date

    @property
    def reading_start(self) -> dt.date:
        return self.routes[0].start

    @property
    def reading_end(self) -> dt.date:
        return self.routes[-1].end


def group_start(group: str, nominal: dt.date, margin_days: int, holidays: Holidays) -> dt.date:
    """The business day nearest the nominal day within the margin, later days first on a tie."""
    for distance in range(margin_days + 1):
        for candidate in (nominal + dt.timedelta(days=distance), nominal - dt.timedelta(days=distance)):
            if candidate.month == nominal.month and is_business_day(candidate, holidays):
                return candidate
    raise ValidationFailed(
        f"Não há dia útil a até {margin_days} dias de {nominal.strftime('%d/%m/%Y')}, dia nominal de leitura "
        f"do grupo {group}: aumente a margem ou ajuste o dia.",
        field="margin_days",
        code=ErrorCode.NO_BUSINESS_DAY_IN_MARGIN,
    )


def reading_schedule(
    group: str,
    nominal_day: int,
    routes: Sequence[RouteSlot],
    first_month: YearMonth,
    months: int,
    holidays: Holidays,
    policy: SchedulePolicy | None = None,
) -> tuple[GroupMonth, ...]:
    rules = policy or SchedulePolicy()
    if not 1 <= nominal_day <= 31:
        raise ValidationFailed(
            f"Dia nominal de leitura inválido: {nominal_day}.", field="nominal_day", code=CommonCode.INVALID
        )
    if not routes:
        raise ValidationFailed(f"O grupo {group} não tem rotas.", field="routes", code=CommonCode.INVALID)
    for index, slot in enumerate(routes):
        if slot.business_days < 1:
            raise ValidationFailed(
                f"A rota {slot.route} deve ter ao menos 1 dia útil de leitura ({slot.business_days}).",
                field=f"routes[{index}].business_days",
                code=CommonCode.INVALID,
            )
    if months < 1:
        raise ValidationFailed(
            "O cronograma deve ter ao menos 1 mês.", field="months", code=CommonCode.INVALID
        )
    schedule: list[GroupMonth] = []
    for offset in range(months):
        month = first_month.plus(offset)
        nominal = month.day(nominal_day)
        start = group_start(group, nominal, rules.margin_days, holidays)
        readings: list[RouteReading] = []
        day = start
        for slot in routes:
            end = add_business_days(day, slot.business_days - 1, holidays)
            readings.append(RouteReading(slot.route, day, end))
            day = add_business_days(end, 1, holidays)
        billing = add_business_days(readings[-1].end, rules.billing_lag_business_days, holidays)
        schedule.append(
            GroupMonth(
                group=group,
                month=month,
                nominal=nominal,
                batch_generation=add_business_days(start, -rules.batch_lead_business_days, holidays),
                routes=tuple(readings),
                billing=billing,
                due=next_business_day(billing + dt.timedelta(days=rules.due_calendar_days), holidays),
            )
        )
    return tuple(schedule)
