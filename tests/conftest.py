"""Test fixtures shared by the whole suite.

Two tenant schemas (alpha, beta) are provisioned once per test database through the real
provisioning service and reused by every test (pytest --reuse-db keeps them between runs). Each
test runs inside a transaction that is rolled back, in whatever schema it switches to.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# A loaded machine (CI's two cores, the other core busy) must not fail a property test: the health
# check "input generation is slow" and per-example deadlines measure the machine, not the code.
# CI also derandomizes, so a landing is never decided by the draw of one run.
hypothesis_settings.register_profile(
    "manancial", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("manancial"), derandomize=True
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "manancial")
)

TENANTS = {"alpha": "alpha.localhost", "beta": "beta.localhost"}
FEBRABAN_CODES = {"alpha": "0562", "beta": "0777"}


def _ensure_service(check: list[str], start: list[str], name: str) -> None:
    """CI and fresh machines may have a service stopped: start it, as the README says."""
    if subprocess.run(check, capture_output=True).returncode == 0:
        return
    subprocess.run(start, capture_output=True)
    if subprocess.run(check, capture_output=True).returncode != 0:
        pytest.exit(f"{name} não está disponível e não pôde ser iniciado: {' '.join(start)}", returncode=3)


def pytest_configure(config: Any) -> None:
    if (
        "PYTEST_XDIST_WORKER" not in os.environ
    ):  # the controller starts what is stopped, once, before workers connect
        _start_services()


def _start_services() -> None:
    _ensure_service(
        ["pg_isready", "-h", "127.0.0.1", "-q"],
        ["sh", "-c", "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"],
        "PostgreSQL",
    )
    _ensure_service(
        ["redis-cli", "-h", "127.0.0.1", "ping"],
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ],
        "Redis",
    )
    _ensure_service(
        ["sh", "-c", "rabbitmq-diagnostics -q check_port_connectivity"],
        ["sh", "-c", "rabbitmq-server -detached && sleep 10 && rabbitmq-diagnostics -q ping"],
        "RabbitMQ",
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    from modules.common.audit import SystemActor
    from tenants import provisioning
    from tenants.bootstrap import ensure_public_tenant
    from tenants.models import Tenant

    with django_db_blocker.unblock():
        if not connection.settings_dict["NAME"].startswith("test_"):
            # pytest-django sets the test database up only when some collected test asks for `db`;
            # a run of only the committed-data tests (real workers) asks for none
            from django.test.utils import setup_databases

            setup_databases(verbosity=0, interactive=False, aliases={"default"}, keepdb=True)
        ensure_public_tenant()
        for schema, domain in TENANTS.items():
            tenant = Tenant.objects.filter(schema_name=schema).first()
            if tenant is None:
                tenant = provisioning.tenant_request(
                    actor=SystemActor("tests"),
                    enqueue=False,
                    request=provisioning.TenantRequest(
                        schema, f"Concessionária {schema.title()}", domain, "America/Sao_Paulo"
                    ),
                    # a utility issues barcodes under its bank agreement; a test of one without a
                    # code sets it blank in its own transaction
                    branding={"febraban_company_code": FEBRABAN_CODES[schema]},
                )
            elif not tenant.febraban_company_code:  # a reused test database from before the codes
                Tenant.objects.filter(pk=tenant.pk).update(febraban_company_code=FEBRABAN_CODES[schema])
                tenant.refresh_from_db()
            if not tenant.is_active:
                provisioning.tenant_provision(tenant_id=tenant.pk)
            else:  # a reused test database may predate a module: bring its reference data in
                provisioning.tenant_seed(tenant)
        connection.set_schema_to_public()
    yield


def _use_tenant(schema: str) -> Iterator[Any]:
    from tenants.models import Tenant

    tenant = Tenant.objects.get(schema_name=schema)
    connection.set_tenant(tenant)
    yield tenant
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def generous_sign_in_limit(settings: Any) -> None:
    """The agency's sign-in throttle counts per address in Redis, and every test's citizen signs in
    from 127.0.0.1: the tests that sign citizens in (here, in the agency, debt, registry…) would share
    one counter and meet 429s by chance. The throttle's own tests set a low limit themselves."""
    settings.PORTAL_SIGN_IN_LIMIT = 10_000


