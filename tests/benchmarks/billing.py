"""Billing: a full run of 200,000 properties (bills per second end to end, peak memory, the slowest
chunk against RabbitMQ's 30-minute limit), the same rows written by a bare COPY as the floor, and the
median render time of a bill PDF in one process.

BENCH_DATABASE=manancial_bench_billing .venv/bin/python -m tests.benchmarks billing
(BILLING_BENCH_PROPERTIES=20000 for a quicker pass; BILLING_BENCH_WORKERS, default 2 = the cores)
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import statistics
import time
from typing import Any

from tests.benchmarks.common import setup_django, write

SCHEMA = "bench_billing"
N = int(os.environ.get("BILLING_BENCH_PROPERTIES", "200000"))
WORKERS = int(os.environ.get("BILLING_BENCH_WORKERS", "2"))
CHUNK = 1000


def _tenant() -> None:
    from django.core.management import call_command

    from modules.common.audit import SystemActor
    from tenants import provisioning
    from tenants.bootstrap import ensure_public_tenant
    from tenants.models import Tenant

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    tenant = Tenant.objects.filter(schema_name=SCHEMA).first()
    if tenant is None:
        tenant = provisioning.tenant_request(
            actor=SystemActor("bench"),
            enqueue=False,
            branding={"febraban_company_code": "0562"},
            request=provisioning.TenantRequest(SCHEMA, "Bench faturamento", "bench-billing.bench.localhost"),
        )
    if not tenant.is_active:
        provisioning.tenant_provision(tenant_id=tenant.pk)
    Tenant.objects.filter(pk=tenant.pk).update(febraban_company_code="0562", state="SP")


def _fill(cursor: Any, table: str, values: dict[str, str], source: str) -> None:
    """INSERT … SELECT with every NOT NULL column given (a neutral value when not in `values`)."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s AND is_nullable = 'NO' AND column_default IS NULL "
        "AND is_identity = 'NO'",
        [table],
    )
    neutral = {"boolean": "false", "date": "current_date", "timestamp with time zone": "now()"}
    cols = dict(values)
    for name, kind in cursor.fetchall():
        if name not in cols:
            cols[name] = neutral.get(kind, "''" if "char" in kind or kind == "text" else "0")
    cursor.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols.values())} {source}")


