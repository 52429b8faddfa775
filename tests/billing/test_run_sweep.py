"""The runs sweep (ADR 0115): a chunk whose worker died is handed out again without a person, each
bill is issued once, a chunk that keeps failing gets a bounded number of automatic attempts and then
the run waits for "Retomar" with the reason; the tenant's stuck runs land in the public summary."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from modules.access.models import User
from modules.billing.models import Bill, BillingRun, RunChunk
from modules.billing.services import runs
from modules.common.domain.dates import YearMonth
from modules.common.models import AuditEntry, StuckWork
from modules.common.stuck import stuck_work_summary
from tests.billing import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)
STALE = dt.timedelta(seconds=600)  # BILLING_CHUNK_STALE_SECONDS in base settings


@pytest.fixture
def run() -> BillingRun:
    f.set_company_code("0562")
    f.approved_tariff()
    group = f.group()
    f.schedule(group, MONTH)
    for _ in range(5):
        f.billable(group, (("COM", 1),), metered=False)
    return runs.run_create(actor=f.ACTOR, group=group, reference=MONTH, chunk_size=2, enqueue=False)


def _chunks(run: BillingRun) -> list[RunChunk]:
    return list(RunChunk.objects.filter(run=run).order_by("number"))


def _kill_during(chunk: RunChunk) -> None:
    """What a worker killed mid-chunk leaves: the claim committed, the chunk's transaction rolled back."""

    def die(c: RunChunk) -> None:
        raise RuntimeError("worker killed")

    runs._chunk_hook = die
    try:
        with contextlib.suppress(RuntimeError):
            runs.chunk_process(chunk_id=chunk.pk)
    finally:
        runs._chunk_hook = None


def _sweep_at(when: dt.datetime) -> runs.SweepResult:
    with time_machine.travel(when, tick=False):
        return runs.runs_sweep(enqueue=False)


def test_a_killed_chunk_is_handed_out_again_and_billed_once(run: BillingRun) -> None:
    first, second, third = _chunks(run)
    runs.chunk_process(chunk_id=first.pk)
    _kill_during(second)
    runs.chunk_process(chunk_id=third.pk)
    assert runs.chunk_process(chunk_id=second.pk) == 0  # the redelivered message finds a fresh claim
    assert _sweep_at(timezone.now() + dt.timedelta(seconds=30)).handed_out == []  # not stale yet

    result = _sweep_at(timezone.now() + STALE + dt.timedelta(seconds=1))

    assert (result.handed_out, result.failed) == ([second.pk], [])
    second.refresh_from_db()
    assert (second.status, second.sweeps, second.attempts) == ("pending", 1, 1)
    assert second.last_error == "RuntimeError: worker killed"
    assert runs.chunk_process(chunk_id=second.pk) == 2
    run.refresh_from_db()
    assert (run.status, run.bills_count, run.done_chunks) == ("done", 5, 3)
    assert Bill.objects.filter(run=run).count() == 5
    assert len(set(Bill.objects.filter(run=run).values_list("property_id", flat=True))) == 5
    assert AuditEntry.objects.filter(action="billing.run_sweep", object_id=str(run.pk)).count() == 1
    # the sweep after recovery finds nothing stuck and says so in the public summary
    assert _sweep_at(timezone.now() + STALE * 2).stuck == []
    assert stuck_work_summary(schema_name="alpha") == []


def test_a_run_that_lost_its_messages_is_handed_out_whole(run: BillingRun) -> None:
    """run_create committed but the broker lost the chunk messages: nothing was ever claimed."""
    result = _sweep_at(timezone.now() + STALE + dt.timedelta(seconds=1))

    assert sorted(result.handed_out) == sorted(c.pk for c in _chunks(run))
    assert [(i["run"], i["status"]) for i in result.stuck] == [(run.pk, "pending")]
    [row] = stuck_work_summary(schema_name="alpha")
    assert (row.kind, row.count, row.detail[0]["run"], row.detail[0]["group"]) == (
        "billing_runs",
        1,
        run.pk,
        run.group.code,
    )
    assert row.detail[0]["reason"] == "Sem progresso; 3 lote(s) reenviado(s) automaticamente."
    # sweeps delivered in a burst (after a backlog) re-send nothing a second time
    assert _sweep_at(timezone.now() + STALE + dt.timedelta(seconds=5)).handed_out == []
    assert list(RunChunk.objects.filter(run=run).values_list("sweeps", flat=True)) == [1, 1, 1]


