"""The credit bureau step of the collection ladder (régua de cobrança): what the step would list on
a day, and committing it. Committing issues the prior written notices (CDC art. 43 §2); the daily
exchange (tasks.bureau_run) sends each inclusion once its notice period has passed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypedDict

from modules.common.audit import SystemActor

from .selectors_bureau import bureau_preview
from .services_bureau import bureau_listing_commit


class StepFigures(TypedDict):
    count: int
    amount: Decimal


def preview(as_of: dt.date) -> StepFigures:
    """Read-only: the properties and the amount a listing committed on `as_of` would notify."""
    figures = bureau_preview(as_of)
    return {"count": figures.count, "amount": figures.amount}


def run(as_of: dt.date) -> StepFigures:
    """Commit the listing of `as_of`; a second run the same day finds everyone already notified."""
    listing = bureau_listing_commit(actor=SystemActor("debt.ladder"), as_of=as_of)
    return {"count": listing.count, "amount": Decimal(listing.amount)}
