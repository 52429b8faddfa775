"""A billing run whose worker process is killed (SIGKILL) mid-chunk finishes without a person: the
beat's sweep, run by a second real worker process, hands the dead worker's chunk out again, and
every bill of the run exists exactly once (ADR 0115).

The workers are `python -m celery -A saas worker` processes on the real RabbitMQ and the test
database, consuming a queue of this test's own (a session's in-process `live_worker` could be
consuming the default one). A chunk is slowed by BILLING_CHUNK_TEST_DELAY_SECONDS, a test-only
setting read by the service, so the kill lands inside its transaction, after its bills are written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from modules.billing.models import Bill, BillingRun, RunChunk
from modules.billing.services import runs
from modules.billing.tasks import billing_run_chunk
from modules.common.domain.dates import YearMonth
from modules.common.models import StuckWork
from modules.common.stuck import stuck_work_summary
from modules.common.tenancy import tenant_context
from tests.billing import factories as f

MONTH = YearMonth(2001, 6)
GROUP = 96
ACT = "Ato de teste da varredura"
STALE_SECONDS = 20  # the second worker's BILLING_CHUNK_STALE_SECONDS
REPO = Path(__file__).resolve().parents[2]


def _queue() -> str:
    return f"{settings.CELERY_TASK_DEFAULT_QUEUE}-sweep"


def _purge(app: Any) -> None:
    from kombu import Queue

    with app.connection_for_write() as conn:
        Queue(_queue(), durable=True).bind(conn).declare()
        conn.default_channel.queue_purge(_queue())


def _ready_count(app: Any) -> int:
    with app.connection_for_write() as conn:
        return int(conn.default_channel.queue_declare(_queue(), passive=True).message_count)


def _worker(name: str, log: Path, **env: str) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "saas.settings.test",
        # the worker must open the test database itself, where this test commits its rows
        "DATABASE_URL": url,
        "CELERY_QUEUE": _queue(),
        "PYTHONPATH": f"platform{os.pathsep}.",
        **env,
    }
    command = [sys.executable, "-m", "celery", "-A", "saas", "worker", "--pool", "solo"]
    command += ["--without-mingle", "--without-gossip", "--loglevel", "INFO", "-n", f"{name}@%h"]
    with log.open("wb") as out:
        # its own session: the kill reaches the worker and nothing of this test process
        return subprocess.Popen(
            command, cwd=REPO, env=environ, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _until(check: Callable[[], bool], seconds: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)
    pytest.fail(f"{what}: not within {seconds:.0f} s\n{tails}")


def _chunk(run: BillingRun, number: int) -> RunChunk:
    with tenant_context("alpha"):
        return RunChunk.objects.get(run=run, number=number)


@pytest.fixture
def workers(django_db_blocker: Any) -> Iterator[list[subprocess.Popen[bytes]]]:
    """The worker processes the test starts, stopped after it; the sweeps' public summary rows go too."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        _stop(process)
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        StuckWork.objects.filter(kind=runs.STUCK_KIND).delete()


def test_a_worker_killed_mid_chunk_is_recovered_by_the_sweep_and_bills_once(
    django_db_setup: Any, django_db_blocker: Any, workers: list[Any], tmp_path: Path
) -> None:
    from saas.celery import app

    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    with django_db_blocker.unblock(), f.committed_in_alpha(GROUP, ACT):
        _purge(app)
        with tenant_context("alpha"):
            f.set_company_code("0562")
            f.approved_tariff(valid_from="2001-01-01", act=ACT)
            group = f.group(GROUP)
            f.schedule(group, MONTH)
            props = [f.billable(group, (("COM", 1),), metered=False) for _ in range(6)]
            run = runs.run_create(actor=f.ACTOR, group=group, reference=MONTH, chunk_size=2, enqueue=False)
            for chunk_id in RunChunk.objects.filter(run=run).order_by("number").values_list("id", flat=True):
                billing_run_chunk.apply_async(args=[chunk_id], queue=_queue())
        # worker A: 4 s per bill, 8 s per chunk of two, so it is killed holding chunk 1's transaction
        workers.append(_worker("sweep-a", logs[0], BILLING_CHUNK_TEST_DELAY_SECONDS="4"))
        _until(lambda: _chunk(run, 1).status == "running", 90, "worker A claims chunk 1", logs)
        time.sleep(2)
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        with tenant_context("alpha"):
            assert Bill.objects.filter(run=run).count() == 0  # its uncommitted bills rolled back
        assert (_chunk(run, 1).status, _chunk(run, 1).attempts) == ("running", 1)

        # worker B gets the redelivered message of chunk 1 and the two others; the claim of chunk 1
        # is still fresh, so that message does nothing: the run is stuck, as before the sweep existed
        workers.append(_worker("sweep-b", logs[1], BILLING_CHUNK_STALE_SECONDS=str(STALE_SECONDS)))
        _until(
            lambda: _chunk(run, 2).status == _chunk(run, 3).status == "done" and _ready_count(app) == 0,
            90,
            "worker B bills chunks 2 and 3",
            logs,
        )
        time.sleep(2)
        claimed_at = _chunk(run, 1).claimed_at
        assert (_chunk(run, 1).status, _chunk(run, 1).attempts) == ("running", 1)
        with tenant_context("alpha"):
            run.refresh_from_db()
            assert (run.status, run.bills_count, run.done_chunks) == ("running", 4, 2)

        # once the claim is stale, the beat's entry (dispatch to every tenant) runs the sweep in B
        assert claimed_at is not None
        wait = STALE_SECONDS + 1 - (time.time() - claimed_at.timestamp())
        time.sleep(max(wait, 0))
        entry = settings.CELERY_BEAT_SCHEDULE["billing-runs-sweep"]
        app.send_task(str(entry["task"]), args=list(entry["args"]), queue=_queue())  # type: ignore[call-overload]

        def run_done() -> bool:
            with tenant_context("alpha"):
                run.refresh_from_db()
            return run.status == "done"

        _until(run_done, 60, "the sweep hands chunk 1 out again and B bills it", logs)
        with tenant_context("alpha"):
            run.refresh_from_db()
            assert (run.status, run.bills_count, run.done_chunks, run.attention) == ("done", 6, 3, "")
            billed = list(Bill.objects.filter(run=run).values_list("property_id", flat=True))
            assert sorted(billed) == sorted(p.pk for p in props)  # each property exactly once
            assert Bill.objects.filter(property_id__in=[p.pk for p in props]).count() == 6
        chunk = _chunk(run, 1)
        assert (chunk.status, chunk.attempts, chunk.sweeps) == ("done", 2, 1)

        # the next sweep finds nothing stuck in alpha and writes so to the public summary
        app.send_task(str(entry["task"]), args=list(entry["args"]), queue=_queue())  # type: ignore[call-overload]

        def summary_clear() -> bool:
            connection.set_schema_to_public()
            row = StuckWork.objects.filter(schema_name="alpha", kind=runs.STUCK_KIND).first()
            return row is not None and row.count == 0 and row.checked_at > chunk.finished_at

        _until(summary_clear, 60, "the next sweep clears alpha's summary", logs)
        assert stuck_work_summary(schema_name="alpha") == []