def test_a_chunk_that_keeps_failing_gets_bounded_attempts_then_the_run_fails(run: BillingRun) -> None:
    first, second, third = _chunks(run)
    runs.chunk_process(chunk_id=first.pk)
    runs.chunk_process(chunk_id=third.pk)
    when = timezone.now()
    for _ in range(3):  # BILLING_CHUNK_MAX_SWEEPS
        with time_machine.travel(when, tick=False):
            _kill_during(second)
        when += STALE + dt.timedelta(seconds=1)
        assert _sweep_at(when).handed_out == [second.pk]
    with time_machine.travel(when, tick=False):
        _kill_during(second)
    when += STALE + dt.timedelta(seconds=1)

    result = _sweep_at(when)

    assert (result.handed_out, result.failed) == ([], [run.pk])
    run.refresh_from_db()
    reason = (
        "Lote 2 não concluiu após 3 reenvio(s) automático(s) e 4 tentativa(s). "
        "Último erro: RuntimeError: worker killed. Corrija a causa e use Retomar."
    )
    assert (run.status, run.attention) == ("failed", reason)
    assert RunChunk.objects.get(pk=second.pk).status == "running"  # nothing handed out a 4th time
    assert [(i["status"], i["reason"]) for i in stuck_work_summary(schema_name="alpha")[0].detail] == [
        ("failed", reason)
    ]
    # a failed run stays listed and is never handed out again by the sweep
    later = _sweep_at(when + STALE * 3)
    assert (later.handed_out, [i["run"] for i in later.stuck]) == ([], [run.pk])
    # a person resumes it: automatic attempts start again from zero and the run completes
    assert runs.run_resume(actor=f.ACTOR, run=run, enqueue=False) == 1
    run.refresh_from_db()
    assert (run.status, run.attention) == ("running", "")
    assert RunChunk.objects.get(pk=second.pk).sweeps == 0
    assert runs.chunk_process(chunk_id=second.pk) == 2
    run.refresh_from_db()
    assert (run.status, run.bills_count) == ("done", 5)
    assert Bill.objects.filter(run=run).count() == 5


def test_a_live_runs_progress_is_not_stuck(run: BillingRun) -> None:
    first, _second, _third = _chunks(run)
    runs.chunk_process(chunk_id=first.pk)  # a worker is moving through the run right now

    result = _sweep_at(timezone.now() + dt.timedelta(seconds=60))

    assert (result.handed_out, result.failed, result.stuck) == ([], [], [])
    assert list(RunChunk.objects.filter(run=run).values_list("sweeps", flat=True)) == [0, 0, 0]
    assert StuckWork.objects.count() == 0  # the tenant schema's copy of the table stays empty
    assert stuck_work_summary(schema_name="alpha") == []


def test_the_run_page_shows_why_it_stopped_and_retomar_brings_it_back(
    run: BillingRun, alpha_client: Any
) -> None:
    second = _chunks(run)[1]
    RunChunk.objects.filter(pk=second.pk).update(
        status="running", claimed_at=timezone.now(), attempts=4, sweeps=3
    )
    assert _sweep_at(timezone.now() + STALE + dt.timedelta(seconds=1)).failed == [run.pk]
    make_user("alpha", "gestora", is_admin=True)
    api = alpha_client.get(
        f"/api/v1/billing/runs/{run.pk}", **bearer(alpha_client, "gestora", "Senha-forte-123")
    )
    reason = (
        "Lote 2 não concluiu após 3 reenvio(s) automático(s) e 4 tentativa(s). Nenhum erro registrado: "
        "o processo que o executava foi interrompido. Corrija a causa e use Retomar."
    )
    assert (api.json()["status"], api.json()["attention"]) == ("failed", reason)
    alpha_client.force_login(User.objects.get(username="gestora"))
    page = alpha_client.get(f"/faturamento/execucoes/{run.pk}/").content.decode()
    assert "Interrompido (requer atenção)" in page and reason in page
    assert "Retomar lotes pendentes" in page

    resumed = alpha_client.post(f"/faturamento/execucoes/{run.pk}/", {"op": "resume"})

    assert resumed.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.attention) == ("running", "")
    assert sorted(RunChunk.objects.filter(run=run).values_list("status", "sweeps")) == [("pending", 0)] * 3
