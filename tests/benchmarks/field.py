"""Field benchmark: the device sync of a 200-order day (target ≤ 2 s): each order started and closed
with a material (pending charges written through the order services) plus a position per order, in
one batch as the phone sends it after a day without signal; then the same batch replayed (nothing
changes). Prints figures and writes results/field.json.

    BENCH_DATABASE=manancial_bench_field .venv/bin/python -m tests.benchmarks field
"""

from __future__ import annotations

import cProfile
import datetime as dt
import os
import pstats
import random
import re
import time
import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

from .common import setup_django, write

SCHEMA = "bench_field"


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
            request=provisioning.TenantRequest(SCHEMA, "Bench campo", "bench-field.bench.localhost"),
        )
    if not tenant.is_active:
        provisioning.tenant_provision(tenant_id=tenant.pk)


def main() -> None:
    setup_django(fresh=os.environ.get("BENCH_FRESH", "1") == "1")
    from django.db import connection
    from django.utils import timezone

    from modules.access.models import User
    from modules.common.audit import SystemActor
    from modules.common.clock import tenant_today
    from modules.common.tenancy import tenant_context
    from modules.registry.models import Property
    from modules.service.models import PendingCharge, ServiceOrder
    from modules.service.services import catalog, field, orders
    from tests.registry import factories as reg

    n = int(os.environ.get("BENCH_ORDERS", "200"))
    actor = SystemActor("bench")
    _tenant()
    figures: dict[str, Any] = {}
    with tenant_context(SCHEMA):
        today = tenant_today()
        tag = uuid.uuid4().hex[:4].upper()
        code = catalog.service_code_create(
            actor=actor,
            code=f"LIG{tag}",
            description="Ligação de água",
            billing_type="mandatory",
            deadline_value=2,
            deadline_unit="business_days",
            charges_materials=True,
            price=Decimal("35.00"),
            price_from=today - dt.timedelta(days=30),
        )
        material = catalog.material_create(
            actor=actor,
            code=f"TB{tag}",
            description="Tubo",
            unit="m",
            price=Decimal("12.50"),
            price_from=today - dt.timedelta(days=30),
        )
        team = catalog.team_create(actor=actor, name=f"Equipe {tag}")
        member = User(username=f"campo{tag.lower()}", full_name="Campo", password_changed_at=timezone.now())
        member.set_unusable_password()
        member.save()
        catalog.team_member_add(actor=actor, team_id=team.pk, user_id=member.pk, start=today)
        t0 = time.perf_counter()
        day: list[ServiceOrder] = []
        opened = timezone.now() - dt.timedelta(days=1)
        # a block of its own in the reused database (a random one collided with an earlier run's)
        used = set(Property.objects.filter(locality=9, sector=9).values_list("block", flat=True))
        block = random.choice([b for b in range(100, 1000) if b not in used])
        for i in range(n):
            prop = reg.prop(locality=9, sector=9, block=block, lot=i + 1)
            o = orders.order_open(actor=actor, code=code.code, property_id=prop.pk, opened_at=opened)
            day.append(orders.order_schedule(actor=actor, order_id=o.pk, team_id=team.pk, day=today))
        print(f"setup: {n} scheduled orders in {time.perf_counter() - t0:.1f} s", flush=True)
        now = timezone.now()
        events: list[field.EventIn] = []
        for i, o in enumerate(day):
            at = now - dt.timedelta(minutes=2 * (n - i))
            events.append(field.EventIn(uuid.uuid4(), "start", at, o.pk))
            events.append(
                field.EventIn(
                    uuid.uuid4(),
                    "close",
                    at + dt.timedelta(minutes=1),
                    o.pk,
                    {
                        "team": team.pk,
                        "executed_at": (at + dt.timedelta(minutes=1)).isoformat(),
                        "materials": [{"code": material.code, "quantity": "2"}],
                    },
                )
            )
            events.append(
                field.EventIn(uuid.uuid4(), "position", at, None, {"latitude": "-23.5", "longitude": "-47.4"})
            )
        statements: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            statements.append(sql)
            return execute(sql, params, many, context)

        profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        t0, cpu0 = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count):
            if profiler is not None:
                profiler.enable()
            results = field.field_sync(actor=member, device_id="bench-device", events=events)
            if profiler is not None:
                profiler.disable()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        if profiler is not None:  # BENCH_PROFILE=1: where the sync's time goes (slower while on)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
        if os.environ.get("BENCH_SQL"):  # BENCH_SQL=1: the statements of the sync by kind and table
            kinds = Counter(
                re.sub(r"\s+", " ", re.sub(r"'[^']*'|\b\d+\b", "?", sql))[:110] for sql in statements
            )
            for text, times in kinds.most_common(40):
                print(f"{times:6d}  {text}")
        applied = sum(r.status == "applied" for r in results)
        t0 = time.perf_counter()
        replay = field.field_sync(actor=member, device_id="bench-device", events=events)
        replay_seconds = time.perf_counter() - t0
        charges = PendingCharge.objects.filter(order__in=day).count()
        figures["sync_day"] = {
            "orders": n,
            "events": len(events),
            "applied": applied,
            "seconds": round(seconds, 3),
            "events_per_second": round(len(events) / seconds, 1),
            "target_seconds": 2.0,
            "pending_charges": charges,
            "queries": len(statements),
            "queries_per_order": round(len(statements) / n, 1),
            "python_cpu_seconds": round(cpu, 3),  # this process only: less sensitive to a shared machine
        }
        figures["replay"] = {
            "already_applied": sum(r.status == "already_applied" for r in replay),
            "seconds": round(replay_seconds, 3),
        }
        print(
            f"sync of a {n}-order day: {len(events)} events, {applied} applied in {seconds:.2f} s "
            f"(target ≤ 2 s; {cpu:.2f} s CPU here), {len(statements) / n:.1f} queries per order; "
            f"{charges} pending charges; "
            f"replay {replay_seconds:.2f} s, "
            f"{figures['replay']['already_applied']} already applied",
            flush=True,
        )
    write("field", figures)


if __name__ == "__main__":
    main()
