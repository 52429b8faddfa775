"""A harmless long task, loaded only by the batch worker a test starts (`--include tests.slow_tasks`):
it stands for a billing chunk or a PDF batch that holds its worker for seconds. Never imported by
the project, so it is not one of the routed tasks."""

from __future__ import annotations

import time

from celery import shared_task


@shared_task(name="tests.slow_batch_job", acks_late=True, soft_time_limit=60, time_limit=70)
def slow_batch_job(seconds: float) -> None:
    time.sleep(seconds)
