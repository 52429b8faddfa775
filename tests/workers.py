"""Real Celery processes for the tests about classes of work: a worker per queue, as rundemo and the
Helm chart start them, and beat. They run the test settings against this test process's database
and queues (committed data only), so a test sees exactly what a deployment would do."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from saas import queues
from saas.celery import app

ROOT = Path(settings.BASE_DIR)


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a Celery child: this test process's database and queue prefix."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "saas.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_QUEUE": settings.CELERY_QUEUE_PREFIX,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
        "CELERY_METRICS_PORT": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def worker(
    work_class: str, *pool: str, include: str = "", env: dict[str, str] | None = None
) -> Iterator[str]:
    """A `celery worker -Q <prefix>.<class> -n <class>-<id>@%h` process, started and answering a
    ping before the block runs; stopped (cold: its unacknowledged message goes back) after it.
    Yields the node name."""
    node = f"{work_class}-{uuid.uuid4().hex[:6]}@{os.uname().nodename}"
    command = [sys.executable, "-m", "celery", "-A", "saas", "worker", "--loglevel=WARNING"]
    # alone on the broker: no syncing with other checkouts' workers
    command += ["--without-mingle", "--without-gossip"]
    command += ["-Q", queues.queue_name(settings.CELERY_QUEUE_PREFIX, work_class), "-n", node, *pool]
    if include:
        command += ["--include", include]
    process = subprocess.Popen(command, cwd=ROOT, env=child_env(**(env or {})))
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {node} did not start (exit {process.poll()})")
        yield node
    finally:
        _stop(process, signal.SIGQUIT)


@contextmanager
def beat(schedule_dir: Path, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A real `celery beat` with its schedule file in `schedule_dir`."""
    command = [sys.executable, "-m", "celery", "-A", "saas", "beat", "--loglevel=WARNING"]
    command += ["--schedule", str(schedule_dir / "celerybeat-schedule")]
    process = subprocess.Popen(command, cwd=ROOT, env=child_env(**(env or {})))
    try:
        yield process
    finally:
        _stop(process)
