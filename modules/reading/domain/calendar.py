"""Business days, the monthly reading schedule of a billing group, and due dates.

Holidays are a parameter (a frozenset of dates: national and state ones from the `holidays`
package plus the utility's municipal table, assembled outside the domain); so is every margin and
option. Nothing here reads the clock.

- Reading schedule (TR Sorocaba §12.1, BR-35): generated automatically for at least a year, never on a
  weekend or holiday, within the utility's margin of days around the group's nominal day. The group
  starts on its nominal day moved to the nearest business day inside the margin (later days first:
  reading late by a day is better than reading a short month); its routes follow one another, each
  taking its number of business days. Batch generation, billing and due dates derive from it (S12.1-01).
- Due date (BR-10, VA-27): the customer's chosen day among the utility's options (Lei 9.791/1999: at
  least six), clamped or rolled in short months, moved off non-business days as the tenant says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed

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


# --- reading schedule ------------------------------------------------------------------------------


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
        code="no_business_day_in_margin",
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
        raise ValidationFailed(f"Dia nominal de leitura inválido: {nominal_day}.", field="nominal_day")
    if not routes:
        raise ValidationFailed(f"O grupo {group} não tem rotas.", field="routes")
    for index, slot in enumerate(routes):
        if slot.business_days < 1:
            raise ValidationFailed(
                f"A rota {slot.route} deve ter ao menos 1 dia útil de leitura ({slot.business_days}).",
                field=f"routes[{index}].business_days",
            )
    if months < 1:
        raise ValidationFailed("O cronograma deve ter ao menos 1 mês.", field="months")
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
            code="due_day_not_offered",
        )
    due = _due_in(month, chosen_day, holidays, opts)
    if issued_on is not None and due < issued_on + dt.timedelta(days=opts.min_days_after_issue):
        due = _due_in(month.next(), chosen_day, holidays, opts)
    return due
