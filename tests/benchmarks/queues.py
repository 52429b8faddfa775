"""Queues by class of work: how long a provisioning takes with the `batch` queue empty and full.

Real worker processes per queue, as rundemo starts them (`interactive` with 2 processes, `batch` with
1), on the real RabbitMQ and the benchmark database; the batch worker is kept busy by a backlog of
slow jobs (tests/slow_tasks.py) while utilities are provisioned through the task, as the ops API does.

.venv/bin/python -m tests.benchmarks queues
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.benchmarks.common import BENCH_URL, ROOT, percentiles, setup_django, write

BACKLOG_JOBS = 300  # × 5 s on one batch process: 25 minutes of batch work waiting
BACKLOG_JOB_SECONDS = 5.0
ROUNDS = 3  # provisionings per condition
PREFIX = f"bench-queues-{os.getpid()}"


def _worker(work_class: str, *options: str) -> subprocess.Popen[bytes]:
    from saas import queues

    env = {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "DJANGO_SETTINGS_MODULE": "saas.settings.dev",
        "CELERY_QUEUE": PREFIX,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
    }
    command = [sys.executable, "-m", "celery", "-A", "saas", "worker", "--loglevel=WARNING"]
    command += ["-Q", queues.queue_name(PREFIX, work_class), "-n", f"{work_class}-{PREFIX}@%h", *options]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _depth(app: object, name: str) -> int:
    from kombu import Queue

    with app.connection_for_write() as conn:  # type: ignore[attr-defined]
        return int(Queue(name).bind(conn).queue_declare(passive=True).message_count)


def _purge(app: object, names: list[str]) -> None:
    from kombu import Queue

    with app.connection_for_write() as conn:  # type: ignore[attr-defined]
        for name in names:
            queue = Queue(name).bind(conn)
            queue.declare()
            queue.purge()
            queue.delete()


def _wait_ready(app: object, nodes: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answers = app.control.ping(timeout=1.0)  # type: ignore[attr-defined]
        if sum(1 for a in answers for name in a if PREFIX in name) >= nodes:
            return
    raise SystemExit("the benchmark's workers did not answer in time")


def _provision(schema: str) -> dict[str, float]:
    """Seconds from the request (committed, task enqueued) to its task starting and to `active`."""
    from django.db import connection

    from modules.common.audit import SystemActor
    from tenants import provisioning
    from tenants.models import Tenant

    began = time.monotonic()
    tenant = provisioning.tenant_request(
        actor=SystemActor("bench"),
        request=provisioning.TenantRequest(schema, f"Bench {schema}", f"{schema}.bench.localhost"),
    )
    started = None
    while time.monotonic() - began < 300:
        connection.set_schema_to_public()
        state = Tenant.objects.values_list("provisioning_state", flat=True).get(pk=tenant.pk)
        if started is None and state != "requested":
            started = time.monotonic() - began
        if state in ("active", "failed"):
            if state == "failed":
                raise SystemExit(f"provisioning of {schema} failed")
            return {"start": started or 0.0, "active": time.monotonic() - began}
        time.sleep(0.05)
    raise SystemExit(f"provisioning of {schema} did not end in 300 s")


def main() -> None:
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ["CELERY_QUEUE"] = PREFIX
    setup_django(fresh=True)
    from django.core.management import call_command

    from saas import queues
    from saas.celery import app
    from tenants.bootstrap import ensure_public_tenant

    call_command("migrate_schemas", shared=True, verbosity=0)
    ensure_public_tenant()
    workers = [
        _worker(queues.INTERACTIVE, "--concurrency=2"),
        _worker(queues.BATCH, "--concurrency=1", "--include=tests.slow_tasks"),
    ]
    try:
        _wait_ready(app, nodes=2)
        empty = [_provision(f"qe{i}") for i in range(ROUNDS)]
        batch_queue = queues.queue_name(PREFIX, queues.BATCH)
        for _ in range(BACKLOG_JOBS):
            app.send_task("tests.slow_batch_job", args=[BACKLOG_JOB_SECONDS], queue=batch_queue)
        time.sleep(2)  # the batch worker has taken its first job
        full = [_provision(f"qf{i}") for i in range(ROUNDS)]
        waiting = _depth(app, batch_queue)
    finally:
        for process in workers:  # cold: the backlog is thrown away below, never worked off
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        _purge(app, list(queues.queue_names(PREFIX).values()))
    for label, rows in (("batch queue empty", empty), ("batch queue full ", full)):
        print(
            f"provisioning ({label}): task starts after {max(r['start'] for r in rows):.2f} s at most, "
            f"active after {min(r['active'] for r in rows):.1f}–{max(r['active'] for r in rows):.1f} s "
            f"({ROUNDS} utilities)"
        )
    print(f"batch messages still waiting behind the busy batch worker: {waiting} of {BACKLOG_JOBS}")
    write(
        "queues",
        {
            "provisioning_batch_empty_seconds": {
                "start": percentiles([r["start"] for r in empty]),
                "active": percentiles([r["active"] for r in empty]),
            },
            "provisioning_batch_full_seconds": {
                "start": percentiles([r["start"] for r in full]),
                "active": percentiles([r["active"] for r in full]),
            },
            "batch_backlog": {
                "jobs": BACKLOG_JOBS,
                "seconds_each": BACKLOG_JOB_SECONDS,
                "waiting_at_end": waiting,
            },
        },
    )


if __name__ == "__main__":
    main()
