"""Registry benchmark: legacy-import throughput, search by every key, the 360° page, 20 concurrent clients.

    DATABASE_URL is set by common.setup_django (BENCH_DATABASE, default manancial_bench).
    BENCH_PROPERTIES=200000 python -m tests.benchmarks.registry

Two tenants of the same size side by side (bench_a, bench_b); figures are measured in bench_a, in the
service layer (selectors), as the issue asks. Prints figures and writes results/registry.json.
"""

from __future__ import annotations

import os
import random
import threading
import time
from typing import Any

from tests.benchmarks.common import percentiles, setup_django, write

TENANTS = ("bench_a", "bench_b")


def _ensure_tenants() -> None:
    from django.core.management import call_command

    from modules.common.audit import SystemActor
    from tenants import provisioning
    from tenants.bootstrap import ensure_public_tenant
    from tenants.models import Tenant

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    for schema in TENANTS:
        tenant = Tenant.objects.filter(schema_name=schema).first()
        if tenant is None:
            tenant = provisioning.tenant_request(
                actor=SystemActor("bench"),
                enqueue=False,
                request=provisioning.TenantRequest(
                    schema, f"Bench {schema}", f"{schema.replace('_', '-')}.bench.localhost"
                ),
            )
        if not tenant.is_active:
            provisioning.tenant_provision(tenant_id=tenant.pk)


def _load(schema: str, n: int) -> dict[str, Any]:
    import datetime as dt

    from django.db import connection, transaction

    from modules.common.audit import SystemActor
    from modules.common.tenancy import tenant_context
    from modules.legacy.services.customers import import_customers
    from modules.legacy.services.meters import import_meters
    from modules.legacy.services.properties import import_properties
    from modules.registry.models import Property
    from modules.registry.seed import seed_reference_data
    from saas.demo.registry import build_csvs

    with tenant_context(schema):
        with transaction.atomic():
            seed_reference_data()
        if Property.objects.count() >= n:
            return {"skipped": "already loaded"}
        started = time.perf_counter()
        customers, properties, meters = build_csvs(n)
        generated = time.perf_counter() - started
        actor, today = SystemActor("bench"), dt.date.today()
        figures: dict[str, Any] = {"csv_generation_s": round(generated, 2)}
        for name, fn, data in (
            ("customers", import_customers, customers),
            ("properties", import_properties, properties),
            ("meters", import_meters, meters),
        ):
            t0 = time.perf_counter()
            report = fn(actor=actor, data=data, today=today)
            elapsed = time.perf_counter() - t0
            assert report.ok, report.errors[:5]
            figures[name] = {
                "rows": report.read,
                "seconds": round(elapsed, 2),
                "rows_per_s": round(report.read / elapsed),
            }
        t0 = time.perf_counter()
        again = import_properties(actor=actor, data=properties, today=today)
        figures["properties_reimport"] = {
            "seconds": round(time.perf_counter() - t0, 2),
            "created": again.created,
            "updated": again.updated,
            "unchanged": again.unchanged,
        }
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return figures


def _samples(k: int) -> dict[str, list[str]]:
    from modules.metering.models import Installation
    from modules.registry.models import Property, PropertyRelation

    rng = random.Random(11)
    ids = list(Property.objects.order_by("?").values_list("id", flat=True)[:k])
    props = {p.id: p for p in Property.objects.filter(id__in=ids).select_related("street")}
    holders = {
        r.property_id: r.customer
        for r in PropertyRelation.objects.filter(
            property_id__in=ids, end__isnull=True, role="owner"
        ).select_related("customer")
    }
    meters = list(
        Installation.objects.filter(removed_on__isnull=True, connection__property_id__in=ids).values_list(
            "meter__number", flat=True
        )
    )
    out: dict[str, list[str]] = {
        "account_number": [],
        "inscription": [],
        "cpf_cnpj": [],
        "name": [],
        "street_number": [],
    }
    for pid in ids:
        p = props[pid]
        out["account_number"].append(p.account_number)
        out["inscription"].append(p.inscription)
        customer = holders.get(pid)
        if customer:
            out["cpf_cnpj"].append(customer.cpf_cnpj)
            words = customer.name.split()
            out["name"].append(
                f"{words[0]} {words[-1]}".lower() if rng.random() < 0.5 else " ".join(words[:2])
            )
        out["street_number"].append(f"{p.street.name} {p.number}")
    out["meter_number"] = meters
    return out


