"""Probes: the tenant's probe endpoint, the HTTP probe against real servers, and probe results
turned into outages (first failure → first success) and into the month's discount."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import time_machine
from django.core.wsgi import get_wsgi_application
from django.db import connections
from prometheus_client import REGISTRY

from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from saas.sla import selectors, services
from saas.sla.domain.periods import YearMonth
from saas.sla.models import Contract, Outage, ProbeResult
from saas.sla.probes import http_probe
from saas.sla.tasks import probe_once

T0 = dt.datetime(2026, 3, 10, 13, 0, tzinfo=dt.UTC)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(app: Any) -> Iterator[str]:
    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


class Switchable:
    """A minimal WSGI app whose answer the test sets: 200 {"status": "ok"} or 503."""

    def __init__(self) -> None:
        self.healthy = True
        self.hosts: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.hosts.append(environ.get("HTTP_HOST", ""))
        if self.healthy:
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"status": "ok"}']
        start_response("503 Service Unavailable", [("Content-Type", "application/json")])
        return [b'{"status": "unavailable"}']


@pytest.fixture
def switchable() -> Iterator[tuple[Switchable, str]]:
    app = Switchable()
    for url in _serve(app):
        yield app, url


@pytest.fixture
def django_server(db: None) -> Iterator[str]:
    """The real Django WSGI application on a real socket. It reads only committed rows (the tenants
    provisioned once per test database), and closes its own connections after each request."""
    django_app = get_wsgi_application()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        try:
            return django_app(environ, start_response)
        finally:
            connections.close_all()

    yield from _serve(app)


# --- the endpoint each probe calls ----------------------------------------------------------------------


def test_the_probe_endpoint_answers_for_a_tenant_and_404_elsewhere(alpha_client, ops_client) -> None:
    response = alpha_client.get("/status/probe")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")
    from django.test import Client

    assert Client(HTTP_HOST="atlantida.localhost").get("/status/probe").status_code == 404
    assert ops_client.get("/status/probe").status_code == 404


# --- the HTTP probe against real sockets ------------------------------------------------------------------


def test_http_probe_sends_the_tenant_host_and_reads_the_answer(switchable) -> None:
    app, url = switchable
    up = http_probe(base_url=url, host="alpha.localhost", timeout=2)
    app.healthy = False
    down = http_probe(base_url=url, host="alpha.localhost", timeout=2)
    assert up.ok and up.status_code == 200 and up.error == ""
    assert not down.ok and down.status_code == 503 and down.error == "HTTP 503"
    assert app.hosts == ["alpha.localhost", "alpha.localhost"]


def test_http_probe_of_a_closed_port_is_a_failure() -> None:
    outcome = http_probe(base_url="http://127.0.0.1:9", host="alpha.localhost", timeout=1)
    assert not outcome.ok and outcome.status_code is None
    assert outcome.error.startswith("ConnectionError")


def test_probe_through_the_real_application_touches_the_tenant_schema(django_server, public_schema) -> None:
    assert probe_once(schema="alpha", base_url=django_server, slot="t1") is True
    result = ProbeResult.objects.get(tenant__schema_name="alpha", slot="t1")
    assert result.ok and result.status_code == 200
    assert REGISTRY.get_sample_value("manancial_probe_success", {"tenant": "alpha"}) == 1.0


# --- results become outages -----------------------------------------------------------------------------


def _record(at: dt.datetime, ok: bool, slot: str = "") -> ProbeResult:
    return services.probe_record(
        tenant_schema="alpha", at=at, ok=ok, slot=slot, status_code=200 if ok else 503
    )


def test_consecutive_failures_become_one_outage_from_first_failure_to_first_success(public_schema) -> None:
    minutes = [T0 + dt.timedelta(minutes=m) for m in range(8)]
    for at, ok in zip(minutes, [True, False, False, False, True, True, False, True], strict=True):
        _record(at, ok)
    outages = list(Outage.objects.filter(tenant__schema_name="alpha").order_by("start"))
    assert [(o.start, o.end) for o in outages] == [(minutes[1], minutes[4]), (minutes[6], minutes[7])]
    assert all(o.source == "probe" and o.recorded_by == "sistema:probe" for o in outages)
    assert AuditEntry.objects.filter(action="sla.outage_open").count() == 2
    assert AuditEntry.objects.filter(action="sla.outage_close").count() == 2


def test_a_redelivered_slot_records_nothing_twice_and_a_late_result_is_not_applied(public_schema) -> None:
    _record(T0, False, slot="202603101300")
    _record(T0, False, slot="202603101300")
    _record(T0 + dt.timedelta(minutes=2), True, slot="202603101302")
    late = _record(T0 + dt.timedelta(minutes=1), False, slot="202603101301")
    assert ProbeResult.objects.filter(tenant__schema_name="alpha").count() == 3
    assert late.applied is False
    outage = Outage.objects.get(tenant__schema_name="alpha")
    assert outage.end - outage.start == dt.timedelta(minutes=2)


def test_a_probe_result_for_an_unknown_tenant_is_refused_by_the_service(public_schema) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.probe_record(tenant_schema="atlantida", at=T0, ok=False)
    assert refused.value.field == "tenant"
    assert not ProbeResult.objects.exists()


def test_a_measured_failure_becomes_the_outage_and_the_discount_of_the_invoice(
    switchable, django_server, public_schema
) -> None:
    """The acceptance scenario: the tenant's probe fails for a measured 7 minutes 30 seconds."""
    app, broken = switchable
    app.healthy = False
    tenant = services.tenant_by_schema("alpha")
    Contract.objects.create(tenant=tenant, monthly_value="10000.00", start_date=dt.date(2026, 1, 1))
    with time_machine.travel(T0, tick=False) as clock:
        assert probe_once(schema="alpha", base_url=django_server, slot="a") is True
        clock.shift(dt.timedelta(minutes=1))
        assert probe_once(schema="alpha", base_url=broken, slot="b") is False  # the failure starts here
        assert REGISTRY.get_sample_value("manancial_probe_success", {"tenant": "alpha"}) == 0.0
        clock.shift(dt.timedelta(minutes=5))
        assert probe_once(schema="alpha", base_url=broken, slot="c") is False
        clock.shift(dt.timedelta(minutes=2, seconds=30))
        assert probe_once(schema="alpha", base_url=django_server, slot="d") is True  # back

    outage = Outage.objects.get(tenant=tenant)
    assert outage.end - outage.start == dt.timedelta(minutes=7, seconds=30)

    report = selectors.month_report(
        tenant=tenant, month=YearMonth(2026, 3), as_of=dt.datetime(2026, 4, 2, tzinfo=dt.UTC)
    )
    assert report.unavailable == dt.timedelta(minutes=7, seconds=30)
    assert str(report.discount) == "1.74"  # 10000 ÷ 720 × 0.125 = 1.7361…
    invoice = services.invoice_issue(
        actor=services.PROBE_ACTOR,
        tenant=tenant,
        month=YearMonth(2026, 3),
        now=dt.datetime(2026, 4, 2, tzinfo=dt.UTC),
    )
    assert [(line.position, str(line.amount)) for line in invoice.lines.all()] == [
        (1, "10000.00"),
        (2, "-1.74"),
    ]
    assert str(invoice.total) == "9998.26"
    assert invoice.interruptions == [
        {"start": "2026-03-10T13:01:00+00:00", "end": "2026-03-10T13:08:30+00:00", "seconds": 450.0}
    ]
