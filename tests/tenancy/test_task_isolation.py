"""A task enqueued inside one tenant runs in that tenant only, through the real broker."""

from __future__ import annotations

import time
import uuid

from django.db import connection

from modules.common.models import JobRun
from modules.common.tasks import tenant_heartbeat
from modules.common.tenancy import tenant_context


def test_a_task_enqueued_in_alpha_writes_only_in_alpha(
    django_db_setup, live_worker, django_db_blocker
) -> None:
    slot = f"iso-{uuid.uuid4().hex[:12]}"
    with django_db_blocker.unblock():
        connection.set_schema_to_public()  # an earlier test's request may have left it in a tenant
        try:
            with tenant_context("alpha"):
                tenant_heartbeat.delay(slot)  # the message carries schema "alpha" from the connection
            deadline, found = time.monotonic() + 30, False
            while not found and time.monotonic() < deadline:
                with tenant_context("alpha"):
                    found = JobRun.objects.filter(key=slot).exists()
                time.sleep(0.1)
            assert found
            time.sleep(0.5)  # a stray copy, if any, would have landed by now
            with tenant_context("beta"):
                assert not JobRun.objects.filter(key=slot).exists()
            assert connection.schema_name == "public"
        finally:
            with tenant_context("alpha"):
                JobRun.objects.filter(key=slot).delete()
