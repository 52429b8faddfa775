"""The Celery app. Tasks carry their tenant (see modules.common.tenancy.TenantTask)."""

from __future__ import annotations

import os
import time
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.dev")

app = Celery("saas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(lambda: __import__("django.conf").conf.settings.INSTALLED_APPS)

_started: dict[str, float] = {}


@signals.task_prerun.connect
def _task_started(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _task_finished(task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any) -> None:
    from saas import metrics

    began = _started.pop(task_id or "", None)
    name = getattr(task, "name", "unknown")
    metrics.TASKS.labels(task=name, state="succeeded" if state == "SUCCESS" else "failed").inc()
    if began is not None:
        metrics.TASK_DURATION.labels(task=name).observe(time.perf_counter() - began)


@signals.task_retry.connect
def _task_retried(request: Any = None, **_: Any) -> None:
    from saas import metrics

    metrics.TASKS.labels(task=getattr(request, "task", "unknown"), state="retried").inc()


@signals.worker_process_init.connect
def _init_worker_process(**_: Any) -> None:
    from saas.observability import init_sentry

    init_sentry()


@signals.worker_ready.connect
def _serve_worker_metrics(**_: Any) -> None:
    from django.conf import settings

    port = getattr(settings, "CELERY_METRICS_PORT", 0)
    if port:
        from prometheus_client import start_http_server

        start_http_server(port)
