"""Collection ladder benchmark (issue #16): the daily selection of the cut-notice and cut-order steps
(preview, then the run that commits it, then a second run that must write nothing) over
BENCH_PROPERTIES properties (default 200,000) of which 15 % owe an overdue bill (target ≤ 60 s at
200,000), and the notice PDFs of BENCH_NOTICE_PDFS notices (default 10,000) rendered by the product's
own path (`modules.debt.pdf.cut_notice_pdf`, what the notice page serves) in BENCH_PDF_WORKERS
processes (default 2, the cores): the rate in PDFs per second. Not run by the suite; prints the
figures and writes results/debt_ladder.json.

    BENCH_DATABASE=manancial_bench_ladder .venv/bin/python -m tests.benchmarks debt_ladder

The tenant is built in bulk (INSERT … SELECT, no per-row Python): the billing benchmark's loader
(`tests.benchmarks.billing._load`: properties, categories, connections, a month of readings with 2 %
under review) plus one holder per property and, for every property, a bill due in the future; 15 %
owe one overdue bill (February, due 10/03) and a third of those a second (January, due 10/02), each
with its water line. The load is kept between runs (the ladder's rows are deleted instead), so a
second pass times only the ladder.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from typing import Any

from .common import setup_django, write

SCHEMA = "bench_ladder"
AS_OF = dt.date(2026, 4, 13)  # a Monday: the notices' cut day (+15) is a Tuesday
N = int(os.environ.get("BENCH_PROPERTIES", "200000"))
PDFS = int(os.environ.get("BENCH_NOTICE_PDFS", "10000"))
PDF_WORKERS = int(os.environ.get("BENCH_PDF_WORKERS", "2"))
# BENCH_LADDER_PARTS=pdf renders the notices a previous pass left, without selecting again
CPU: dict[str, float] = {}  # process CPU seconds of each timed call, by label
PARTS = set(os.environ.get("BENCH_LADDER_PARTS", "selection,pdf").split(","))


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
            request=provisioning.TenantRequest(SCHEMA, "Bench régua", "bench-ladder.bench.localhost"),
        )
    if not tenant.is_active:
        provisioning.tenant_provision(tenant_id=tenant.pk)
    Tenant.objects.filter(pk=tenant.pk).update(febraban_company_code="0562", state="SP")


def _load(n: int) -> dict[str, Any]:
    """Properties (the billing benchmark's bulk loader), holders and bills, all by INSERT … SELECT."""
    from django.db import connection, transaction

    from modules.billing.models import Bill
    from tests.benchmarks import billing
    from tests.benchmarks.billing import _fill

    started = time.perf_counter()
    load = billing._load(n)
    if Bill.objects.exists():
        return {**load, "bills": "already loaded"}
    with transaction.atomic(), connection.cursor() as c:
        _fill(
            c,
            "registry_customer",
            {
                "kind": "'person'",
                "name": "'Cliente Bench ' || p.id",
                "name_search": "'cliente bench ' || p.id",
                "legacy_code": "'B' || p.id",
                "created_at": "now()",
                "updated_at": "now()",
            },
            "FROM registry_property p",
        )
        _fill(
            c,
            "registry_propertyrelation",
            {"property_id": "p.id", "customer_id": "c.id", "role": "'owner'", "start": "'2020-01-01'"},
            "FROM registry_property p JOIN registry_customer c ON c.legacy_code = 'B' || p.id",
        )
        for reference, due, where in (
            ("2026-04-01", "2026-04-25", "true"),  # every property: the current bill, not due yet
            ("2026-02-01", "2026-03-10", "p.id % 100 < 15"),  # 15 % overdue
            ("2026-01-01", "2026-02-10", "p.id % 100 < 5"),  # a third of those, a second one
        ):
            _fill(
                c,
                "billing_bill",
                {
                    "property_id": "p.id",
                    "reference": f"'{reference}'",
                    "due_date": f"'{due}'",
                    "status": "'released'",
                    "total": "(p.id % 170) + 30.45",
                    "barcode": f"lpad(p.id::text, 36, '0') || '{reference[:7].replace('-', '')}00'",
                    "issued_at": f"'{reference}'::date + 20",
                    "created_at": f"'{reference}'::date + 20",
                },
                f"FROM registry_property p WHERE {where}",
            )
        _fill(
            c,
            "billing_billitem",
            {"bill_id": "b.id", "kind": "'water'", "description": "'Água'", "amount": "b.total"},
            "FROM billing_bill b",
        )
        c.execute("ANALYZE")
    return {**load, "bills_s": round(time.perf_counter() - started, 1)}


def _cut_codes() -> None:
    """The service codes the cut orders open (the levels' effects), as the utility registers them."""
    from modules.service.models import ServiceCode
    from modules.service.services import units
    from tests.service import factories as sf

    for code, effect in {"CORTE-C": "cut_meter_stand", "CORTE-R": "cut_branch"}.items():
        if not ServiceCode.objects.filter(code=code).exists():
            sf.code(code, description=f"Serviço {code}", price="25.00")
            units.code_effect_set(actor=sf.ACTOR, code=code, effect=effect)


def _reset() -> None:
    """The ladder's rows of a previous pass deleted: the selection starts from the same state."""
    from django.db import connection

    with connection.cursor() as c:  # the bench tenant holds no other documents, events or orders
        c.execute(
            "TRUNCATE debt_cutnotice, debt_collectionevent, collection_documentbill, "
            "collection_paymentdocument, service_serviceorder CASCADE"
        )
        c.execute("ANALYZE")


def _timed(label: str, call: Any) -> tuple[Any, float]:
    """(answer, wall seconds); prints the wall time and this process's CPU time beside it (the shared
    machine's load stretches the wall time, not the CPU time)."""
    t0, c0 = time.perf_counter(), time.process_time()
    answer = call()
    seconds = round(time.perf_counter() - t0, 2)
    cpu = round(time.process_time() - c0, 2)
    CPU[label] = cpu
    print(f"  {label}: {seconds} s (process CPU {cpu} s, load {os.getloadavg()[0]:.1f})", flush=True)
    return answer, seconds


def _step(code: str, as_of: dt.date, actor: Any) -> dict[str, Any]:
    from modules.debt import ladder

    preview, preview_s = _timed(f"{code} preview", lambda: ladder.preview(code, as_of=as_of))
    run, run_s = _timed(f"{code} run", lambda: ladder.run(code, as_of=as_of, actor=actor))
    again, again_s = _timed(f"{code} second run", lambda: ladder.run(code, as_of=as_of, actor=actor))
    return {
        "as_of": as_of.isoformat(),
        "selected": preview.properties,
        "bills": preview.bills,
        "amount": str(preview.amount),
        "preview_s": preview_s,
        "written": run.written,
        "run_s": run_s,
        "second_run_written": again.written,
        "second_run_s": again_s,
        "preview_plus_run_s": round(preview_s + run_s, 2),
        "process_cpu_s": {k: CPU[f"{code} {k}"] for k in ("preview", "run", "second run")},
    }


def _pdf_worker(ids: list[int], out: Any) -> None:
    from django.db import connection

    from modules.common.tenancy import tenant_context
    from modules.debt.models import CutNotice
    from modules.debt.pdf import cut_notice_pdf

    connection.close()
    size = 0
    cpu0 = time.process_time()
    with tenant_context(SCHEMA):
        for pk in ids:  # as the notice page does: one notice read with its property and document
            notice = CutNotice.objects.select_related("property", "document").get(pk=pk)
            content = cut_notice_pdf(notice)
            assert content.startswith(b"%PDF"), pk
            size += len(content)
    out.put((size, time.process_time() - cpu0))


def _pdfs(count: int, workers: int) -> dict[str, Any]:
    from django.db import connection

    from modules.common.tenancy import tenant_context
    from modules.debt.models import CutNotice

    with tenant_context(SCHEMA):
        ids = list(CutNotice.objects.order_by("pk").values_list("pk", flat=True)[:count])
    connection.close()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    started = time.perf_counter()
    procs = [ctx.Process(target=_pdf_worker, args=(ids[i::workers], queue)) for i in range(workers)]
    for p in procs:
        p.start()
    answers = [queue.get() for _ in procs]
    sizes, cpus = [a[0] for a in answers], [a[1] for a in answers]
    for p in procs:
        p.join()
    seconds = time.perf_counter() - started
    return {
        "pdfs": len(ids),
        "workers": workers,
        "seconds": round(seconds, 1),
        "pdfs_per_second": round(len(ids) / seconds, 1),
        "pdfs_per_second_per_worker": round(len(ids) / seconds / workers, 1),
        "kb_mean": round(sum(sizes) / max(1, len(ids)) / 1024, 1),
        # the workers' own CPU per PDF: what a core does when the machine is not shared
        "cpu_s_per_pdf": round(sum(cpus) / max(1, len(ids)), 3),
        "pdfs_per_cpu_second": round(len(ids) / sum(cpus), 1) if sum(cpus) else None,
        "minutes_for_10000_at_this_rate": round(10000 / (len(ids) / seconds) / 60, 1),
    }


def _selection(actor: Any) -> dict[str, Any]:
    from modules.common.tenancy import tenant_context
    from modules.debt.cutoff_policy import cutoff_policy_put
    from modules.debt.models import CutNotice

    with tenant_context(SCHEMA):
        load, load_s = _timed("load", lambda: _load(N))
        print(f"carga: {load}", flush=True)
        _cut_codes()
        _reset()
        # the product's defaults: 15 days' notice, the barcode printed, 50 cut orders a day
        cutoff_policy_put(actor=actor, values={"print_barcode": True}, today=AS_OF)
        notice = _step("cut_notice", AS_OF, actor)
        print(f"cut_notice: {notice}", flush=True)
        first = CutNotice.objects.order_by("pk").first()
        cut_day = first.cut_from if first else AS_OF + dt.timedelta(days=15)
        order = _step("cut_order", cut_day, actor)
        print(f"cut_order: {order}", flush=True)
    total = round(notice["preview_plus_run_s"] + order["preview_plus_run_s"], 2)
    print(f"daily selection (notice + order, preview + run): {total} s", flush=True)
    return {
        "load": load,
        "load_s": load_s,
        "cut_notice": notice,
        "cut_order": order,
        "daily_selection_s": total,
    }


def main() -> None:
    import logging

    setup_django()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from modules.common.audit import SystemActor
    from tests.benchmarks import billing

    actor = SystemActor("bench")
    billing.N = N
    _tenant()
    figures: dict[str, Any] = {"properties": N, "overdue_share": 0.15, "target_seconds_at_200000": 60}
    if "selection" in PARTS:
        figures.update(_selection(actor))
    if PDFS and "pdf" in PARTS:
        figures["notice_pdfs"] = _pdfs(PDFS, PDF_WORKERS)
        print(f"notice PDFs: {figures['notice_pdfs']}", flush=True)
    figures["load_average"] = os.getloadavg()
    name = "debt_ladder" if {"selection", "pdf"} <= PARTS else f"debt_ladder_{'_'.join(sorted(PARTS))}"
    write(name, figures)


if __name__ == "__main__":
    main()
