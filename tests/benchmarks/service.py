"""Service benchmark: the deadline queue (3.2.11.23) with 50,000 open orders.

    .venv/bin/python -m tests.benchmarks service
    SERVICE_BENCH_OPEN=50000 SERVICE_BENCH_CLOSED=100000 SERVICE_BENCH_RUNS=200 …

One tenant (bench_svc) with 2,000 properties, 50,000 open orders (pending, scheduled, in progress,
paused, due from 30 days ago to 30 days ahead, priorities 1–9, codes in hours and in business days)
and 100,000 closed ones (executed, not executed, cancelled: the history a utility keeps). Measured
through Django's test client as a logged-in supervisor: the page /servicos/ordens/prazos/ and the API
GET /api/v1/service/orders/deadline-queue, first page (25) ordered by remaining time, with the count
and the time left in each code's unit; and the EXPLAIN of the queue's query, to show the partial
index `order_open_by_due` (migration 0003_orders) is used. Target: p95 ≤ 100 ms. Prints figures and
writes results/service.json; never fails on a slow machine.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from typing import Any

from tests.benchmarks.common import percentiles, setup_django, write

SCHEMA = "bench_svc"
OPEN = int(os.environ.get("SERVICE_BENCH_OPEN", "50000"))
CLOSED = int(os.environ.get("SERVICE_BENCH_CLOSED", "100000"))
RUNS = int(os.environ.get("SERVICE_BENCH_RUNS", "200"))
PROPERTIES = 2000


def _ensure_tenant() -> Any:
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
            request=provisioning.TenantRequest(SCHEMA, "Bench serviços", "bench-svc.bench.localhost"),
        )
    if not tenant.is_active:
        provisioning.tenant_provision(tenant_id=tenant.pk)
    else:
        call_command("migrate_schemas", schema_name=SCHEMA, interactive=False, verbosity=0)
    return Tenant.objects.get(schema_name=SCHEMA)


def _load() -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from modules.common.audit import SystemActor
    from modules.legacy.services.customers import import_customers
    from modules.legacy.services.properties import import_properties
    from modules.registry.models import Property
    from modules.registry.seed import seed_reference_data
    from modules.service.models import OrderSequence, ServiceCode, ServiceOrder
    from modules.service.services import catalog
    from saas.demo.registry import build_csvs

    if ServiceOrder.objects.count() >= OPEN + CLOSED:
        return {"skipped": "already loaded"}
    actor, today = SystemActor("bench"), dt.date.today()
    with transaction.atomic():
        seed_reference_data()
    if Property.objects.count() < PROPERTIES:
        customers, properties, _meters = build_csvs(PROPERTIES)
        assert import_customers(actor=actor, data=customers, today=today).ok
        assert import_properties(actor=actor, data=properties, today=today).ok
    codes = []
    for code, value, unit, priority in (
        ("VAZ01", 6, "hours", 1),
        ("COR01", 2, "business_days", 3),
        ("LIG01", 5, "business_days", 5),
        ("HID01", 10, "business_days", 7),
        ("VIS01", 48, "hours", 9),
    ):
        row = ServiceCode.objects.filter(code=code).first() or catalog.service_code_create(
            actor=actor,
            code=code,
            description=f"Serviço {code}",
            billing_type="not_billable",
            deadline_value=value,
            deadline_unit=unit,
            priority=priority,
            price=None,
            price_from=today,
        )
        codes.append(row)
    prop_ids = list(Property.objects.values_list("pk", flat=True))
    ServiceOrder.objects.all().delete()
    rng = random.Random(11)
    now = timezone.now()
    open_states = ["pending", "pending", "scheduled", "in_progress", "paused"]
    closed_states = ["executed", "executed", "executed", "not_executed", "cancelled"]
    t0 = time.perf_counter()
    batch: list[ServiceOrder] = []
    for number in range(1, OPEN + CLOSED + 1):
        code = rng.choice(codes)
        is_open = number <= OPEN
        opened = now - dt.timedelta(minutes=rng.randint(60, 60 * 24 * 90))
        due = now + dt.timedelta(minutes=rng.randint(-60 * 24 * 30, 60 * 24 * 30))
        batch.append(
            ServiceOrder(
                year=2026,
                number=number,
                code=code,
                property_id=rng.choice(prop_ids),
                status=rng.choice(open_states if is_open else closed_states),
                priority=code.priority,
                opened_at=opened,
                opened_by="bench",
                due_at=due,
                closed_at=None if is_open else due,
            )
        )
        if len(batch) == 5000:
            ServiceOrder.objects.bulk_create(batch)
            batch = []
    ServiceOrder.objects.bulk_create(batch)
    OrderSequence.objects.update_or_create(year=2026, defaults={"last": OPEN + CLOSED})
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE service_serviceorder")
    return {"orders_loaded": OPEN + CLOSED, "load_s": round(time.perf_counter() - t0, 1)}


def _explain() -> str:
    from django.utils import timezone

    from modules.service.selectors import order_queue

    qs = order_queue(now=timezone.now(), by_remaining=True)[:25]
    return str(qs.explain())


def main() -> None:
    setup_django()
    from django.test import Client

    from modules.access.models import User
    from modules.common.tenancy import tenant_context

    tenant = _ensure_tenant()
    figures: dict[str, Any] = {"open_orders": OPEN, "closed_orders": CLOSED, "runs": RUNS}
    with tenant_context(SCHEMA):
        figures["load"] = _load()
        print("load", figures["load"], flush=True)
        user = User.objects.filter(username="bench").first()
        if user is None:
            from django.utils import timezone

            user = User.objects.create_user(
                username="bench",
                password="bench-Senha-123",
                is_admin=True,
                must_change_password=False,
                password_changed_at=timezone.now(),
            )
        plan = _explain()
        client = Client(HTTP_HOST=tenant.primary_domain)
        client.force_login(user)  # the session and the user live in the tenant's schema
    figures["plan"] = plan.splitlines()
    print(plan, flush=True)
    for name, path in (
        ("page_ms", "/servicos/ordens/prazos/"),
        ("api_ms", "/api/v1/service/orders/deadline-queue"),
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.get("Location"))
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        figures[name] = {k: round(v, 2) for k, v in percentiles(times).items()}
        figures[name]["target_p95_ms"] = 100
        print(name, figures[name], flush=True)
    api = client.get("/api/v1/service/orders/deadline-queue").json()
    figures["api_count"] = api["count"]
    figures["first_due"] = [r["due_at"] for r in api["results"][:3]]
    write("service", figures)


if __name__ == "__main__":
    main()
