"""Shared helpers for the deployment-artefact tests (Helm chart, Terraform, Prometheus, Alertmanager,
Grafana). They need no database and no Django.

External tools (promtool, amtool from Debian's prometheus and prometheus-alertmanager packages)
and optional Python packages are looked up here. Outside CI a missing tool skips the tests that
need it; under CI (env CI set) a missing tool is a failure, so CI can never go green by skipping.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm" / "manancial"
TERRAFORM = REPO / "infra" / "terraform"
OBSERVABILITY = REPO / "observability"

# The metrics the application exports (the contract between the app and these artefacts).
APP_METRICS: dict[str, str] = {
    "manancial_http_requests_total": "counter",
    "manancial_http_request_duration_seconds": "histogram",
    "manancial_tenant_http_requests_total": "counter",
    "manancial_celery_tasks_total": "counter",
    "manancial_celery_task_duration_seconds": "histogram",
    "manancial_probe_success": "gauge",
    "manancial_provisioning_failures_total": "counter",
    "manancial_billing_runs_stuck": "gauge",
}


def exported_series_names() -> set[str]:
    """Names a PromQL selector may use: counters and gauges as is, histograms by their series."""
    names: set[str] = set()
    for name, kind in APP_METRICS.items():
        if kind == "histogram":
            names.update({f"{name}_bucket", f"{name}_sum", f"{name}_count"})
        else:
            names.add(name)
    return names


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required under CI (make install provides it)")
    pytest.skip(f"{what} not installed")


def require_binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        _missing(f"the {name} binary")
    return path  # type: ignore[return-value]


def require_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        _missing(f"the Python package providing {name}")
        raise  # unreachable: _missing always raises


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False, **kwargs)  # type: ignore[call-overload]


def selector_names(expr: str) -> set[str | None]:
    """Metric names of every vector selector in a PromQL expression (real parser)."""
    promql = require_module("promql_parser")
    names: set[str | None] = set()

    def walk(node: Any) -> None:
        if isinstance(node, promql.VectorSelector):
            names.add(node.name)
            return
        for attr in ("lhs", "rhs", "expr", "vector_selector", "param"):
            child = getattr(node, attr, None)
            if child is not None:
                walk(child)
        for child in getattr(node, "args", None) or []:
            walk(child)

    walk(promql.parse(expr))
    return names


def unknown_metrics(expr: str, allowed: set[str]) -> set[str]:
    return {str(n) for n in selector_names(expr) if n is None or n not in allowed}
