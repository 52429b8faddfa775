"""Collection benchmarks: a return file of 100,000 payments (target ≤ 30 s, all matched), the debt
position/statement of a property with 60 open bills (p95 ≤ 100 ms), webhook handling p95 (the
service, including the charge re-fetch over HTTP from the local fake Pagar.me).

    BENCH_DATABASE=manancial_bench_collection .venv/bin/python -m tests.benchmarks collection
"""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal
from typing import Any

from .common import percentiles, setup_django, write

SCHEMA = "bench_col"


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
            request=provisioning.TenantRequest(SCHEMA, "Bench arrecadação", "bench-col.bench.localhost"),
        )
    if not tenant.is_active:
        provisioning.tenant_provision(tenant_id=tenant.pk)


def _bills(properties: list[Any], months: int, start: dt.date) -> list[tuple[str, str]]:
    from modules.billing.domain.febraban import build_barcode
    from modules.billing.models import Bill, BillStatus
    from modules.common.domain.dates import YearMonth

    rows, out = [], []
    first = YearMonth.of(start)
    for p in properties:
        for m in range(months):
            ref = first.plus(m)
            amount = Decimal(20 + (p.pk * 7 + m) % 180) + Decimal("0.37")
            code = build_barcode(
                amount=amount,
                company_code="0000",
                free_field=f"{p.pk:013d}{ref.year:04d}{ref.month:02d}{m:06d}",
            )
            rows.append(
                Bill(
                    property=p,
                    reference=ref.first_day(),
                    due_date=ref.day(10),
                    status=BillStatus.RELEASED,
                    total=amount,
                    barcode=code.digits,
                    typeable_line=code.typeable_line,
                )
            )
            out.append((code.digits, str(amount)))
    Bill.objects.bulk_create(rows, batch_size=5000)
    return out


def main() -> None:
    setup_django(fresh=True)
    from fakes.pagarme import FakePagarme
    from modules.collection import gateway, services
    from modules.collection.models import CollectingAgent, GatewayAccount
    from modules.common.audit import SystemActor
    from modules.common.tenancy import tenant_context
    from modules.debt.apis import position_json
    from modules.debt.services import statement_create
    from tests.collection.factories import return_file
    from tests.registry import factories as reg

    n_payments = int(os.environ.get("BENCH_PAYMENTS", "100000"))
    per_property = 100
    actor = SystemActor("bench")
    _tenant()
    figures: dict[str, Any] = {}
    with tenant_context(SCHEMA):
        t0 = time.perf_counter()
        props = [reg.prop() for _ in range(max(1, n_payments // per_property))]
        pairs = _bills(props, per_property, dt.date(2010, 1, 1))[:n_payments]
        print(f"setup: {len(pairs)} bills in {time.perf_counter() - t0:.1f} s", flush=True)
        CollectingAgent.objects.get_or_create(code="237", defaults={"name": "Banco 237"})
        data = return_file(pairs)
        t0 = time.perf_counter()
        rf = services.return_file_import(actor=actor, data=data, filename="bench.ret")
        seconds = time.perf_counter() - t0
        figures["return_file"] = {
            "payments": rf.payment_count,
            "applied": rf.applied_count,
            "review": rf.review_count,
            "seconds": round(seconds, 2),
            "target_seconds": 30,
        }
        print("return file", figures["return_file"], flush=True)

        debtor = reg.prop()
        _bills([debtor], 60, dt.date(2019, 1, 1))
        as_of = dt.date(2025, 6, 15)
        times = []
        for _ in range(120):
            t0 = time.perf_counter()
            body = position_json(debtor.pk, as_of)
            times.append((time.perf_counter() - t0) * 1000)
            assert len(body["items"]) == 60
        figures["debt_position_60_bills_ms"] = {k: round(v, 2) for k, v in percentiles(times[20:]).items()}
        times = []
        for _ in range(30):
            t0 = time.perf_counter()
            statement_create(
                actor=actor, property_id=debtor.pk, as_of=as_of, valid_until=as_of + dt.timedelta(days=5)
            )
            times.append((time.perf_counter() - t0) * 1000)
        figures["debt_statement_60_bills_ms"] = {k: round(v, 2) for k, v in percentiles(times).items()}
        print(
            "debt position",
            figures["debt_position_60_bills_ms"],
            "statement",
            figures["debt_statement_60_bills_ms"],
            flush=True,
        )

        fake = FakePagarme().start()
        try:
            GatewayAccount.objects.update_or_create(
                provider="pagarme",
                defaults={"base_url": fake.url, "secret_key": "sk_bench", "webhook_token": "t"},
            )
            import requests

            payer = reg.prop()
            bills = _bills([payer], 60, dt.date(2030, 1, 1))
            from modules.billing.models import Bill

            ids = list(Bill.objects.filter(property=payer).order_by("id").values_list("id", flat=True))
            times = []
            for bill_id in ids[:60]:
                charge = gateway.gateway_charge_create(
                    actor=actor, property_id=payer.pk, bill_ids=[bill_id], method="pix", today=as_of
                )
                event = requests.post(
                    f"{fake.url}/_fake/charges/{charge.charge_id}/pay", json={}, timeout=5
                ).json()
                for _ in range(2):  # first delivery and a replay
                    t0 = time.perf_counter()
                    gateway.webhook_receive(token="t", authorization="", body=event)
                    times.append((time.perf_counter() - t0) * 1000)
            figures["webhook_ms"] = {k: round(v, 2) for k, v in percentiles(times).items()}
            print("webhook", figures["webhook_ms"], flush=True)
            del bills
        finally:
            fake.stop()
    write("collection", figures)
