"""End to end: a real Celery beat sends the probes, a real worker on the `probes` queue runs them on
RabbitMQ against a real HTTP server serving the utilities' hosts; alpha goes down (503) and comes back.
The outage, the month's availability, the interruption discount and the status page follow from what
was measured. Committed data in the test database, removed afterwards."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections
from django.utils import timezone

from modules.common.models import AuditEntry
from saas.sla import selectors
from saas.sla.models import Contract, Outage, ProbeMonitor, ProbeResult
from saas.sla.tasks import probe_slot
from tenants.models import Tenant
from tests import workers
from tests.conftest import class_queues, host_client, purge_queues

INTERVAL = 2  # seconds between beat's probe rounds (production: 60)
MONTHLY_VALUE = Decimal("1000000.00")  # large, so a few seconds of outage is a visible discount


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class UtilityHosts:
    """The real Django application on a real socket; a host in `down` answers 503 instead."""

    def __init__(self) -> None:
        self.down: set[str] = set()
        self.django = get_wsgi_application()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("HTTP_HOST", "") in self.down:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"fora do ar"]
        try:
            return self.django(environ, start_response)
        finally:
            connections.close_all()


@pytest.fixture
def utility_hosts() -> Iterator[tuple[UtilityHosts, str]]:
    app = UtilityHosts()
    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


# Bounds for a loaded machine (CI's two cores with the other one busy): the worker and beat start in
# subprocesses, and each probe is a real request to this process's WSGI thread. They only bound how
# long a failure takes to show; what is measured (outage start and end, discount) does not depend on them.
WAIT_SECONDS = 150
# A slow answer from the up host must not count as an outage (it would open a second outage, or one
# for beta): the down host answers 503 at once, so a generous timeout changes nothing measured.
PROBE_TIMEOUT_SECONDS = 10


def _wait(what: str, check: Callable[[], bool], timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _results(schema: str, since: dt.datetime) -> list[ProbeResult]:
    return list(ProbeResult.objects.filter(tenant__schema_name=schema, at__gte=since).order_by("at"))


def test_probe_slots_follow_the_interval() -> None:
    at = dt.datetime(2026, 3, 10, 13, 7, 41, tzinfo=dt.UTC)
    assert probe_slot(at, 60) == "202603101307"  # production: one slot a minute, as before
    assert probe_slot(at, 300) == "202603101305"
    assert probe_slot(at, 2) == "20260310130740"


def test_beat_and_a_probes_worker_turn_a_real_outage_into_availability_and_discount(
    django_db_setup: Any, django_db_blocker: Any, utility_hosts: tuple[UtilityHosts, str], tmp_path: Path
) -> None:
    hosts, url = utility_hosts
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        alpha = Tenant.objects.get(schema_name="alpha")
        began = timezone.now()
        Contract.objects.create(
            tenant=alpha, monthly_value=MONTHLY_VALUE, start_date=began.date().replace(day=1)
        )
        purge_queues(class_queues())
        env = {
            "PROBE_BASE_URL": url,
            "SLA_PROBE_INTERVAL_SECONDS": str(INTERVAL),
            "SLA_PROBE_TIMEOUT_SECONDS": str(PROBE_TIMEOUT_SECONDS),
        }
        try:
            with (
                workers.worker("probes", "--pool=threads", "--concurrency=4", env=env),
                workers.beat(tmp_path, env=env),
            ):
                _wait("two good probes of alpha", lambda: sum(r.ok for r in _results("alpha", began)) >= 2)
                hosts.down.add("alpha.localhost")
                _wait(
                    "two failed probes of alpha", lambda: sum(not r.ok for r in _results("alpha", began)) >= 2
                )
                hosts.down.clear()
                _wait(
                    "alpha's outage to close",
                    lambda: Outage.objects.filter(tenant=alpha, start__gte=began, end__isnull=False).exists(),
                )
            now = timezone.now()
            results = _results("alpha", began)
            outage = Outage.objects.get(tenant=alpha, start__gte=began)
            first_failure = next(r for r in results if not r.ok)
            recovery = next(r for r in results if r.ok and r.at > first_failure.at)
            assert (outage.source, outage.start, outage.end) == ("probe", first_failure.at, recovery.at)
            assert outage.cause == "Sonda falhou: HTTP 503"
            assert all(r.slot and r.applied for r in results)
            assert len({r.slot for r in results}) == len(results)  # one result per beat slot
            assert _results("beta", began) and not Outage.objects.filter(tenant__schema_name="beta").exists()

            report = selectors.month_report(
                tenant=alpha, month=selectors.current_month(alpha, now), as_of=now
            )
            lasted = outage.end - outage.start
            assert report.unavailable == lasted
            assert report.availability_percent < Decimal("100.000")
            # SLA.md: monthly fee ÷ 720 × hours unavailable, rounded half-up once
            seconds = Decimal(lasted // dt.timedelta(microseconds=1)) / Decimal(1_000_000)
            expected = (MONTHLY_VALUE / Decimal(720) * seconds / Decimal(3600)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            assert report.discount == expected and expected > 0

            measured = selectors.measured_availability(tenant=alpha, as_of=timezone.now())
            assert measured.percent is not None and measured.percent < Decimal("100.000")
            page = host_client("alpha.localhost").get("/status").content.decode()
            assert "Sistema operando normalmente" in page
            shown = re.search(r"Últimos 90 dias · disponibilidade (\d+),(\d{3})%", page)
            assert shown is not None, page
            assert Decimal(f"{shown[1]}.{shown[2]}") < Decimal("100.000")
        finally:
            purge_queues(class_queues())
            _forget_probes(began)
            Contract.objects.filter(tenant=alpha).delete()


def _forget_probes(since: dt.datetime) -> None:
    """Remove what this test committed; the audit trail is append-only (a trigger), so its rows are
    removed with the triggers off for this one transaction of this test database."""
    from django.db import transaction

    connection.set_schema_to_public()  # the status page request left the connection in alpha
    ProbeMonitor.objects.filter(tenant__schema_name__in=["alpha", "beta"]).update(open_outage=None)
    ProbeResult.objects.filter(at__gte=since).delete()
    ProbeMonitor.objects.filter(tenant__schema_name__in=["alpha", "beta"]).delete()
    Outage.objects.filter(start__gte=since).delete()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        AuditEntry.objects.filter(at__gte=since, action__startswith="sla.").delete()
    assert not AuditEntry.objects.filter(at__gte=since, action__startswith="sla.").exists()
    assert not ProbeResult.objects.filter(at__gte=since).exists()
