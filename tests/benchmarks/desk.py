"""Attendance-desk benchmark: the one-screen view of a property with ten years of history
(issue #14: p95 ≤ 150 ms).

    DATABASE_URL is set by common.setup_django (BENCH_DATABASE, default manancial_bench).
    DESK_BENCH_PROPERTIES=2000 DESK_BENCH_MONTHS=120 python -m tests.benchmarks desk

One tenant (bench_desk) whose properties come through the legacy importer; every property then gets
DESK_BENCH_MONTHS monthly bills (three items each), readings and payments, twelve of its bills left
open and overdue (so the debt block prices late charges), and DESK_BENCH_ORDERS service orders — the
history is written with INSERT … SELECT, since it is volume, not behaviour, that is measured.
Figures, for DESK_BENCH_SAMPLES random properties: the service layer (modules.service.desk.
property_overview with every block), the rendered page /servicos/atendimento/imovel/<id>/ and
GET /api/v1/properties/<id>/overview through Django's test client as a signed-in administrator
(sessions, grants, middleware and templates included), with the number of queries of each.
Prints figures and writes results/desk.json.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from typing import Any

from tests.benchmarks.common import percentiles, setup_django, write

SCHEMA = "bench_desk"
HOST = "bench-desk.bench.localhost"
PASSWORD = "Senha-forte-123"
TARGET_P95_MS = 150.0


def _ensure_tenant() -> None:
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
            request=provisioning.TenantRequest(SCHEMA, "Bench atendimento", HOST),
        )
    if not tenant.is_active:
        provisioning.tenant_provision(tenant_id=tenant.pk)


def _load(n: int, months: int, orders: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from modules.common.audit import SystemActor
    from modules.legacy.services.customers import import_customers
    from modules.legacy.services.properties import import_properties
    from modules.registry.models import Property
    from modules.registry.seed import seed_reference_data
    from modules.service.models import ServiceCode, ServiceOrder
    from saas.demo.registry import build_csvs
    from tests.collection import factories as cf
    from tests.service import factories as sf

    figures: dict[str, Any] = {}
    with transaction.atomic():
        seed_reference_data()
    if Property.objects.count() < n:
        t0 = time.perf_counter()
        customers, properties, _meters = build_csvs(n)
        actor, today = SystemActor("bench"), dt.date.today()
        for fn, data in ((import_customers, customers), (import_properties, properties)):
            report = fn(actor=actor, data=data, today=today)
            assert report.ok, report.errors[:5]
        figures["registry_import_s"] = round(time.perf_counter() - t0, 2)
    if ServiceOrder.objects.exists():
        figures["history"] = "already loaded"
        return figures

    agent = cf.agent()
    code = ServiceCode.objects.filter(code="VAZ01").first() or sf.code(
        "VAZ01", description="Vazamento no cavalete"
    )
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        # month m = 1 is last month; months 1..12 stay open (released, unpaid), the rest were paid
        cur.execute(
            """
            INSERT INTO billing_bill (reference, due_date, status, total, consumption_m3, barcode,
                typeable_line, issued_at, cancel_reason, created_at, property_id, cancelled_by,
                consumption_kind, tariff_act, meter_number, reading_occurrence, payer_document,
                payer_name, hold, measured_m3)
            SELECT ref, ref + 40, CASE WHEN m <= 12 THEN 'released' ELSE 'paid' END,
                   40 + (p.id %% 90) + (m %% 13) * 1.37, 8 + (p.id + m) %% 17, '', '', ref + 35, '',
                   ref + 35, p.id, '', 'measured', 'bench', '', '', '', '', '', 8 + (p.id + m) %% 17
            FROM registry_property p
            CROSS JOIN generate_series(1, %s) m
            CROSS JOIN LATERAL (SELECT (date_trunc('month', now()) - make_interval(months => m))::date
                                AS ref) r
            """,
            [months],
        )
        cur.execute(
            """
            INSERT INTO billing_billitem (kind, description, category, band, quantity_m3, unit_price,
                amount, source, source_id, position, bill_id)
            SELECT k.kind, k.description, 'residential', '', NULL, NULL,
                   round(b.total * k.share, 2), '', '', k.position, b.id
            FROM billing_bill b
            CROSS JOIN (VALUES ('water', 'Água', 0.55, 1), ('sewer', 'Esgoto', 0.40, 2),
                               ('service', 'Taxa de religação', 0.05, 3)) AS k(kind, description,
                                                                             share, position)
            """
        )
        cur.execute(
            """
            INSERT INTO reading_reading (reference, read_on, previous_value, value, consumption_kind,
                consumption_m3, flags, review, source, actor, created_at, property_id)
            SELECT b.reference, b.reference + 28, 1000 + b.consumption_m3, 1000 + 2 * b.consumption_m3,
                   'measured', b.consumption_m3, '{}', '', 'seed', 'bench', b.created_at, b.property_id
            FROM billing_bill b
            """
        )
        cur.execute(
            """
            INSERT INTO collection_payment (channel, status, review_reason, review_detail, barcode,
                amount, fee, paid_on, credited_on, authentication, created_by, created_at, resolved_by,
                resolution, agent_id, bill_id, property_id)
            SELECT 'counter', 'applied', '', '', '', b.total, 1.50, b.due_date - 3, b.due_date - 2, '',
                   'bench', b.due_date - 2, '', '', %s, b.id, b.property_id
            FROM billing_bill b WHERE b.status = 'paid'
            """,
            [agent.pk],
        )
        cur.execute(
            """
            INSERT INTO service_serviceorder (year, number, code_id, property_id, status, priority,
                opened_at, opened_by, due_at, postponements, executed_at, closed_at, closed_by,
                reason, notes, description, link)
            SELECT extract(year FROM o.at)::int,
                   row_number() OVER (PARTITION BY extract(year FROM o.at) ORDER BY p.id, k),
                   %s, p.id, 'executed', 5, o.at, 'bench', o.at + interval '2 days', 0,
                   o.at + interval '1 day', o.at + interval '1 day', 'bench', '', '', 'Vazamento', ''
            FROM registry_property p
            CROSS JOIN generate_series(1, %s) k
            CROSS JOIN LATERAL (SELECT now() - make_interval(days => (k * 180 + (p.id %% 90))::int) AS at) o
            """,
            [code.pk, orders],
        )
        for table in (
            "billing_bill",
            "billing_billitem",
            "reading_reading",
            "collection_payment",
            "service_serviceorder",
        ):
            cur.execute(f"ANALYZE {table}")
        cur.execute("SELECT count(*) FROM billing_bill")
        figures["bills"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM collection_payment")
        figures["payments"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM service_serviceorder")
        figures["orders"] = cur.fetchone()[0]
    figures["history_load_s"] = round(time.perf_counter() - t0, 2)
    return figures


def _staff_client() -> Any:
    from django.test import Client
    from django.utils import timezone

    from modules.access.models import User

    if not User.objects.filter(username="bench-atendente").exists():
        user = User(
            username="bench-atendente",
            full_name="Atendente do benchmark",
            is_admin=True,
            must_change_password=False,
            password_changed_at=timezone.now(),
        )
        user.set_password(PASSWORD)
        user.save()
    client = Client(HTTP_HOST=HOST)
    answer = client.post("/conta/entrar/", {"username": "bench-atendente", "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    return client


def _timed(fn: Any) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        fn()
        elapsed = (time.perf_counter() - t0) * 1000
    return elapsed, len([q for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")])


def _measure(name: str, ids: list[int], fn: Any) -> dict[str, Any]:
    fn(ids[0])  # caches, sessions and grants warmed
    times, queries = [], 0
    for pk in ids:
        elapsed, count = _timed(lambda pk=pk: fn(pk))
        times.append(elapsed)
        queries = max(queries, count)
    row = {k: round(v, 2) for k, v in percentiles(times).items()} | {"queries_max": queries}
    print(name, row, flush=True)
    return row


def main() -> None:
    n = int(os.environ.get("DESK_BENCH_PROPERTIES", "2000"))
    months = int(os.environ.get("DESK_BENCH_MONTHS", "120"))
    orders = int(os.environ.get("DESK_BENCH_ORDERS", "20"))
    samples = int(os.environ.get("DESK_BENCH_SAMPLES", "200"))
    setup_django()
    from django.conf import settings

    settings.DEBUG = False
    from modules.common.tenancy import tenant_context
    from modules.registry.models import Property
    from modules.service.desk import property_overview

    _ensure_tenant()
    figures: dict[str, Any] = {"properties": n, "months_of_history": months, "orders_per_property": orders}
    with tenant_context(SCHEMA):
        figures |= _load(n, months, orders)
        print("load", figures, flush=True)
        ids = list(Property.objects.values_list("pk", flat=True))
        rng = random.Random(14)
        chosen = [rng.choice(ids) for _ in range(samples)]
        today = dt.date.today()
        figures["service_layer_ms"] = _measure(
            "service layer", chosen, lambda pk: property_overview(pk, can=lambda _f: True, today=today)
        )
        client = _staff_client()

        def page(pk: int) -> None:
            answer = client.get(f"/servicos/atendimento/imovel/{pk}/")
            assert answer.status_code == 200, answer.status_code

        def api(pk: int) -> None:
            answer = client.get(f"/api/v1/properties/{pk}/overview")
            assert answer.status_code == 200, answer.status_code

        figures["page_ms"] = _measure("page", chosen, page)
        figures["api_ms"] = _measure("api", chosen, api)
    figures["target_p95_ms"] = TARGET_P95_MS
    figures["meets_target"] = max(figures["page_ms"]["p95"], figures["api_ms"]["p95"]) <= TARGET_P95_MS
    print("meets target (p95 ≤ 150 ms):", figures["meets_target"], flush=True)
    write("desk", figures)
