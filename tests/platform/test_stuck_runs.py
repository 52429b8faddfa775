"""A stuck billing run shows where the vendor looks (ADR 0115): /readyz's detail (200, degraded, never
503), the Prometheus gauge behind the alert, and a warning on the ops console; all three read the
sweeps' public summary, and all three clear once the run recovers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.billing.models import BillingRun, RunChunk
from modules.billing.services import runs
from modules.common.domain.dates import YearMonth
from modules.common.tenancy import tenant_context
from tests.billing import factories as f
from tests.conftest import make_user

MONTH = YearMonth(2025, 5)
LATER = dt.timedelta(seconds=601)  # past BILLING_CHUNK_STALE_SECONDS of the base settings


@pytest.fixture
def failed_run(db: None) -> BillingRun:
    """A run in alpha whose chunk 2 lost its worker past every automatic attempt: marked failed."""
    with tenant_context("alpha"):
        f.set_company_code("0562")
        f.approved_tariff()
        group = f.group(41)
        f.schedule(group, MONTH)
        for _ in range(3):
            f.billable(group, (("COM", 1),), metered=False)
        run = runs.run_create(actor=f.ACTOR, group=group, reference=MONTH, chunk_size=2, enqueue=False)
        chunk = RunChunk.objects.get(run=run, number=2)
        RunChunk.objects.filter(pk=chunk.pk).update(
            status="running",
            claimed_at=timezone.now(),
            attempts=4,
            sweeps=3,
            last_error="OperationalError: x",
        )
        with time_machine.travel(timezone.now() + LATER, tick=False):
            assert runs.runs_sweep(enqueue=False).failed == [run.pk]
    connection.set_schema_to_public()
    return run


def _login(ops_client: Any) -> None:
    make_user("public", "vendor", "Senha-forte-123", is_admin=True)
    response = ops_client.post("/ops/conta/entrar/", {"username": "vendor", "password": "Senha-forte-123"})
    assert response.status_code == 302


def test_a_stuck_run_shows_on_readyz_metrics_and_the_console(
    failed_run: BillingRun, ops_client: Any, alpha_client: Any, beta_client: Any
) -> None:
    vendor = ops_client.get("/readyz")
    assert vendor.status_code == 200  # the web serves: degraded, not unready
    body = vendor.json()
    assert (body["status"], body["degraded"], list(body["stuck_runs"])) == (
        "ready",
        ["stuck_runs"],
        ["alpha"],
    )
    assert body["stuck_runs"]["alpha"]["count"] == 1
    assert alpha_client.get("/readyz").json()["stuck_runs"] == body["stuck_runs"]
    # a utility's own host never names another utility's runs
    assert (
        beta_client.get("/readyz").json()["stuck_runs"],
        beta_client.get("/readyz").json()["degraded"],
    ) == (
        {},
        [],
    )

    metrics = alpha_client.get("/metrics").content.decode()
    assert 'manancial_billing_runs_stuck{tenant="alpha"} 1.0' in metrics
    assert 'manancial_billing_runs_stuck{tenant="beta"}' not in metrics

    _login(ops_client)
    home = ops_client.get("/ops/").content.decode()
    assert "alpha: faturamento parado" in home and "beta: faturamento parado" not in home
    detail = ops_client.get("/ops/concessionarias/alpha/").content.decode()
    assert "Faturamento parado" in detail
    assert "Grupo 41, referência 05/2025 (interrompido" in detail
    reason = "Lote 2 não concluiu após 3 reenvio(s) automático(s) e 4 tentativa(s)."
    assert f"{reason} Último erro: OperationalError: x" in detail
    assert "Faturamento parado" not in ops_client.get("/ops/concessionarias/beta/").content.decode()


def test_readyz_reads_one_summary_query_whatever_the_number_of_tenants(
    failed_run: BillingRun, ops_client: Any
) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert ops_client.get("/readyz").status_code == 200
    summary = [q["sql"] for q in queries.captured_queries if "common_stuckwork" in q["sql"]]
    assert len(summary) == 1
    assert not [
        q["sql"] for q in queries.captured_queries if 'FROM "billing_' in q["sql"]
    ]  # no tenant schema read


def test_everything_clears_once_the_run_is_resumed_and_done(
    failed_run: BillingRun, ops_client: Any, alpha_client: Any
) -> None:
    with tenant_context("alpha"):
        runs.run_resume(actor=f.ACTOR, run=failed_run, enqueue=False)
        for chunk in RunChunk.objects.filter(run=failed_run):
            runs.chunk_process(chunk_id=chunk.pk)
        failed_run.refresh_from_db()
        assert failed_run.status == "done"
        runs.runs_sweep(enqueue=False)
    connection.set_schema_to_public()

    body = ops_client.get("/readyz").json()
    assert (body["stuck_runs"], body["degraded"]) == ({}, [])
    assert "manancial_billing_runs_stuck{" not in alpha_client.get("/metrics").content.decode()
    _login(ops_client)
    assert "faturamento parado" not in ops_client.get("/ops/").content.decode().lower()


def test_readyz_and_metrics_still_answer_when_the_summary_is_unreadable(
    ops_client: Any, alpha_client: Any
) -> None:
    """As during a rolling deploy whose migration has not created the table yet."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE public.common_stuckwork RENAME TO common_stuckwork_away")
    ready = ops_client.get("/readyz")
    assert ready.status_code == 200
    assert (ready.json()["status"], ready.json()["stuck_runs"], ready.json()["degraded"]) == (
        "ready",
        None,
        ["stuck_runs_unknown"],
    )
    metrics = alpha_client.get("/metrics")
    assert metrics.status_code == 200
    assert "manancial_billing_runs_stuck{" not in metrics.content.decode()
