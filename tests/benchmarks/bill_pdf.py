"""The bill PDF (ADR 0208): one bill in one process by the lean writer against the WeasyPrint
reference and the floor measured in the same run (a bare one-page WeasyPrint document), where the
lean writer's time goes (reading the bill, drawing, writing), and the background job's rate
(`run_pdfs_render_batch`, storage writes included) extrapolated to a 200,000-bill run.

BENCH_DATABASE=manancial_bench_billpdf .venv/bin/python -m tests.benchmarks bill_pdf
(BILL_PDF_BENCH_PROPERTIES, default 2000: the run the job renders; BILL_PDF_SHOTS=/tmp/x also writes
the two PDFs of one bill and their pages side by side as PNG, drawn by Chromium's PDF viewer)
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from typing import Any

from tests.benchmarks.common import percentiles, setup_django, write

N = int(os.environ.get("BILL_PDF_BENCH_PROPERTIES", "2000"))
RUN_SIZE = 200_000


def _ms(samples: list[float]) -> dict[str, float]:
    p = percentiles([s * 1000 for s in samples])
    return {
        "median_ms": round(statistics.median(s * 1000 for s in samples), 2),
        "p95_ms": round(p["p95"], 2),
        "n": p["n"],
    }


def _floor(samples: int = 20) -> dict[str, float]:
    from weasyprint import HTML

    HTML(string="<p>Fatura</p>").write_pdf()
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        HTML(string="<p>Fatura</p>").write_pdf()
        times.append(time.perf_counter() - t0)
    return _ms(times)


def _bills() -> list[Any]:
    from modules.billing.models import Bill, BillingRun, BillStatus, RunStatus
    from modules.billing.services.runs import run_release
    from modules.common.audit import SystemActor

    run = BillingRun.objects.order_by("-pk").first()
    assert run is not None, "no run: the billing load did not run"
    if run.status == RunStatus.DONE:
        run_release(actor=SystemActor("bench"), run=run, render_pdfs=False)
    return list(
        Bill.objects.filter(run=run)
        .exclude(status__in=[BillStatus.DRAFT, BillStatus.CANCELLED])
        .select_related("property")
        .order_by("pk")
    )


def _one(bills: list[Any], render: Any, samples: int) -> dict[str, float]:
    render(bills[0])  # the first: fonts loaded, the tenant's static layer prepared
    times = []
    for bill in bills[1 : samples + 1]:
        t0 = time.perf_counter()
        render(bill)
        times.append(time.perf_counter() - t0)
    return _ms(times)


def _phases(bills: list[Any], samples: int = 200) -> dict[str, Any]:
    from django.db import connection

    from modules.billing import pdf, pdf_lean
    from modules.common.clock import current_tenant

    facts_t, draw_t, write_t, sizes = [], [], [], []
    queries = 0
    static = pdf._static(current_tenant())
    for bill in bills[:samples]:
        before = len(connection.queries)
        t0 = time.perf_counter()
        facts = pdf.bill_facts(bill)
        t1 = time.perf_counter()
        canvas = pdf_lean.draw_bill(facts, "Logo" if static.logo is not None else None)
        t2 = time.perf_counter()
        content = pdf_lean.write_pdf(canvas, f"Fatura {bill.pk}", static)
        t3 = time.perf_counter()
        queries = len(connection.queries) - before
        facts_t.append(t1 - t0)
        draw_t.append(t2 - t1)
        write_t.append(t3 - t2)
        sizes.append(len(content))
    return {
        "read_bill": _ms(facts_t),
        "draw": _ms(draw_t),
        "write": _ms(write_t),
        "queries_per_bill": queries,
        "pdf_kb_median": round(statistics.median(sizes) / 1024, 1),
    }


def _job(bills: list[Any]) -> dict[str, Any]:
    """The pre-render job over the run (storage in a scratch directory), bills per second."""
    from django.core.files.storage import default_storage
    from django.test import override_settings
    from django.utils.functional import empty

    from modules.billing.services.documents import run_pdfs_render_batch
    from modules.billing.tasks import PDF_BATCH

    run_id = bills[0].run_id
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        default_storage._wrapped = empty  # re-read MEDIA_ROOT
        started = time.perf_counter()
        rendered, after = 0, 0
        while True:
            done, last = run_pdfs_render_batch(run_id=run_id, after_id=after, limit=PDF_BATCH)
            rendered += done
            if last is None:
                break
            after = last
        elapsed = time.perf_counter() - started
    default_storage._wrapped = empty
    rate = rendered / elapsed
    return {
        "bills": rendered,
        "seconds": round(elapsed, 2),
        "bills_per_s": round(rate, 1),
        "run_200k_minutes": round(RUN_SIZE / rate / 60, 1),
    }


def _shots(bill: Any, out: str) -> None:
    """The two PDFs of one bill and their first pages side by side (reference left, lean right)."""
    import io

    from PIL import Image
    from playwright.sync_api import sync_playwright

    from modules.billing.pdf import render_bill_pdf_lean, render_bill_pdf_reference
    from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS

    pages = []
    pdfs = (("reference", render_bill_pdf_reference(bill)), ("lean", render_bill_pdf_lean(bill)))
    with sync_playwright() as p:  # the ORM is done before: Playwright's loop makes this an async context
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 820, "height": 1160})
        for name, content in pdfs:
            assert content is not None
            path = f"{out}-{name}.pdf"
            with open(path, "wb") as fh:
                fh.write(content)
            page.goto(f"file://{path}#toolbar=0&navpanes=0&view=FitH")
            time.sleep(4)
            pages.append(Image.open(io.BytesIO(page.screenshot())).convert("RGB"))
        browser.close()
    side = Image.new("RGB", (pages[0].width * 2 + 10, pages[0].height), "#c00")
    side.paste(pages[0], (0, 0))
    side.paste(pages[1], (pages[0].width + 10, 0))
    side.save(f"{out}-side-by-side.png")
    print(f"-> {out}-side-by-side.png")


def main() -> None:
    import logging

    setup_django()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from django.conf import settings

    from modules.billing.pdf import render_bill_pdf, render_bill_pdf_reference
    from modules.common.tenancy import tenant_context
    from tests.benchmarks import billing

    billing.N = N
    billing._tenant()
    with tenant_context(billing.SCHEMA):
        load = billing._load(N)
    print(f"carga: {load}", flush=True)
    with tenant_context(billing.SCHEMA):
        from modules.billing.models import Bill

        fresh = not Bill.objects.exists()
    if fresh:
        print(f"execução: {billing._run()}", flush=True)
    settings.DEBUG = True  # count the queries of one bill
    with tenant_context(billing.SCHEMA):
        bills = _bills()
        print(f"faturas emitidas: {len(bills)}", flush=True)
        floor = _floor()
        print(f"piso (página WeasyPrint vazia): {floor}", flush=True)
        reference = _one(bills, render_bill_pdf_reference, 20)
        print(f"referência (WeasyPrint): {reference}", flush=True)
        lean = _one(bills, render_bill_pdf, 200)
        print(f"nova (render_bill_pdf): {lean}", flush=True)
        phases = _phases(bills)
        print(f"onde vai o tempo: {phases}", flush=True)
        settings.DEBUG = False
        job = _job(bills)
        print(f"pré-renderização em lote: {job}", flush=True)
        if os.environ.get("BILL_PDF_SHOTS"):
            _shots(bills[1], os.environ["BILL_PDF_SHOTS"])
    figures = {
        "floor_bare_weasyprint_page": floor,
        "reference_weasyprint": reference,
        "lean": lean,
        "ratio_reference_to_floor": round(reference["median_ms"] / floor["median_ms"], 1),
        "ratio_lean_to_floor": round(lean["median_ms"] / floor["median_ms"], 2),
        "speedup": round(reference["median_ms"] / lean["median_ms"], 1),
        "phases": phases,
        "job": job,
        "load": os.getloadavg(),
    }
    print(
        f"mediana {reference['median_ms']} ms → {lean['median_ms']} ms por fatura "
        f"(piso {floor['median_ms']} ms: {figures['ratio_reference_to_floor']}× → "
        f"{figures['ratio_lean_to_floor']}×); "
        f"job {job['bills_per_s']} faturas/s → 200 mil em {job['run_200k_minutes']} min",
        flush=True,
    )
    write("bill_pdf", figures)
