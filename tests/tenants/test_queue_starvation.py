"""A full `batch` queue does not delay a provisioning: workers per queue as rundemo starts them, on
the real RabbitMQ, against committed data (no in-process worker: live_worker is not used here)."""

from __future__ import annotations

import time
import uuid

from django.db import connection
from django.test import Client

from modules.access.models import User
from saas.celery import app
from tests import workers
from tests.conftest import bearer, class_queues, drop_tenant, host_client, make_user, purge_queues

BATCH_JOBS = 300  # × 5 s on one batch process: 25 minutes of backlog
BATCH_JOB_SECONDS = 5.0
# The provisioning task must start at once (the queueing delay is what a shared queue made minutes);
# the whole provisioning took 2.8–14.8 s here with the batch worker busy, 2.5–13.8 s of it migrate_schemas
# (2-core machine, load average 1–8 from other work; ADR 0014), and more than 30 s with load average 9.
# How long migrate_schemas takes measures the machine, not the queues: the test waits for the end up to
# PROVISION_BOUND_SECONDS and proves it was not queued behind the backlog by the backlog still being
# there (behind it, the provisioning would wait BATCH_JOBS × BATCH_JOB_SECONDS = 25 minutes).
START_BOUND_SECONDS = 5.0
PROVISION_BOUND_SECONDS = 180.0


def _states_until_final(
    ops: Client, headers: dict[str, str], schema: str, timeout: float
) -> dict[str, float]:
    """When (seconds after the call) each provisioning state was first seen."""
    began, seen = time.monotonic(), {}
    while time.monotonic() - began < timeout:
        state = ops.get(f"/ops/api/v1/tenants/{schema}", **headers).json()["provisioning_state"]
        seen.setdefault(state, round(time.monotonic() - began, 2))
        if state in ("active", "failed"):
            break
        time.sleep(0.1)
    return seen


def test_a_provisioning_is_not_delayed_by_a_full_batch_queue(django_db_setup, django_db_blocker) -> None:
    """Workers as rundemo starts them: one process on `batch`, busy with a 25-minute backlog; the
    interactive pool takes the provisioning at once."""
    schema = f"wq{uuid.uuid4().hex[:8]}"
    vendor = f"vendor_{schema}"
    (batch_queue,) = class_queues("batch")
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        purge_queues(class_queues())
        make_user("public", vendor, "Senha-forte-123", is_admin=True)
        ops = host_client("localhost")
        try:
            with (
                workers.worker("batch", "--concurrency=1", include="tests.slow_tasks") as batch_node,
                workers.worker("interactive", "--concurrency=2"),
            ):
                for _ in range(BATCH_JOBS):
                    app.send_task("tests.slow_batch_job", args=[BATCH_JOB_SECONDS], queue=batch_queue)
                deadline = time.monotonic() + 10
                while not (app.control.inspect([batch_node], timeout=1).active() or {}).get(batch_node):
                    assert time.monotonic() < deadline, "the batch worker never started a job"
                headers = bearer(ops, vendor, "Senha-forte-123", "/ops/api/v1/auth/token")
                response = ops.post(
                    "/ops/api/v1/tenants",
                    {"schema": schema, "name": "SAAE Quarta", "domain": f"{schema}.localhost"},
                    content_type="application/json",
                    **headers,
                )
                assert response.status_code == 202, response.content
                began = time.monotonic()
                seen = _states_until_final(ops, headers, schema, timeout=PROVISION_BOUND_SECONDS)
                elapsed = time.monotonic() - began
                waiting = _depth(batch_queue)
            print(f"provisioning with a full batch queue: {seen}; batch messages still waiting: {waiting}")
            assert seen.get("schema_created", START_BOUND_SECONDS) < START_BOUND_SECONDS, seen
            assert seen.get("active", PROVISION_BOUND_SECONDS) < PROVISION_BOUND_SECONDS, seen
            assert "failed" not in seen
            # the backlog was really there the whole time: one batch process takes a job every 5 s
            assert waiting >= BATCH_JOBS - int(elapsed / BATCH_JOB_SECONDS) - 10, (waiting, elapsed)
            assert host_client(f"{schema}.localhost").get("/healthz").status_code == 200
        finally:
            purge_queues(class_queues())
            drop_tenant(schema)
            User.objects.filter(username=vendor).delete()


def _depth(name: str) -> int:
    from kombu import Queue

    with app.connection_for_write() as conn:
        return int(Queue(name).bind(conn).queue_declare(passive=True).message_count)
