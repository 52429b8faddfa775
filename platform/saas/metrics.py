"""Prometheus metrics. Under gunicorn set PROMETHEUS_MULTIPROC_DIR so every worker's samples add up.

Label cardinality is bounded: routes are URL patterns (never raw paths), and only the per-tenant
request counter, the probe gauge and the stuck-runs gauge carry the tenant label.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from modules.billing.services.runs import STUCK_KIND
from modules.common.stuck import stuck_work_summary_if_readable

# counted by tenants.provisioning (which never imports the control plane); re-exported so /metrics has it
from tenants.metrics import PROVISIONING_FAILURES as PROVISIONING_FAILURES

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("manancial_http_requests_total", "HTTP requests", ["method", "route", "status"])
REQUEST_DURATION = Histogram(
    "manancial_http_request_duration_seconds", "HTTP request latency", ["method", "route"], buckets=BUCKETS
)
TENANT_REQUESTS = Counter(
    "manancial_tenant_http_requests_total", "HTTP requests per tenant", ["tenant", "status_class"]
)
TASKS = Counter("manancial_celery_tasks_total", "Celery tasks finished", ["task", "state"])
TASK_DURATION = Histogram("manancial_celery_task_duration_seconds", "Celery task duration", ["task"])
PROBE_SUCCESS = Gauge(
    "manancial_probe_success",
    "Last availability probe of each tenant (1 up, 0 down)",
    ["tenant"],
    multiprocess_mode="mostrecent",
)


class StuckRunsCollector(Collector):
    """manancial_billing_runs_stuck{tenant}, read at scrape time from the sweeps' public summary (one
    query), so every web process answers the same number without a multiprocess gauge. Only tenants
    with stuck runs have a series (ADR 0115)."""

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "manancial_billing_runs_stuck",
            "Billing runs with no progress past BILLING_CHUNK_STALE_SECONDS or out of automatic attempts",
            labels=["tenant"],
        )
        # /metrics must answer while the summary is unreadable; /readyz says so
        for row in stuck_work_summary_if_readable(kind=STUCK_KIND) or []:
            family.add_metric([row.schema_name], row.count)
        yield family


def _stuck_runs_samples() -> bytes:
    registry = CollectorRegistry()
    registry.register(StuckRunsCollector())
    return generate_latest(registry)


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.route or match.view_name or "unknown"


class PrometheusMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = _route(request)
        if route != "metrics":
            REQUESTS.labels(request.method, route, str(response.status_code)).inc()
            REQUEST_DURATION.labels(request.method, route).observe(time.perf_counter() - started)
            schema = getattr(connection, "schema_name", "public")
            TENANT_REQUESTS.labels(schema, f"{response.status_code // 100}xx").inc()
        return response


def _allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and secrets.compare_digest(header[7:], token):
        return True
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.headers.get("X-Forwarded-For")
    try:
        # Behind an ingress the client address is forwarded: only a scrape from loopback with no
        # forwarded client is trusted without the token.
        return forwarded is None and ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("Acesso negado.\n", status=403, content_type="text/plain; charset=utf-8")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    return HttpResponse(body + _stuck_runs_samples(), content_type=CONTENT_TYPE_LATEST)
