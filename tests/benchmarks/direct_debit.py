"""Direct-debit benchmark (issue #18): a remittance of 50,000 debits (target ≤ 10 s) and its return
processed, every F record settling its bill (target ≤ 15 s).

    BENCH_DATABASE=manancial_bench_dd .venv/bin/python -m tests.benchmarks direct_debit
"""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal
from typing import Any

from .collection import SCHEMA, _tenant
from .common import setup_django, write


def main() -> None:
    setup_django(fresh=True)
    from modules.billing.domain.febraban import build_barcode
    from modules.billing.models import Bill, BillStatus
    from modules.collection import direct_debit as dd
    from modules.collection import services
    from modules.collection.domain import direct_debit as layout
    from modules.collection.models import CollectingAgent, DirectDebitAuthorization
    from modules.common.audit import SystemActor
    from modules.common.tenancy import tenant_context
    from tests.registry import factories as reg

    n = int(os.environ.get("BENCH_DEBITS", "50000"))
    per_property = int(os.environ.get("BENCH_PER_PROPERTY", "100"))
    actor = SystemActor("bench")
    today = dt.date(2030, 1, 1)
    _tenant()
    figures: dict[str, Any] = {}
    with tenant_context(SCHEMA):
        t0 = time.perf_counter()
        CollectingAgent.objects.get_or_create(code="237", defaults={"name": "Banco 237"})
        agreement = dd.agreement_create(actor=actor, agent_code="237", code="DABENCH")
        props = [reg.prop() for _ in range(max(1, n // per_property))]
        DirectDebitAuthorization.objects.bulk_create(
            DirectDebitAuthorization(
                property=p,
                agreement=agreement,
                branch="1234",
                account=f"{p.pk:010d}",
                origin="bank",
                opted_on=today,
                created_by="bench",
            )
            for p in props
        )
        rows = []
        for p in props:
            for m in range(per_property):
                ref = dt.date(2030 + m // 12, m % 12 + 1, 1)
                amount = Decimal(20 + (p.pk * 7 + m) % 180) + Decimal("0.37")
                code = build_barcode(
                    amount=amount, company_code="0000", free_field=f"{p.pk:013d}{ref:%Y%m}{m:06d}"
                )
                rows.append(
                    Bill(
                        property=p,
                        reference=ref,
                        due_date=ref + dt.timedelta(days=9),
                        status=BillStatus.RELEASED,
                        total=amount,
                        barcode=code.digits,
                        typeable_line=code.typeable_line,
                    )
                )
        Bill.objects.bulk_create(rows[:n], batch_size=5000)
        print(f"setup: {min(n, len(rows))} bills in {time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()
        (remittance,) = dd.remittance_create(
            actor=actor, agent_code="237", due_until=dt.date(2200, 1, 1), today=today
        )
        seconds = time.perf_counter() - t0
        figures["remittance"] = {
            "debits": remittance.debit_count,
            "seconds": round(seconds, 2),
            "target_seconds": 10,
        }
        print("remittance", figures["remittance"], flush=True)
        parsed = layout.parse_debit_file(remittance.content.encode("latin-1"))
        answers = [
            layout.DebitReturn(
                line=0,
                customer_id=d.customer_id,
                branch=d.branch,
                account=d.account,
                debited_on=d.due_date,
                amount=d.amount,
                code="00",
                company_use=layout.company_use(d.bill_id, d.reference, d.attempt),
                cancel=False,
            )
            for d in parsed.debits
        ]
        lines = [
            layout.header_record(
                remittance_code="2",
                agreement_code="DABENCH",
                company_name="BENCH",
                bank_code="237",
                bank_name="BANCO 237",
                generated_on=today,
                sequence=1,
            )
        ]
        lines += [layout.return_record(a) for a in answers]
        lines.append(layout.trailer_record(len(lines) + 1, sum((a.amount for a in answers), Decimal("0.00"))))
        data = ("\r\n".join(lines) + "\r\n").encode("latin-1")
        t0 = time.perf_counter()
        rf = services.bank_file_import(actor=actor, data=data, filename="bench-da.ret")
        seconds = time.perf_counter() - t0
        figures["return"] = {
            "records": len(answers),
            "debited": rf.debited_count,
            "review": rf.review_count,
            "seconds": round(seconds, 2),
            "target_seconds": 15,
        }
        print("return", figures["return"], flush=True)
    # the machine's load while it ran: on a shared machine the figures scale with it
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    write("direct_debit", figures)
