"""Health, readiness, Prometheus metrics, structured logs and Sentry tags."""

from __future__ import annotations

import json
import logging

from django.test import override_settings

from saas import health
from saas.logs import JsonFormatter, TenantContextFilter
from saas.observability import _tag_schema


def test_healthz_and_readyz_answer_on_every_host(alpha_client, beta_client, ops_client) -> None:
    for client in (alpha_client, beta_client, ops_client):
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "ready" and ready.json()["database"] == "ok"


def test_readyz_is_503_when_the_broker_is_unreachable(alpha_client) -> None:
    health._broker_checked.update(at=0.0, ok=False)
    try:
        with override_settings(CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:1//"):
            response = alpha_client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "not ready"
        assert response.json()["database"] == "ok"
    finally:
        health._broker_checked.update(at=0.0, ok=False)


def test_metrics_need_loopback_or_the_token(alpha_client) -> None:
    assert alpha_client.get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    forwarded = alpha_client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forwarded.status_code == 403
    remote = alpha_client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert remote.status_code == 403
    with override_settings(METRICS_TOKEN="s3cr3t-token"):
        ok = alpha_client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cr3t-token")
        bad = alpha_client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer errado")
    assert ok.status_code == 200 and bad.status_code == 403


def test_metrics_count_requests_by_route_and_tenant(alpha_client) -> None:
    alpha_client.get("/healthz")
    body = alpha_client.get("/metrics").content.decode()
    assert 'manancial_http_requests_total{method="GET",route="healthz",status="200"}' in body
    assert 'manancial_http_request_duration_seconds_bucket{le="0.005",method="GET",route="healthz"}' in body
    assert 'manancial_tenant_http_requests_total{status_class="2xx",tenant="alpha"}' in body
    # raw paths never become labels: an unknown URL is counted under a fixed route
    alpha_client.get("/nao-existe/12345")
    body = alpha_client.get("/metrics").content.decode()
    # labels only: a sample's value or timestamp may hold the same digits (1.79660593012345e+09)
    labels = [line.split("}")[0] for line in body.splitlines() if "{" in line]
    assert labels and not [label for label in labels if "12345" in label or "nao-existe" in label]
    assert 'route="unmatched"' in body


def test_log_lines_are_json_with_the_tenant_schema(tenant_alpha) -> None:
    record = logging.LogRecord("manancial.test", logging.INFO, __file__, 1, "olá %s", ("mundo",), None)
    TenantContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["schema"] == "alpha"
    assert line["message"] == "olá mundo"
    assert line["level"] == "INFO" and line["logger"] == "manancial.test"


def test_sentry_events_are_tagged_with_the_schema(tenant_alpha) -> None:
    event = _tag_schema({"message": "boom"}, {})
    assert event["tags"]["schema"] == "alpha"
