"""Medição of a contractor's month (3.2.11.26.2–.4), pure: what the month's executed orders are worth
under the contract, the penalties, and the net.

- Pricing: a fixed monthly value, or Σ(contract price of the code × quantity) over the executed
  services, each line rounded half-up to the cent (one rounding rule for fees, ADR 0160).
- Delay: an order executed after its deadline is late by the calendar days between the due local
  date and the execution local date, at least 1 (an order due at 10:00 done at 16:00 the same day is
  one day late). Penalty per day = contract's value per day × Σ days late.
- Late share: when the late orders are more than the tolerance (% of the month's executed orders),
  the penalty is that % of the gross (late_penalty_percent); at the tolerance exactly, none.
- The net is gross − penalties, never below zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def _cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ExecutedLine:
    order: str  # "2026/000123"
    code: str
    quantity: Decimal
    due_on: dt.date  # local dates
    executed_on: dt.date


@dataclass(frozen=True)
class Terms:
    pricing: str  # "fixed" | "per_service"
    monthly_value: Decimal
    prices: dict[str, Decimal]  # code → price, per_service only
    penalty_per_day: Decimal
    late_threshold_percent: Decimal
    late_penalty_percent: Decimal


@dataclass(frozen=True)
class PricedLine:
    order: str
    code: str
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal
    days_late: int


@dataclass(frozen=True)
class Result:
    lines: tuple[PricedLine, ...]
    gross: Decimal
    penalty_delay: Decimal
    penalty_late_share: Decimal
    net: Decimal
    orders: int
    late_orders: int
    late_days: int
    unpriced: tuple[str, ...]  # codes executed with no price in the contract (per_service)


def days_late(due_on: dt.date, executed_on: dt.date, executed_after_due: bool) -> int:
    if not executed_after_due:
        return 0
    return max(1, (executed_on - due_on).days)


def measure(terms: Terms, lines: list[ExecutedLine], late_flags: list[bool]) -> Result:
    """`late_flags[i]` says whether line i was executed after its due instant (the instant, not the
    date, decides lateness; the dates count the days)."""
    priced: list[PricedLine] = []
    unpriced: set[str] = set()
    late_by_order: dict[str, int] = {}
    for line, late in zip(lines, late_flags, strict=True):
        unit = terms.prices.get(line.code) if terms.pricing == "per_service" else None
        if terms.pricing == "per_service" and unit is None:
            unpriced.add(line.code)
        amount = _cent(unit * line.quantity) if unit is not None else Decimal("0.00")
        lateness = days_late(line.due_on, line.executed_on, late)
        late_by_order[line.order] = max(late_by_order.get(line.order, 0), lateness)
        priced.append(PricedLine(line.order, line.code, line.quantity, unit, amount, lateness))
    gross = (
        _cent(terms.monthly_value)
        if terms.pricing == "fixed"
        else sum((p.amount for p in priced), Decimal("0.00"))
    )
    orders = len(late_by_order)
    late_orders = sum(1 for d in late_by_order.values() if d > 0)
    total_days = sum(late_by_order.values())
    penalty_delay = _cent(terms.penalty_per_day * total_days)
    share = (Decimal(late_orders) * HUNDRED / Decimal(orders)) if orders else Decimal("0")
    penalty_share = Decimal("0.00")
    if terms.late_penalty_percent > 0 and share > terms.late_threshold_percent:
        penalty_share = _cent(gross * terms.late_penalty_percent / HUNDRED)
    net = max(Decimal("0.00"), gross - penalty_delay - penalty_share)
    return Result(
        lines=tuple(priced),
        gross=gross,
        penalty_delay=penalty_delay,
        penalty_late_share=penalty_share,
        net=net,
        orders=orders,
        late_orders=late_orders,
        late_days=total_days,
        unpriced=tuple(sorted(unpriced)),
    )
