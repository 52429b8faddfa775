"""Reading-batch benchmark (issue 15; ADR 0200): building the batch of a large group (target: 200,000
properties in ≤ 60 s), the package of a 400-property route (≤ 1 s, ≤ 1 MB) and the sync of 400
readings with on-site bills re-priced by the server (≤ 5 s), then the same sync replayed. The group
is loaded by SQL (properties, categories, water connections, meters installed, six months of
readings). Prints figures and writes results/reading_batch.json.

    BENCH_DATABASE=manancial_bench_reading .venv/bin/python -m tests.benchmarks reading_batch
    (READING_BENCH_PROPERTIES=200000 for the full group; default 50,000)
"""

from __future__ import annotations

import cProfile
import datetime as dt
import json
import os
import pstats
import time
import uuid
from decimal import Decimal
from typing import Any

from .common import setup_django, write

SCHEMA = "bench_reading"
N = int(os.environ.get("READING_BENCH_PROPERTIES", "50000"))
PER_ROUTE = 400
MONTH = (2026, 5)


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
            request=provisioning.TenantRequest(SCHEMA, "Bench leitura", "bench-reading.bench.localhost"),
        )
    if not tenant.is_active:
        provisioning.tenant_provision(tenant_id=tenant.pk)


def _load(n: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from modules.billing.models import Tariff
    from modules.billing.services.tariffs import tariff_approve, tariff_create
    from modules.common.audit import SystemActor
    from modules.reading.models import ReadingSchedule
    from modules.registry.models import BillingGroup, City, Neighbourhood, Property, Route, Street
    from saas.demo.billing import sorocaba_tariff
    from tests.benchmarks.billing import _fill

    group, _ = BillingGroup.objects.get_or_create(code=60, defaults={"name": "Bench leitura"})
    if Property.objects.filter(billing_group=group).count() >= n:
        return {"skipped": "already loaded"}
    started = time.perf_counter()
    routes = -(-n // PER_ROUTE)
    with transaction.atomic():
        if not Tariff.objects.exists():
            tariff_approve(
                actor=SystemActor("bench"),
                tariff=tariff_create(actor=SystemActor("bench"), data=sorocaba_tariff()),
                today=dt.date(2020, 1, 1),
            )
        city = City.objects.first()
        street, _ = Street.objects.get_or_create(city=city, street_type="Rua", name="Bench")
        hood, _ = Neighbourhood.objects.get_or_create(city=city, name="Bench")
        Route.objects.bulk_create(
            [Route(group=group, code=c, sequence=c) for c in range(1, routes + 1)], ignore_conflicts=True
        )
        first = Route.objects.get(group=group, code=1).pk
        assert Route.objects.get(group=group, code=routes).pk == first + routes - 1, (
            "route ids not contiguous"
        )
        for year, month in [(2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3), (2026, 4), MONTH]:
            ReadingSchedule.objects.get_or_create(
                group=group,
                reference=dt.date(year, month, 1),
                defaults={
                    "reading_start": dt.date(year, month, 2),
                    "reading_end": dt.date(year, month, 28),
                    "billing_date": dt.date(year, month, 28),
                    "due_date": dt.date(year, month, 28) + dt.timedelta(days=15),
                },
            )
        with connection.cursor() as c:
            _fill(
                c,
                "registry_property",
                {
                    "account_base": "20000000 + g",
                    "account_number": "'R' || g",
                    "locality": "2",
                    "sector": "1",
                    "block": "g / 1000 + 1",
                    "lot": "g % 1000 + 1",
                    "inscription": "'R.' || g",
                    "number": "g::text",
                    "street_id": str(street.pk),
                    "neighbourhood_id": str(hood.pk),
                    "billing_group_id": str(group.pk),
                    "route_id": f"{first} + (g - 1) / {PER_ROUTE}",
                    "route_sequence": "g",
                    "latitude": "-23.5 + (g % 400) * 0.0001",
                    "longitude": "-47.45 + (g / 400) * 0.0001",
                    "status": "'active'",
                    "economies_total": "1",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
                f"FROM generate_series(1, {n}) g",
            )
            c.execute("SELECT id FROM registry_category WHERE code = 'RES'")
            res = c.fetchone()[0]
            scope = f"FROM registry_property p WHERE p.billing_group_id = {group.pk}"
            _fill(
                c,
                "registry_propertycategory",
                {"property_id": "p.id", "category_id": str(res), "economies": "1"},
                scope,
            )
            _fill(
                c,
                "registry_serviceconnection",
                {
                    "property_id": "p.id",
                    "kind": "'water'",
                    "situation": "'connected'",
                    "since": "'2020-01-01'",
                    "metered": "true",
                },
                scope,
            )
            _fill(
                c,
                "metering_meter",
                {
                    "number": "'RM' || p.id",
                    "manufacturer": "'Elster'",
                    "capacity": "1.5",
                    "diameter_mm": "20",
                    "metrological_class": "'B'",
                    "manufacture_year": "2020",
                    "dials": "5",
                    "status": "'installed'",
                },
                scope,
            )
            _fill(
                c,
                "metering_installation",
                {
                    "meter_id": "m.id",
                    "connection_id": "s.id",
                    "installed_on": "'2020-01-01'",
                    "initial_reading": "0",
                    "installed_by": "'bench'",
                },
                "FROM registry_serviceconnection s JOIN registry_property p ON p.id = s.property_id "
                f"JOIN metering_meter m ON m.number = 'RM' || p.id WHERE p.billing_group_id = {group.pk}",
            )
            for k, (year, month) in enumerate(
                [(2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3), (2026, 4)]
            ):
                _fill(
                    c,
                    "reading_reading",
                    {
                        "property_id": "p.id",
                        "reference": f"'{year}-{month:02d}-01'",
                        "read_on": f"'{year}-{month:02d}-10'",
                        "previous_value": f"{k * 18}",
                        "value": f"{(k + 1) * 18}",
                        "installation_id": "i.id",
                        "consumption_kind": "'measured'",
                        "consumption_m3": "18",
                        "flags": "'{}'::varchar[]",
                        "review": "''",
                        "source": "'bench'",
                        "actor": "'bench'",
                        "device_code": "''",
                        "created_at": "now()",
                    },
                    "FROM registry_property p JOIN registry_serviceconnection s ON s.property_id = p.id "
                    "JOIN metering_installation i ON i.connection_id = s.id "
                    f"WHERE p.billing_group_id = {group.pk}",
                )
            c.execute("ANALYZE")
    return {"load_s": round(time.perf_counter() - started, 1), "routes": routes}


def _account_numbers(group_id: int) -> None:
    """Real account numbers (base and check digit) for the loaded properties: SQL cannot compute the
    check digit, so they are written through a temporary table."""
    from django.db import connection

    from modules.registry.domain.account_number import format_account_number, next_account_base

    with connection.cursor() as c:
        c.execute(
            "SELECT id FROM registry_property WHERE billing_group_id = %s AND account_number LIKE 'R%%' "
            "ORDER BY id",
            [group_id],
        )
        ids = [row[0] for row in c.fetchall()]
        if not ids:
            return
        c.execute(
            "SELECT coalesce(max(account_base), 30000000) FROM registry_property "
            "WHERE account_number NOT LIKE 'R%%'"
        )
        base = max(c.fetchone()[0], 30000000)
        c.execute("CREATE TEMP TABLE bench_numbers (id bigint, base integer, number varchar(12))")
        with c.copy("COPY bench_numbers (id, base, number) FROM STDIN") as copy:
            for pk in ids:
                base = next_account_base(base)
                copy.write_row((pk, base, format_account_number(base)))
        c.execute(
            "UPDATE registry_property p SET account_base = n.base, account_number = n.number "
            "FROM bench_numbers n WHERE n.id = p.id"
        )
        c.execute("DROP TABLE bench_numbers")


def main() -> None:
    setup_django(fresh=os.environ.get("BENCH_FRESH", "1") == "1")
    from django.db import connection
    from django.utils import timezone
    from rest_framework.renderers import JSONRenderer

    from modules.access.models import User
    from modules.common.audit import SystemActor
    from modules.common.domain.dates import YearMonth
    from modules.common.tenancy import tenant_context
    from modules.reading import selectors_batches as sel
    from modules.reading.models import BatchItem, ReadingBatch
    from modules.reading.services import batches as svc
    from modules.reading.services.sync import SyncEvent, reading_sync
    from modules.registry.models import BillingGroup

    actor = SystemActor("bench")
    _tenant()
    figures: dict[str, Any] = {}
    with tenant_context(SCHEMA):
        loaded = _load(N)
        print(f"carga dos dados: {loaded}", flush=True)
        group = BillingGroup.objects.get(code=60)
        _account_numbers(group.pk)
        ReadingBatch.objects.filter(group=group).delete()
        t0 = time.perf_counter()
        batch, _ = svc.batch_create(actor=actor, group=group, month=YearMonth(*MONTH))
        seconds = time.perf_counter() - t0
        figures["batch"] = {
            "properties": batch.items_count,
            "seconds": round(seconds, 2),
            "per_second": round(batch.items_count / seconds),
            "extrapolated_200k_seconds": round(seconds * 200000 / batch.items_count, 1),
            "target_seconds": 60,
        }
        print(
            f"carga de leitura: {batch.items_count} imóveis em {seconds:.1f} s "
            f"(200.000 ≈ {figures['batch']['extrapolated_200k_seconds']} s; meta ≤ 60 s)",
            flush=True,
        )

        member = User.objects.filter(username="leitor-bench").first()
        if member is None:
            member = User(
                username="leitor-bench", full_name="Leitor Bench", password_changed_at=timezone.now()
            )
            member.set_unusable_password()
            member.save()
        reader = svc.reader_save(actor=actor, user_id=member.pk, employee_number="BENCH-1")
        device = svc.device_save(actor=actor, code="BENCH-DEVICE", reader=reader)
        route = svc.batch_route(batch, 1)
        svc.route_assign(actor=actor, route=route, device=device)
        route.refresh_from_db()
        t0 = time.perf_counter()
        body = JSONRenderer().render(sel.package(route, []))
        package_seconds = time.perf_counter() - t0
        figures["package"] = {
            "properties": route.items_count,
            "seconds": round(package_seconds, 3),
            "bytes": len(body),
            "target_seconds": 1.0,
            "target_bytes": 1_000_000,
        }
        print(
            f"pacote da rota: {route.items_count} imóveis, {len(body) / 1024:.0f} KiB "
            f"em {package_seconds:.3f} s "
            "(meta ≤ 1 s, ≤ 1 MB)",
            flush=True,
        )

        items = list(
            BatchItem.objects.filter(route=route)
            .order_by("sequence")
            .values_list("property_id", "previous_value")
        )
        events = [
            SyncEvent(
                uuid.uuid4(),
                pid,
                (previous or 0) + 18,
                # inside the month's reading window (the schedule loaded above)
                dt.datetime(MONTH[0], MONTH[1], 10, 11, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=i),
                latitude=Decimal("-23.5"),
                longitude=Decimal("-47.45"),
                bill_total=Decimal("35.82"),
            )
            for i, (pid, previous) in enumerate(items)
        ]
        statements: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            statements.append(sql)
            return execute(sql, params, many, context)

        profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        t0 = time.perf_counter()
        with connection.execute_wrapper(count):
            if profiler is not None:
                profiler.enable()
            result = reading_sync(actor=member, device_code=device.code, events=events, battery=80)
            if profiler is not None:
                profiler.disable()
        sync_seconds = time.perf_counter() - t0
        if profiler is not None:  # BENCH_PROFILE=1: where the sync's time goes (slower while on)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        accepted = sum(a.status == "accepted" for a in result.answers)
        t0 = time.perf_counter()
        replay = reading_sync(actor=member, device_code=device.code, events=events)
        replay_seconds = time.perf_counter() - t0
        figures["sync"] = {
            "events": len(events),
            "accepted": accepted,
            "refused": [a.reason for a in result.answers if a.status == "refused"][:3],
            "seconds": round(sync_seconds, 2),
            "queries": len(statements),
            "queries_per_reading": round(len(statements) / max(len(events), 1), 1),
            "target_seconds": 5.0,
            "replay_seconds": round(replay_seconds, 2),
            "replay_duplicates": sum(a.status == "duplicate" for a in replay.answers),
        }
        print(
            f"envio de {len(events)} leituras com conta: {accepted} aceitas em {sync_seconds:.2f} s "
            f"(meta ≤ 5 s), {len(statements) / max(len(events), 1):.1f} consultas por leitura; "
            f"reenvio {replay_seconds:.2f} s, {figures['sync']['replay_duplicates']} duplicadas",
            flush=True,
        )
        ReadingBatch.objects.filter(pk=batch.pk).delete()
    figures["load"] = loaded
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    write("reading_batch", figures)


if __name__ == "__main__":
    main()
