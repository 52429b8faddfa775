"""The utility's calendar: business days and due dates.

Holidays are a parameter (a frozenset of dates: national and state ones from the `holidays` package
plus the utility's municipal table, assembled outside the domain by `reading.services.holidays_between`);
so is every option. Nothing here reads the clock. Every module that counts business days or sets a
due date (billing, debt agreements, collection's late charges) uses this one, so a holiday moves every
date the same way (ADR 0015).

- Due date (BR-10, VA-27): the customer's chosen day among the utility's options (Lei 9.791/1999: at
  least six), clamped or rolled in short months, moved off non-business days as the tenant says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from modules.common.domain.dates import YearMonth
from modules.common.errors import ErrorCode, ValidationFailed

Holidays = frozenset[dt.date]
ONE_DAY = dt.timedelta(days=1)


def is_business_day(day: dt.date, holidays: Holidays) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_business_day(day: dt.date, holidays: Holidays) -> dt.date:
    """`day` itself when it is a business day, else the first one after it."""
    while not is_business_day(day, holidays):
        day += ONE_DAY
    return day


def previous_business_day(day: dt.date, holidays: Holidays) -> dt.date:
    """`day` itself when it is a business day, else the last one before it."""
    while not is_business_day(day, holidays):
        day -= ONE_DAY
    return day


def add_business_days(day: dt.date, count: int, holidays: Holidays) -> dt.date:
    """Move `count` business days (negative: back). Zero returns `day` unchanged."""
    step = ONE_DAY if count >= 0 else -ONE_DAY
    left = abs(count)
    while left:
        day += step
        if is_business_day(day, holidays):
            left -= 1
    return day


def business_days_between(start: dt.date, end: dt.date, holidays: Holidays) -> int:
    """Business days in (start, end]; negative when end is before start."""
    if end < start:
        return -business_days_between(end, start, holidays)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if is_business_day(day, holidays):
            count += 1
    return count


# --- due dates -------------------------------------------------------------------------------------


class ShortMonthRule(StrEnum):
    LAST_DAY = "last_day"  # day 30 in February → 28/02 (then the non-business rule)
    NEXT_MONTH = "next_month"  # day 30 in February → the first business day of March


class NonBusinessDayRule(StrEnum):
    NEXT = "next"
    PREVIOUS = "previous"


DEFAULT_DUE_DAYS = (5, 10, 15, 20, 25, 30)
LEGAL_MINIMUM_OPTIONS = 6  # Lei 8.987/1995 art. 7º-A (Lei 9.791/1999): at least six due dates to choose


@dataclass(frozen=True)
class DueDateOptions:
    days: tuple[int, ...] = DEFAULT_DUE_DAYS
    short_month: ShortMonthRule = ShortMonthRule.LAST_DAY
    non_business: NonBusinessDayRule = NonBusinessDayRule.NEXT
    min_days_after_issue: int = 0  # a bill is never due sooner than this after it is issued


def due_day_problems(options: DueDateOptions) -> list[str]:
    problems: list[str] = []
    if any(not 1 <= day <= 31 for day in options.days):
        problems.append("Os dias de vencimento devem estar entre 1 e 31.")
    if len(set(options.days)) < LEGAL_MINIMUM_OPTIONS:
        problems.append(
            f"A concessionária deve oferecer ao menos {LEGAL_MINIMUM_OPTIONS} datas de vencimento distintas "
            f"(Lei 9.791/1999); há {len(set(options.days))}."
        )
    if options.min_days_after_issue < 0:
        problems.append("O prazo mínimo entre emissão e vencimento não pode ser negativo.")
    return problems


def _due_in(month: YearMonth, chosen_day: int, holidays: Holidays, options: DueDateOptions) -> dt.date:
    if chosen_day > month.last_day().day and options.short_month is ShortMonthRule.NEXT_MONTH:
        return next_business_day(month.last_day() + ONE_DAY, holidays)
    day = month.day(chosen_day)
    if options.non_business is NonBusinessDayRule.NEXT:
        return next_business_day(day, holidays)
    return previous_business_day(day, holidays)


def due_date(
    month: YearMonth,
    chosen_day: int,
    holidays: Holidays,
    options: DueDateOptions | None = None,
    *,
    issued_on: dt.date | None = None,
) -> dt.date:
    """The due date in `month` for a customer who chose `chosen_day`; when that leaves less than the
    minimum time after issue, the chosen day of the next month."""
    opts = options or DueDateOptions()
    if chosen_day not in opts.days:
        offered = ", ".join(str(d) for d in opts.days)
        raise ValidationFailed(
            f"Dia de vencimento {chosen_day} não está entre as opções da concessionária ({offered}).",
            field="due_day",
            code=ErrorCode.DUE_DAY_NOT_OFFERED,
        )
    due = _due_in(month, chosen_day, holidays, opts)
    if issued_on is not None and due < issued_on + dt.timedelta(days=opts.min_days_after_issue):
        due = _due_in(month.next(), chosen_day, holidays, opts)
    return due
