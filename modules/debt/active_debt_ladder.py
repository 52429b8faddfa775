"""The collection ladder's step "inscrição em dívida ativa" (issue #16): what a run on `as_of` would
enrol under the utility's settings (days overdue, minimum per property), and the run itself. The
ladder registry (modules/debt/ladder.py) calls these two; a run is idempotent (a bill already on a
live line is not eligible), so re-running a day enrols nothing twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from modules.common.audit import SystemActor

from . import active_debt_selectors as reads
from .active_debt_services import active_debt_enrol

ACTOR = SystemActor("régua de cobrança")


def preview(as_of: dt.date) -> dict[str, Any]:
    found = reads.eligible(reads.default_criteria(as_of), as_of)
    return {"count": found.count, "amount": found.amount}


def run(as_of: dt.date) -> dict[str, Any]:
    book = active_debt_enrol(actor=ACTOR, criteria=reads.default_criteria(as_of), as_of=as_of)
    if book is None:
        return {"count": 0, "amount": Decimal("0.00"), "book": None}
    return {"count": book.entries_count, "amount": Decimal(book.total), "book": book.number}
