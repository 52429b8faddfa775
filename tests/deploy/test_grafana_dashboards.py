"""Grafana dashboards: valid JSON, sane structure, and every query is valid PromQL that reads
only metrics the application exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from deploytools import OBSERVABILITY, exported_series_names, unknown_metrics

pytestmark: list[pytest.MarkDecorator] = []

DASHBOARDS = sorted((OBSERVABILITY / "grafana" / "dashboards").glob("*.json"))

# Grafana replaces these before sending the query; give the parser what Prometheus would get.
GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$__interval": "1m",
    "$__range": "1d",
    "$tenant": ".*",
}


def expressions(dashboard: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def substitute(expr: str) -> str:
    for var, value in sorted(GRAFANA_VARIABLES.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(var, value)
    assert not re.search(r"\$\w+", expr), f"unknown dashboard variable in {expr}"
    return expr


def dashboard_problems(dashboard: dict[str, Any]) -> list[str]:
    problems = []
    for key in ("uid", "title", "panels"):
        if not dashboard.get(key):
            problems.append(f"missing {key}")
    ids = [p["id"] for p in dashboard.get("panels", [])]
    if len(ids) != len(set(ids)):
        problems.append("duplicate panel ids")
    for expr in expressions(dashboard):
        try:
            unknown = unknown_metrics(substitute(expr), exported_series_names())
        except Exception as exc:  # parse errors of the real PromQL parser
            problems.append(f"invalid PromQL {expr!r}: {exc}")
            continue
        if unknown:
            problems.append(f"unknown metrics {sorted(unknown)} in {expr!r}")
    return problems


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_is_valid(path: Path) -> None:
    dashboard = json.loads(path.read_text())
    assert expressions(dashboard), "a dashboard without queries"
    assert dashboard_problems(dashboard) == []


def test_dashboards_exist_and_have_unique_uids() -> None:
    uids = [json.loads(p.read_text())["uid"] for p in DASHBOARDS]
    assert {"manancial-slo", "manancial-service"} <= set(uids)
    assert len(uids) == len(set(uids))


def test_dashboards_cover_every_exported_metric() -> None:
    text = " ".join(" ".join(expressions(json.loads(p.read_text()))) for p in DASHBOARDS)
    for metric in (
        "manancial_http_requests_total",
        "manancial_http_request_duration_seconds_bucket",
        "manancial_tenant_http_requests_total",
        "manancial_celery_tasks_total",
        "manancial_celery_task_duration_seconds_bucket",
        "manancial_probe_success",
        "manancial_provisioning_failures_total",
        "manancial_billing_runs_stuck",
    ):
        assert metric in text, metric


def test_checker_rejects_unknown_metric_bad_promql_and_unknown_variable() -> None:
    good = json.loads(DASHBOARDS[0].read_text())
    bad = dict(
        good,
        panels=[
            *good["panels"],
            {
                "id": 999,
                "targets": [
                    {"expr": "rate(manancial_http_requests_totl[$__rate_interval])"},
                    {"expr": "sum(rate(manancial_probe_success[5m]"},
                ],
            },
        ],
    )
    problems = dashboard_problems(bad)
    assert any("manancial_http_requests_totl" in p for p in problems)
    assert any("invalid PromQL" in p for p in problems)
    assert dashboard_problems(dict(good, panels=good["panels"] + good["panels"][:1])) == [
        "duplicate panel ids"
    ]
    with pytest.raises(AssertionError):
        substitute("rate(manancial_probe_success[$window])")
