"""Pure rules of rental contracts (seed 002 §10.15): the tenant's relation and the debts a tenant may
act on. No Django, no clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A contract's validity: both days inclusive."""

    start: dt.date
    end: dt.date

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def covers_month(self, reference: dt.date) -> bool:
        """A bill's reference month falls within the contract when the month overlaps it: a contract
        from 2024-01-15 answers for the 2024-01 bill."""
        first = reference.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first <= self.end and following > self.start


def relation_end(last_day: dt.date) -> dt.date:
    """PropertyRelation.end is exclusive (domain/payer.py): the tenant's relation ends the day after
    the contract's last day."""
    return last_day + ONE_DAY


def references_outside(references: Iterable[dt.date], periods: Iterable[Period]) -> list[dt.date]:
    """The reference months no period covers, sorted, once each."""
    spans = list(periods)
    return sorted({r for r in references if not any(p.covers_month(r) for p in spans)})
