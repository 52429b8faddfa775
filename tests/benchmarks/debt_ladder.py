"""Collection ladder benchmark: the daily cut-notice selection (preview) and its run over many
properties of which 15 % owe an overdue bill (issue #16 target: 200,000 properties ≤ 60 s), and the
notice PDFs per second. Not run by the suite; prints the figures and writes results/debt_ladder.json.

    BENCH_DATABASE=manancial_bench_ladder BENCH_PROPERTIES=200000 \
        .venv/bin/python -m tests.benchmarks debt_ladder
"""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal
from typing import Any

from .common import setup_django, write

SCHEMA = "bench_ladder"
AS_OF = dt.date(2026, 4, 13)  # a Monday: the notices' cut day (+15) is a Tuesday


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
            request=provisioning.TenantRequest(SCHEMA, "Bench régua", "bench-ladder.bench.localhost"),
        )
    if not tenant.is_active:
        provisioning.tenant_provision(tenant_id=tenant.pk)


def _bills(properties: list[Any]) -> None:
    """Every property one paid-up bill due in the future; 15 % one more, overdue since March."""
    from modules.billing.domain.febraban import build_barcode
    from modules.billing.models import Bill, BillStatus

    rows = []
    for i, p in enumerate(properties):
        if i % 100 < 15:  # 15 % overdue since 10/03
            due, ref = dt.date(2026, 3, 10), dt.date(2026, 2, 1)
            amount = Decimal(30 + i % 170) + Decimal("0.45")
            code = build_barcode(
                amount=amount, company_code="0000", free_field=f"{p.pk:013d}{ref:%Y%m}000001"
            )
            rows.append(
                Bill(
                    property=p,
                    reference=ref,
                    due_date=due,
                    status=BillStatus.RELEASED,
                    total=amount,
                    barcode=code.digits,
                    typeable_line=code.typeable_line,
                )
            )
        amount = Decimal("42.10")
        code = build_barcode(amount=amount, company_code="0000", free_field=f"{p.pk:013d}202604000002")
        rows.append(
            Bill(
                property=p,
                reference=dt.date(2026, 4, 1),
                due_date=dt.date(2026, 4, 25),
                status=BillStatus.RELEASED,
                total=amount,
                barcode=code.digits,
                typeable_line=code.typeable_line,
            )
        )
    Bill.objects.bulk_create(rows, batch_size=5000)


def main() -> None:
    setup_django(fresh=True)
    from modules.common.audit import SystemActor
    from modules.common.tenancy import tenant_context
    from modules.debt import ladder
    from modules.debt.cutoff_policy import cutoff_policy_put
    from modules.debt.models import CutNotice
    from modules.debt.pdf import cut_notice_pdf
    from tests.registry import factories as reg

    count = int(os.environ.get("BENCH_PROPERTIES", "20000"))
    actor = SystemActor("bench")
    _tenant()
    figures: dict[str, Any] = {"properties": count, "overdue_share": 0.15}
    with tenant_context(SCHEMA):
        t0 = time.perf_counter()
        props = [reg.prop() for _ in range(count)]
        _bills(props)
        print(f"setup: {count} properties in {time.perf_counter() - t0:.1f} s", flush=True)
        cutoff_policy_put(actor=actor, values={"print_barcode": False}, today=AS_OF)
        t0 = time.perf_counter()
        preview = ladder.preview("cut_notice", as_of=AS_OF)
        figures["preview_seconds"] = round(time.perf_counter() - t0, 2)
        figures["selected"] = preview.properties
        t0 = time.perf_counter()
        run = ladder.run("cut_notice", as_of=AS_OF, actor=actor)
        figures["run_seconds"] = round(time.perf_counter() - t0, 2)
        figures["written"] = run.written
        t0 = time.perf_counter()
        again = ladder.run("cut_notice", as_of=AS_OF, actor=actor)
        figures["second_run_seconds"] = round(time.perf_counter() - t0, 2)
        figures["second_run_written"] = again.written
        figures["target_seconds_at_200000"] = 60
        print("selection", figures, flush=True)
        sample = list(CutNotice.objects.select_related("property", "document")[:200])
        t0 = time.perf_counter()
        for notice in sample:
            cut_notice_pdf(notice)
        seconds = time.perf_counter() - t0
        figures["notice_pdfs_per_second"] = round(len(sample) / seconds, 1) if seconds else None
        print("notice PDFs per second", figures["notice_pdfs_per_second"], flush=True)
    write("debt_ladder", figures)


if __name__ == "__main__":
    main()