def _load(n: int) -> dict[str, Any]:
    import datetime as dt

    from django.db import connection, transaction

    from modules.billing.models import Tariff
    from modules.billing.services.tariffs import tariff_approve, tariff_create
    from modules.common.audit import SystemActor
    from modules.reading.models import ReadingSchedule
    from modules.registry.models import BillingGroup, City, Neighbourhood, Property, Street
    from saas.demo.billing import sorocaba_tariff

    have = Property.objects.filter(billing_group__code=1).count()
    if have >= n:
        return {"skipped": "already loaded"}
    started = time.perf_counter()
    with transaction.atomic():
        for app in ("registry", "reading", "billing"):
            __import__(f"modules.{app}.seed", fromlist=["x"]).seed_reference_data()
        if not Tariff.objects.exists():
            tariff_approve(
                actor=SystemActor("bench"),
                tariff=tariff_create(actor=SystemActor("bench"), data=sorocaba_tariff()),
                today=dt.date(2020, 1, 1),
            )
        city = City.objects.first()
        street, _ = Street.objects.get_or_create(city=city, street_type="Rua", name="Bench")
        hood, _ = Neighbourhood.objects.get_or_create(city=city, name="Bench")
        group = BillingGroup.objects.get(code=1)
        route = group.routes.order_by("code").first()
        ReadingSchedule.objects.get_or_create(
            group=group,
            reference=dt.date(2026, 5, 1),
            defaults={
                "reading_start": dt.date(2026, 5, 4),
                "reading_end": dt.date(2026, 5, 29),
                "billing_date": dt.date(2026, 5, 29),
                "due_date": dt.date(2026, 6, 15),
            },
        )
        with connection.cursor() as c:
            _fill(
                c,
                "registry_property",
                {
                    "account_base": "10000000 + g",
                    "account_number": "'B' || g",
                    "locality": "1",
                    "sector": "1",
                    "block": "g / 1000 + 1",
                    "lot": "g % 1000 + 1",
                    "inscription": "'B.' || g",
                    "number": "g::text",
                    "street_id": str(street.pk),
                    "neighbourhood_id": str(hood.pk),
                    "billing_group_id": str(group.pk),
                    "route_id": str(route.pk),
                    "route_sequence": "g",
                    "status": "'active'",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
                f"FROM generate_series({have + 1}, {n}) g",
            )
            c.execute("SELECT id, code FROM registry_category")
            cats = {code: pk for pk, code in c.fetchall()}
            _fill(
                c,
                "registry_propertycategory",
                {
                    "property_id": "p.id",
                    "category_id": f"CASE WHEN p.id % 20 = 0 THEN {cats['COM']} ELSE {cats['RES']} END",
                    "economies": "CASE WHEN p.id % 10 = 3 THEN 3 ELSE 1 END",
                },
                "FROM registry_property p WHERE NOT EXISTS (SELECT 1 FROM registry_propertycategory x "
                "WHERE x.property_id = p.id)",
            )
            for kind, where in (("water", "WHERE true"), ("sewer", "WHERE p.id % 5 < 3")):
                _fill(
                    c,
                    "registry_serviceconnection",
                    {
                        "property_id": "p.id",
                        "kind": f"'{kind}'",
                        "situation": "'connected'",
                        "since": "'2020-01-01'",
                        "metered": "false",
                    },
                    f"FROM registry_property p {where} AND NOT EXISTS "
                    "(SELECT 1 FROM registry_serviceconnection x "
                    f"WHERE x.property_id = p.id AND x.kind = '{kind}')",
                )
            _fill(
                c,
                "reading_reading",
                {
                    "property_id": "p.id",
                    "reference": "'2026-05-01'",
                    "read_on": "'2026-05-10'",
                    "consumption_kind": "'measured'",
                    "consumption_m3": "(p.id * 7) % 31 + 1",
                    "flags": "CASE WHEN p.id % 50 = 0 THEN ARRAY['high']::varchar[] ELSE '{}'::varchar[] END",
                    "review": "CASE WHEN p.id % 50 = 0 THEN 'pending' ELSE '' END",
                    "source": "'bench'",
                    "actor": "'bench'",
                    "created_at": "now()",
                },
                "FROM registry_property p WHERE NOT EXISTS (SELECT 1 FROM reading_reading x "
                "WHERE x.property_id = p.id)",
            )
            c.execute("ANALYZE")
    return {"load_s": round(time.perf_counter() - started, 1)}


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("DELETE FROM billing_billanomaly")
        c.execute("DELETE FROM billing_billitem")
        c.execute("DELETE FROM billing_bill")
        c.execute("DELETE FROM billing_runerror")
        c.execute("DELETE FROM billing_runchunk")
        c.execute("DELETE FROM billing_billingrun")
        c.execute("VACUUM ANALYZE billing_bill" if not connection.in_atomic_block else "SELECT 1")


def _worker(chunk_ids: list[int], out: Any) -> None:
    from django.db import connection

    from modules.billing.services.runs import chunk_process
    from modules.common.tenancy import tenant_context

    connection.close()
    slowest = 0.0
    with tenant_context(SCHEMA):
        for chunk_id in chunk_ids:
            t0 = time.perf_counter()
            chunk_process(chunk_id=chunk_id)
            slowest = max(slowest, time.perf_counter() - t0)
    out.put((slowest, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _run() -> dict[str, Any]:
    from django.db import connection

    from modules.billing.models import BillingRun, RunChunk
    from modules.billing.services.runs import run_create
    from modules.common.audit import SystemActor
    from modules.common.domain.dates import YearMonth
    from modules.common.tenancy import tenant_context
    from modules.registry.models import BillingGroup

    with tenant_context(SCHEMA):
        _reset()
        started = time.perf_counter()
        run = run_create(
            actor=SystemActor("bench"),
            group=BillingGroup.objects.get(code=1),
            reference=YearMonth(2026, 5),
            chunk_size=CHUNK,
            enqueue=False,
        )
        planned = time.perf_counter() - started
        ids = list(RunChunk.objects.filter(run=run).order_by("number").values_list("id", flat=True))
    connection.close()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(ids[i::WORKERS], queue)) for i in range(WORKERS)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    with tenant_context(SCHEMA):
        run = BillingRun.objects.get(pk=run.pk)
        assert run.status == "done", run.status
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM billing_billitem")
            items = c.fetchone()[0]
    return {
        "properties": run.total_properties,
        "bills": run.bills_count,
        "items": items,
        "errors": run.errors_count,
        "anomalies": run.anomalies_count,
        "workers": WORKERS,
        "chunk_size": CHUNK,
        "plan_s": round(planned, 2),
        "end_to_end_s": round(elapsed, 1),
        "bills_per_s": round(run.bills_count / elapsed),
        "slowest_chunk_s": round(max(r[0] for r in results), 2),
        "peak_rss_mb_per_worker": round(max(r[1] for r in results) / 1024),
        "run_id": run.pk,
    }


def _copy_floor() -> dict[str, Any]:
    """The same bills and items, dumped, then loaded by a bare COPY into twin tables with the same
    indexes (no foreign keys, no Python): the floor any run writing these rows can approach."""
    from django.db import connection

    from modules.common.tenancy import tenant_context

    with tenant_context(SCHEMA), connection.cursor() as c:
        buffers = {}
        for table in ("billing_bill", "billing_billitem"):
            buf = io.BytesIO()
            with c.copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    buf.write(data)
            buffers[table] = buf.getvalue()
            c.execute(f"DROP TABLE IF EXISTS floor_{table}")
            c.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING DEFAULTS INCLUDING INDEXES)")
        started = time.perf_counter()
        for table, data in buffers.items():
            with c.copy(f"COPY floor_{table} FROM STDIN") as copy:
                copy.write(data)
        floor = time.perf_counter() - started
        for table in buffers:
            c.execute(f"DROP TABLE floor_{table}")
    return {
        "copy_floor_s": round(floor, 2),
        "copy_mb": round(sum(len(b) for b in buffers.values()) / 2**20, 1),
    }


def _pdf(samples: int = 40) -> dict[str, Any]:
    from modules.billing.models import Bill
    from modules.billing.pdf import render_bill_pdf
    from modules.common.tenancy import tenant_context

    with tenant_context(SCHEMA):
        bills = list(Bill.objects.order_by("id")[: samples + 1])
        t0 = time.perf_counter()
        render_bill_pdf(bills[0])
        first = time.perf_counter() - t0
        times = []
        for bill in bills[1:]:
            t0 = time.perf_counter()
            render_bill_pdf(bill)
            times.append((time.perf_counter() - t0) * 1000)
    return {
        "first_ms": round(first * 1000),
        "median_ms": round(statistics.median(times)),
        "p95_ms": round(sorted(times)[int(len(times) * 0.95) - 1]),
        "samples": len(times),
    }


def main() -> None:
    import logging

    setup_django()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from modules.common.tenancy import tenant_context

    _tenant()
    with tenant_context(SCHEMA):
        load = _load(N)
    print(f"carga: {load}", flush=True)
    run = _run()
    print(f"execução: {run}", flush=True)
    floor = _copy_floor()
    print(f"piso COPY: {floor}", flush=True)
    pdf = _pdf()
    print(f"PDF: {pdf}", flush=True)
    write("billing", {"load": load, "run": run, "floor": floor, "pdf": pdf})
