"""The data of the consumption-review tests: a tariff and group ready to bill 05/2025, a released
bill of 16 m³ (R$ 40,56 on the test tariff), a reviewer with or without billing's right to change
bills, and a complete request form."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from modules.access.models import Profile, ProfileGrant
from modules.billing.models import Bill
from modules.billing.services import runs
from modules.common.domain.dates import YearMonth
from modules.reading.services import ReadingInput, reading_register
from modules.service.services import reviews as svc
from tests.billing import factories as f
from tests.conftest import make_user

MONTH = YearMonth(2025, 5)
SP = ZoneInfo("America/Sao_Paulo")


def billing_ready() -> Any:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    f.schedule(g, MONTH)
    return g


def bill_of(g: Any, value: int = 16) -> Bill:
    """A released bill of 05/2025 for 16 m³ (R$ 40,56 on the test tariff, tests/billing/test_rebill)."""
    p = f.billable(g)
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), value, ""))
    run = runs.run_create(actor=f.ACTOR, group=g, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31))
    for chunk in run.chunks.order_by("number"):
        runs.chunk_process(chunk_id=chunk.pk)
    runs.run_release(actor=f.ACTOR, run=run)
    return Bill.objects.get(run=run, property=p)


def reviewer(username: str, *, rebill: bool) -> Any:
    """A user who works reviews; `rebill` adds billing's right to change bills."""
    profile = Profile.objects.create(name=f"Revisor {username}")
    ProfileGrant.objects.create(
        profile=profile, function="service.reviews", can_view=True, can_add=True, can_change=True
    )
    if rebill:
        ProfileGrant.objects.create(profile=profile, function="billing.bills", can_view=True, can_change=True)
    user = make_user("alpha", username)
    user.profiles.add(profile)
    return user


def form(prop_id: int, **over: Any) -> svc.ReviewForm:
    fields: dict[str, Any] = {
        "property_id": prop_id,
        "reference": MONTH,
        "requester_name": "José da Silva",
        "requester_phone": "15999991234",
        "requester_email": "jose@example.com",
        "residents": 3,
        "has_pool": True,
        "pool_liters": 12000,
        "has_washing_machine": True,
        "has_water_tank": True,
        "tank_liters": 1000,
        "other_source": "well",
        "description": "Consumo de maio muito acima do normal, sem vazamento aparente.",
    }
    fields.update(over)
    return svc.ReviewForm(**fields)
