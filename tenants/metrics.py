"""The tenants package's own Prometheus metrics, defined where they are counted (the control plane's
saas.metrics exposes them; tenants never imports saas)."""

from __future__ import annotations

from prometheus_client import Counter

PROVISIONING_FAILURES = Counter("manancial_provisioning_failures_total", "Tenant provisioning failures")
