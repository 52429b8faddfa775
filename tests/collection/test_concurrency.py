"""Money under concurrency, with real concurrent transactions on the real PostgreSQL: each thread has
its own connection (Django's are per thread) and posts through the full request stack. One Pagar.me
webhook replayed 100 times, 10 at a time, settles once; the same return file posted twice at the same
moment (once with CRLF, once with LF) is imported once and refused once as a duplicate.

The rows must be committed for other connections to see them, so these tests do not run in the
usual rolled-back transaction: `committed_in` removes every row they added to alpha's schema."""

from __future__ import annotations

import base64
import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
import requests
import time_machine
from django.db import connection, connections
from django.test import Client

from fakes.pagarme import FakePagarme
from modules.billing.models import Bill, BillStatus
from modules.collection.models import (
    GatewayAccount,
    Payment,
    ReturnFile,
    ReturnFileRefusal,
    Settlement,
    WebhookEvent,
)
from modules.common.tenancy import tenant_context
from tests.collection import factories as f
from tests.conftest import TENANTS, make_user

TOKEN = "segredo-concorrencia-1"
BASIC = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"pagarme:senha-webhook").decode()}


@contextmanager
def committed_in(schema: str) -> Iterator[None]:
    """Delete, afterwards, every row added to the schema's tables (ids above what was there before;
    for a table keyed by uuid, ids that were not there). Foreign keys are not checked during the
    clean-up (replica role), so the order does not matter."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT table_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND column_name = 'id' AND table_name IN "
            "(SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE')",
            [schema, schema],
        )
        tables = cur.fetchall()
        before, existing = {}, {}
        for table, kind in tables:
            if kind in ("integer", "bigint", "smallint"):
                cur.execute(f'SELECT coalesce(max(id), 0) FROM "{schema}"."{table}"')  # noqa: S608
                before[table] = cur.fetchone()[0]
            else:
                cur.execute(f'SELECT coalesce(array_agg(id), \'{{}}\') FROM "{schema}"."{table}"')  # noqa: S608
                existing[table] = cur.fetchone()[0]
    try:
        yield
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            try:
                for table, last in before.items():
                    cur.execute(f'DELETE FROM "{schema}"."{table}" WHERE id > %s', [last])  # noqa: S608
                for table, ids in existing.items():
                    cur.execute(f'DELETE FROM "{schema}"."{table}" WHERE NOT (id = ANY(%s))', [ids])  # noqa: S608
            finally:
                cur.execute("SET session_replication_role = DEFAULT")


def in_threads(count: int, workers: int, call: Callable[[int], Any]) -> list[Any]:
    """`count` calls, `workers` at a time, each thread on its own database connection."""

    def run(index: int) -> Any:
        try:
            return call(index)
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def committed(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), committed_in("alpha"):
        yield


@pytest.fixture
def staff(committed: None) -> dict[str, str]:
    from modules.access.services.tokens import token_issue

    user = make_user("alpha", "concorrencia", "Senha-forte-123", is_admin=True)
    with tenant_context("alpha"):
        return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}


def test_one_webhook_replayed_100_times_10_at_a_time_settles_once(staff: dict[str, str]) -> None:
    fake = FakePagarme().start()
    try:
        with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
            with tenant_context("alpha"):
                GatewayAccount.objects.create(
                    base_url=fake.url,
                    secret_key="sk_test_concorrencia",
                    webhook_token=TOKEN,
                    webhook_username="pagarme",
                    webhook_password="senha-webhook",
                )
                prop = f.prop()
                bill = f.bill(prop, "57.30", dt.date(2025, 6, 25))
            client = Client(HTTP_HOST=TENANTS["alpha"])
            created = client.post(
                "/api/v1/collection/charges",
                {"property": prop.pk, "bills": [bill.pk], "method": "pix"},
                content_type="application/json",
                **staff,
            )
            assert created.status_code == 201, created.content
            charge_id = created.json()["charge_id"]
            event = requests.post(f"{fake.url}/_fake/charges/{charge_id}/pay", json={}, timeout=5).json()
            barrier = threading.Barrier(10)

            def replay(index: int) -> int:
                if index < 10:
                    barrier.wait(timeout=30)  # the first ten start together
                response = Client(HTTP_HOST=TENANTS["alpha"]).post(
                    f"/webhooks/pagarme/{TOKEN}", event, content_type="application/json", **BASIC
                )
                return response.status_code

            statuses = in_threads(100, 10, replay)
        assert Counter(statuses) == {200: 100}
        with tenant_context("alpha"):
            assert Payment.objects.filter(bill=bill).count() == 0  # a gateway payment pays its document
            payments = Payment.objects.filter(gateway_charge__charge_id=charge_id)
            assert [(p.status, str(p.amount)) for p in payments] == [("applied", "57.30")]
            assert Settlement.objects.filter(bill=bill, reversed=False).count() == 1
            assert Bill.objects.get(pk=bill.pk).status == BillStatus.PAID
            assert WebhookEvent.objects.filter(event_id=event["id"]).count() == 1
    finally:
        fake.stop()


def test_the_same_return_file_posted_twice_at_the_same_moment_is_imported_once(staff: dict[str, str]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    with tenant_context("alpha"):
        f.agent()
        bills = [f.bill(f.prop(), amount, dt.date(2025, 6, 5)) for amount in ("20.00", "30.00", "45.10")]
    crlf = f.return_file([(b.barcode, str(b.total)) for b in bills], nsa=4242)
    # one copy as the bank sent it, one with LF line ends: not the same bytes, the same file
    variants = [crlf, crlf.replace(b"\r\n", b"\n")]
    barrier = threading.Barrier(2)

    def post(index: int) -> tuple[int, str]:
        client = Client(HTTP_HOST=TENANTS["alpha"])
        upload = SimpleUploadedFile(f"retorno-{index}.ret", variants[index])
        barrier.wait(timeout=30)
        response = client.post("/api/v1/collection/return-files", {"file": upload}, **staff)
        return response.status_code, response.json().get("code", "")

    results = sorted(in_threads(2, 2, post))
    assert [status for status, _ in results] == [201, 409]
    assert results[1][1] == "duplicate_file"
    with tenant_context("alpha"):
        assert ReturnFile.objects.filter(sequence=4242).count() == 1
        assert Payment.objects.filter(bill__in=bills).count() == 3
        assert Settlement.objects.filter(bill__in=bills, reversed=False).count() == 3
        assert ReturnFileRefusal.objects.filter(code="duplicate_file").count() == 1


def test_committed_in_removes_what_the_block_added_and_keeps_the_rest(tenant_alpha: Any) -> None:
    """The clean-up itself (run here inside the usual rolled-back transaction). Being a `db` test, it
    also makes pytest-django set the test database up when this module runs alone."""
    kept = f.agent("341")
    with committed_in("alpha"):
        connection.set_tenant(tenant_alpha)
        f.agent("756")
        bill = f.bill(f.prop(), "10.00", dt.date(2025, 6, 5))
    connection.set_tenant(tenant_alpha)
    codes = set(type(kept).objects.values_list("code", flat=True))
    assert "341" in codes and "756" not in codes
    assert not Bill.objects.filter(pk=bill.pk).exists()
