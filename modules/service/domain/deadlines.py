"""Execution deadlines (3.2.11.1.12): N business days on the utility's calendar, or N clock hours.

- Hours are elapsed time: 6 hours from 21:00 is 03:00 the next day, whatever the calendar says (an
  emergency leak does not wait for Monday); counted on the instant, so a change of offset cannot add
  or lose an hour.
- Business days are counted on the utility's local date: the due instant is the same local time of
  day on the Nth business day after the opening date (opened Friday 10:00 with 2 business days, due
  Tuesday 10:00; opened Saturday, the days start on Monday). Holidays are a parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from modules.common.domain.calendar import Holidays, add_business_days
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode


class DeadlineUnit(StrEnum):
    BUSINESS_DAYS = "business_days"
    HOURS = "hours"


UNIT_LABELS = {DeadlineUnit.BUSINESS_DAYS: "dias úteis", DeadlineUnit.HOURS: "horas"}


@dataclass(frozen=True)
class Deadline:
    value: int
    unit: DeadlineUnit

    def __post_init__(self) -> None:
        if self.value < 1:
            raise ValidationFailed(
                "O prazo de execução deve ser de ao menos 1.", field="deadline.value", code=ErrorCode.INVALID
            )

    def __str__(self) -> str:
        return f"{self.value} {UNIT_LABELS[self.unit]}"


def due_at(opened_at: dt.datetime, deadline: Deadline, zone: ZoneInfo, holidays: Holidays) -> dt.datetime:
    """When an order opened at `opened_at` (aware) must be done; answered in `zone`."""
    if opened_at.tzinfo is None:
        raise ValueError("opened_at must be aware")
    if deadline.unit is DeadlineUnit.HOURS:
        utc = opened_at.astimezone(dt.UTC) + dt.timedelta(hours=deadline.value)
        return utc.astimezone(zone)
    local = opened_at.astimezone(zone)
    day = add_business_days(local.date(), deadline.value, holidays)
    return dt.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=zone)


def holiday_window(start: dt.date, deadline: Deadline) -> tuple[dt.date, dt.date]:
    """The dates (from the local opening date) whose holidays can matter for this deadline: a
    business day never needs more than three calendar days, plus the weekends around them."""
    if deadline.unit is DeadlineUnit.HOURS:
        return start, start
    return start, start + dt.timedelta(days=deadline.value * 3 + 10)


@dataclass(frozen=True)
class Remaining:
    seconds: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.seconds < 0

    def label(self) -> str:
        """pt-BR, e.g. "2 d 3 h", "45 min", "atrasada há 5 h"."""
        total = abs(self.seconds)
        days, rest = divmod(total, 86400)
        hours, rest = divmod(rest, 3600)
        minutes = rest // 60
        if days:
            text = f"{days} d {hours} h" if hours else f"{days} d"
        elif hours:
            text = f"{hours} h {minutes} min" if minutes else f"{hours} h"
        else:
            text = f"{minutes} min"
        return f"atrasada há {text}" if self.overdue else text


def remaining(due: dt.datetime, now: dt.datetime) -> Remaining:
    return Remaining(int((due - now).total_seconds()))
