"""The daily agreement check as a tenant task: it runs in the schema its message names, cancels an
agreement whose down payment expired, and a second delivery the same day changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from modules.common.audit import SystemActor
from modules.common.models import JobRun
from modules.common.tenancy import SCHEMA_HEADER
from modules.debt import services
from modules.debt.models import Agreement, InstallmentPolicyVersion
from modules.debt.tasks import agreements_enforce
from tests.collection import factories as f

ACTOR = SystemActor("tests")
SIGNED = dt.date(2025, 6, 15)


def test_daily_check_cancels_an_expired_down_payment_once(tenant_alpha):
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0.10"), max_installments=6)
    p = f.prop()
    f.bill(p, "215.29", SIGNED + dt.timedelta(days=60), dt.date(2025, 1, 1))
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC)):
        agreement = services.agreement_create(
            actor=ACTOR, property_id=p.pk, down_payment=Decimal("30.00"), count=3, as_of=SIGNED
        )
    headers = {SCHEMA_HEADER: "alpha"}
    with time_machine.travel(dt.datetime(2025, 6, 18, 12, tzinfo=dt.UTC)):  # still within the 5 days
        assert agreements_enforce.apply(headers=headers, throw=True).get()["cancelled"] == []
    with time_machine.travel(dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC)):
        first = agreements_enforce.apply(headers=headers, throw=True).get()
        again = agreements_enforce.apply(headers=headers, throw=True).get()
    assert first == {"day": "2025-07-01", "cancelled": [agreement.pk]}
    assert again == {"day": "2025-07-01", "cancelled": []}
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.CANCELLED
    assert agreement.cancel_reason.startswith("entrada não paga até")
    run = JobRun.objects.get(task="debt.agreements_enforce", key="2025-07-01")
    assert run.state == "done" and run.detail == {"cancelled": [agreement.pk]}
    assert JobRun.objects.filter(task="debt.agreements_enforce").count() == 2


def test_beat_dispatches_the_check_to_every_tenant(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["debt-agreements-enforce"]
    assert entry["task"] == "modules.common.tasks.dispatch_to_tenants"
    assert entry["args"] == ["modules.debt.tasks.agreements_enforce"]


def test_the_daily_ladder_runs_the_policys_steps_once_a_day(tenant_alpha, settings):
    from modules.debt.cutoff_policy import cutoff_policy_put
    from modules.debt.models import CutNotice
    from modules.debt.tasks import ladder_daily

    entry = settings.CELERY_BEAT_SCHEDULE["debt-ladder-daily"]
    assert entry["args"] == ["modules.debt.tasks.ladder_daily"]
    p = f.prop()
    f.bill(p, "70.00", dt.date(2026, 3, 10), dt.date(2026, 2, 1))
    headers = {SCHEMA_HEADER: "alpha"}
    with time_machine.travel(dt.datetime(2026, 4, 13, 12, tzinfo=dt.UTC)):
        assert ladder_daily.apply(headers=headers, throw=True).get()["written"] == {}  # no steps chosen
        assert not CutNotice.objects.exists()
        cutoff_policy_put(actor=ACTOR, values={"daily_steps": ["cut_notice"]}, today=dt.date(2026, 4, 13))
        first = ladder_daily.apply(headers=headers, throw=True).get()
        again = ladder_daily.apply(headers=headers, throw=True).get()
    assert first == {"day": "2026-04-13", "written": {"cut_notice": 1}}
    assert again == {"day": "2026-04-13", "written": {"cut_notice": 0}}
    assert CutNotice.objects.filter(property=p).count() == 1
    assert JobRun.objects.get(task="debt.ladder_daily", key="2026-04-13").detail == {"cut_notice": 1}