@pytest.fixture
def tenant_alpha(db: None) -> Iterator[Any]:
    """The alpha tenant, active on the connection for the test."""
    yield from _use_tenant("alpha")


@pytest.fixture
def tenant_beta(db: None) -> Iterator[Any]:
    yield from _use_tenant("beta")


@pytest.fixture
def public_schema(db: None) -> Iterator[None]:
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


def purge_queues(names: list[str]) -> None:
    """Declare and empty this test process's queues (leftovers of an interrupted earlier run)."""
    from kombu import Queue

    from saas.celery import app

    with app.connection_for_write() as conn:
        for name in names:
            queue = Queue(name).bind(conn)
            queue.declare()
            queue.purge()


def class_queues(*classes: str) -> list[str]:
    """The names of this test process's queues of the given classes of work (all when none)."""
    from django.conf import settings

    from saas import queues

    return [queues.queue_name(settings.CELERY_QUEUE_PREFIX, c) for c in classes or queues.CLASSES]


# Per module, not per session: a test that starts its own per-queue workers (tests/workers.py) must
# not share the broker with a leftover in-process worker that consumes every queue.
@pytest.fixture(scope="module")
def live_worker(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """A real Celery worker (thread pool) on the real RabbitMQ, consuming every queue of this test
    process (interactive, probes, batch). Tests that use it must work with committed data and clean up
    after themselves. A test about one class of work starts its own workers (tests/workers.py)."""
    from celery.contrib.testing.worker import start_worker

    from saas.celery import app

    names = class_queues()
    purge_queues(names)
    with (
        django_db_blocker.unblock(),
        start_worker(
            app,
            pool="threads",
            concurrency=2,
            queues=names,
            perform_ping_check=False,
            shutdown_timeout=30,
            loglevel="WARNING",
        ) as worker,
    ):
        yield worker


def drop_tenant(schema: str) -> None:
    """Remove a utility a test provisioned for real (committed): its schema, domains and row."""
    from tenants.models import Domain, Tenant

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    Domain.objects.filter(tenant__schema_name=schema).delete()
    Tenant.objects.filter(schema_name=schema).delete()


def host_client(host: str) -> Client:
    return Client(HTTP_HOST=host)


@pytest.fixture
def alpha_client(db: None) -> Client:
    return host_client(TENANTS["alpha"])


@pytest.fixture
def beta_client(db: None) -> Client:
    return host_client(TENANTS["beta"])


@pytest.fixture
def ops_client(db: None) -> Client:
    return host_client("localhost")


def make_user(schema: str, username: str = "maria", password: str = "Senha-forte-123", **fields: Any) -> Any:
    """A user in the given schema with a current password (no forced change)."""
    from modules.access.models import User
    from tenants.models import Tenant

    previous = connection.schema_name
    if schema == "public":
        connection.set_schema_to_public()
    else:
        connection.set_tenant(Tenant.objects.get(schema_name=schema))
    try:
        fields.setdefault("full_name", username.title())
        fields.setdefault("must_change_password", False)
        from django.utils import timezone

        fields.setdefault("password_changed_at", timezone.now())
        user = User(username=username, **fields)
        user.set_password(password)
        user.save()
        return user
    finally:
        if previous == "public":
            connection.set_schema_to_public()
        else:
            connection.set_tenant(Tenant.objects.get(schema_name=previous))


def bearer(client: Client, username: str, password: str, path: str = "/api/v1/auth/token") -> dict[str, str]:
    response = client.post(
        path, {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
