"""Billing owns the chosen due day (Lei 9.791/1999): `due_day_choose` writes `DueDayChoice`, the row
the billing run reads, and refuses a non-change, a day outside the month and a too-early change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from modules.billing.models import DueDayChoice
from modules.billing.services.due_days import due_day_choose
from modules.common.audit import SystemActor
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from tests.registry import factories as reg

ACTOR = SystemActor("tests")


def test_due_day_choice_is_written_audited_and_rate_limited(tenant_alpha: Any) -> None:
    p = reg.prop(holder=reg.customer())
    with time_machine.travel(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        row = due_day_choose(actor=ACTOR, property_id=p.pk, day=10, min_interval_days=180)
    assert DueDayChoice.objects.get(property=p).day == 10 and row.changed_by == "sistema:tests"
    with pytest.raises(ValidationFailed, match="já é no dia 10"):
        due_day_choose(actor=ACTOR, property_id=p.pk, day=10)
    with pytest.raises(ValidationFailed, match="entre 1 e 31"):
        due_day_choose(actor=ACTOR, property_id=p.pk, day=32)
    with (
        time_machine.travel(dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationFailed, match="180 dias"),
    ):
        due_day_choose(actor=ACTOR, property_id=p.pk, day=20, min_interval_days=180)
    with time_machine.travel(dt.datetime(2025, 12, 15, 12, tzinfo=dt.UTC), tick=False):
        assert due_day_choose(actor=ACTOR, property_id=p.pk, day=20, min_interval_days=180).day == 20
    entries = AuditEntry.objects.filter(action="billing.due_day_choose", object_id=str(p.pk)).order_by("id")
    assert [(e.before, e.after) for e in entries] == [
        ({"day": None}, {"day": 10}),
        ({"day": 10}, {"day": 20}),
    ]