def _search_once(query: str) -> tuple[float, int]:
    from modules.registry.selectors import property_search

    t0 = time.perf_counter()
    qs = property_search(query)
    rows = list(qs[:25])
    count = qs.count() if len(rows) == 25 else len(rows)
    return (time.perf_counter() - t0) * 1000, count


def _page_360(pk: int) -> float:
    from modules.registry.panels import panels_for
    from modules.registry.selectors import property_360

    t0 = time.perf_counter()
    view = property_360(pk)
    for _template, ctx in panels_for(view.prop):
        list(ctx.get("installations", []))
    list(view.prop.categories.all())
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    n = int(os.environ.get("BENCH_PROPERTIES", "200000"))
    per_kind = int(os.environ.get("BENCH_QUERIES", "200"))
    setup_django()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from modules.common.tenancy import tenant_context
    from modules.registry.models import Property

    _ensure_tenants()
    figures: dict[str, Any] = {"properties_per_tenant": n, "tenants": list(TENANTS), "import": {}}
    for schema in TENANTS:
        figures["import"][schema] = _load(schema, n)
        print(schema, "import", figures["import"][schema], flush=True)

    with tenant_context(TENANTS[0]):
        samples = _samples(per_kind)
        search: dict[str, Any] = {}
        for kind, queries in samples.items():
            for q in queries[:5]:
                _search_once(q)  # warm
            times, hits = [], []
            for q in queries:
                ms, count = _search_once(q)
                times.append(ms)
                hits.append(count)
            search[kind] = {k: round(v, 2) for k, v in percentiles(times).items()} | {
                "mean_hits": round(sum(hits) / len(hits), 1),
                "zero_hit_queries": sum(1 for h in hits if h == 0),
            }
            print("search", kind, search[kind], flush=True)
        figures["search_ms"] = search

        ids = list(Property.objects.order_by("?").values_list("id", flat=True)[:per_kind])
        reset_queries()  # under DEBUG the log keeps 9,000 queries: a full log made the capture below empty
        with CaptureQueriesContext(connection) as ctx:
            _page_360(ids[0])
        selects = [q for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]
        times = [_page_360(pk) for pk in ids]
        figures["page_360_ms"] = {k: round(v, 2) for k, v in percentiles(times).items()} | {
            "queries": len(selects)
        }
        print("360", figures["page_360_ms"], flush=True)
        all_queries = [q for qs in samples.values() for q in qs]

    # 20 concurrent clients, each its own connection, mixing searches of every kind and 360° pages
    latencies: list[float] = []
    lock = threading.Lock()
    ops_per_client = int(os.environ.get("BENCH_OPS_PER_CLIENT", "60"))

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine = []
        with tenant_context(TENANTS[0]):
            for _ in range(ops_per_client):
                if rng.random() < 0.7:
                    mine.append(_search_once(rng.choice(all_queries))[0])
                else:
                    mine.append(_page_360(rng.choice(ids)))
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    figures["concurrent_20"] = {k: round(v, 2) for k, v in percentiles(latencies).items()} | {
        "operations": len(latencies),
        "wall_s": round(wall, 2),
        "ops_per_s": round(len(latencies) / wall, 1),
        "tender_bar_ms": 10_000,
        "times_below_bar_at_p95": round(10_000 / percentiles(latencies)["p95"], 1),
    }
    print("20 clients", figures["concurrent_20"], flush=True)
    path = write("registry", figures)
    print("written", path)


if __name__ == "__main__":
    main()
