"""Virtual agency (issue 7): with 200,000 properties in the tenant, 50 concurrent simulated citizens
on loopback each sign in at /agencia/ (GET the form for the CSRF token, POST account number + CPF),
open the first page after sign-in, download one bill PDF and open the debt statement; p50/p95/max
per request type and the throughput. Targets: p95 <= 200 ms for pages, <= 500 ms for the PDF.

BENCH_DATABASE=manancial_bench_billing .venv/bin/python -m tests.benchmarks agency

Data: the billing benchmark's tenant (200,000 properties, one bill each); reused when the database
already holds it, else built with that benchmark's setup functions. Added here: the portal tables
(migrate_schemas), AGENCY_BENCH_ACCOUNTS citizens (a customer with a valid CPF, owner of one
property spread over the 200,000) and the agency settings (sign-in by account number + CPF).

Server: gunicorn, AGENCY_BENCH_WORKERS (3) sync workers, DEBUG=0, on 127.0.0.1; the sign-in rate
limit is raised through PORTAL_SIGN_IN_LIMIT for this server only. The client threads run on the
same 2 cores as the server and PostgreSQL, so every figure includes that contention.

PDFs: a released run's bill PDFs are rendered in the background (billing.render_pdfs), so the load
is measured twice: with the measured accounts' PDFs already stored (the steady state once the job has
passed them; the bench renders them with the job's own function, timed, which also gives the
background job's throughput), and with them uncached (a run released minutes ago, before the job
reached these bills: every PDF is a first render in the request).

Citizens behave like locust users with `wait_time = between(THINK)`: a random pause between two
requests (AGENCY_BENCH_THINK="1,5" seconds, locust's own example). Each loop takes another
account, so sessions are new; a PDF sample is labelled "first render" or "cached" by whether
this run already served that bill.
Bounded: AGENCY_BENCH_LOOPS loops per citizen and AGENCY_BENCH_SECONDS of wall time.
"""

from __future__ import annotations

import glob
import http.client
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from typing import Any

from tests.benchmarks.common import BENCH_URL, ROOT, percentiles, setup_django, write

SCHEMA = "bench_billing"
HOST = "bench-billing.bench.localhost"
PORT = int(os.environ.get("AGENCY_BENCH_PORT", "8767"))
CITIZENS = int(os.environ.get("AGENCY_BENCH_CITIZENS", "50"))
ACCOUNTS = int(os.environ.get("AGENCY_BENCH_ACCOUNTS", "250"))
LOOPS = int(os.environ.get("AGENCY_BENCH_LOOPS", "12"))
SECONDS = float(os.environ.get("AGENCY_BENCH_SECONDS", "90"))
WORKERS = int(os.environ.get("AGENCY_BENCH_WORKERS", "3"))
THINK = tuple(float(x) for x in os.environ.get("AGENCY_BENCH_THINK", "1,5").split(","))
PAGE_TARGET_MS = 200
PDF_TARGET_MS = 500
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- data ------------------------------------------------------------------------------------------


def _ensure_data() -> None:
    """The billing benchmark's tenant with its 200,000 billed properties, built only when missing."""
    from django.core.management import call_command
    from django.db import connection

    from modules.common.tenancy import tenant_context
    from tenants.models import Tenant

    from . import billing

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)  # a fresh database too
    tenant = Tenant.objects.filter(schema_name=SCHEMA).first()
    if tenant is None or not tenant.is_active:
        billing._tenant()
    else:  # the portal's tables may be younger than the database
        call_command("migrate_schemas", schema_name=SCHEMA, interactive=False, verbosity=0)
    with tenant_context(SCHEMA):
        from modules.billing.models import Bill
        from modules.registry.models import Property

        properties = Property.objects.count()
        bills = Bill.objects.count()
    if properties < billing.N:
        with tenant_context(SCHEMA):
            billing._load(billing.N)
    if bills < billing.N:
        billing._run()
    with tenant_context(SCHEMA):  # a citizen sees released bills only: release the bench run
        from modules.billing.models import BillingRun, RunStatus
        from modules.billing.services.runs import run_release
        from modules.common.audit import SystemActor

        for run in BillingRun.objects.filter(status=RunStatus.DONE):
            # no background rendering of 200,000 PDFs here: main() renders the measured accounts' ones
            released = run_release(
                actor=SystemActor("bench"), run=run, reason="agency benchmark", render_pdfs=False
            )
            print(f"released billing run {run.pk}: {released} bills", flush=True)
            with connection.cursor() as cursor:  # as autovacuum would soon: 'released' is no longer rare
                cursor.execute("ANALYZE billing_bill")


def _cpf(seed: int) -> str:
    from modules.common.domain.documents import cpf_check_digits

    base = str(700_000_000 + seed)[-9:]
    return base + cpf_check_digits(base)


def _citizens(count: int) -> list[dict[str, Any]]:
    """`count` citizens, each the owner of one property taken every 200,000/count properties."""
    import datetime as dt

    from modules.billing.models import Bill
    from modules.common.audit import SystemActor
    from modules.registry.domain.account_number import account_check_digit
    from modules.registry.models import Customer, Property, PropertyRelation
    from modules.registry.services.customers import customer_create
    from portal.domain import SignInMode
    from portal.models import AgencySettings

    agency = AgencySettings.current()
    agency.sign_in_mode = SignInMode.ACCOUNT_CHECK_DIGIT_AND_DOCUMENT
    agency.save()
    total = Property.objects.count()
    step = max(1, total // count)
    spaced = list(Property.objects.order_by("id").values_list("id", flat=True)[::step][:count])
    near = dict(
        Property.objects.filter(pk__in=[i + d for i in spaced for d in range(4)]).values_list(
            "id", "account_base"
        )
    )
    # a base whose check digit would be 10 is never issued (the bench rows have some): take the next one
    ids = [
        next(i + d for d in range(4) if account_check_digit(near.get(i + d, 10)) is not None) for i in spaced
    ]
    props = {p.pk: p for p in Property.objects.filter(pk__in=ids)}
    bills = dict(
        Bill.objects.filter(property_id__in=ids)
        .order_by("property_id", "-reference")
        .values_list("property_id", "id")
    )
    out = []
    actor = SystemActor("bench")
    # each citizen is its own unit of work (customer_create is durable)
    for n, pk in enumerate(ids):
        document = _cpf(n)
        customer = Customer.objects.filter(cpf_cnpj=document).first() or customer_create(
            actor=actor, name=f"Cidadão {n:04d}", cpf_cnpj=document, today=dt.date(2026, 1, 1)
        )
        PropertyRelation.objects.get_or_create(
            property_id=pk,
            role=PropertyRelation.Role.OWNER,
            end=None,
            defaults={"customer": customer, "start": dt.date(2020, 1, 1)},
        )
        base = props[pk].account_base
        out.append(
            {
                "account": f"{base}-{account_check_digit(base)}",
                "document": document,
                "property_id": pk,
                "bill_id": bills[pk],
            }
        )
    return out


def _clear_pdf_cache(bill_ids: list[int]) -> int:
    from django.core.files.storage import default_storage

    from modules.billing.models import Bill

    removed = 0
    for bill in Bill.objects.filter(pk__in=bill_ids):
        folder = default_storage.path(f"bills/{bill.reference:%Y-%m}")
        for path in glob.glob(os.path.join(folder, f"{bill.pk}-*.pdf")):
            os.remove(path)
            removed += 1
    return removed


def _prerender(bill_ids: list[int]) -> dict[str, Any]:
    """What billing.render_pdfs does for a released run, over the measured accounts' bills, timed."""
    from modules.billing.models import Bill
    from modules.billing.pdf import bill_pdfs_ensure
    from modules.billing.services.documents import LAYOUT_BATCH

    bills = list(Bill.objects.filter(pk__in=bill_ids).select_related("property").order_by("pk"))
    started = time.perf_counter()
    rendered = sum(bill_pdfs_ensure(bills[i : i + LAYOUT_BATCH]) for i in range(0, len(bills), LAYOUT_BATCH))
    seconds = time.perf_counter() - started
    rate = rendered / seconds if seconds else 0.0
    return {
        "bills": rendered,
        "seconds": round(seconds, 1),
        "bills_per_second": round(rate, 1),
        "hours_for_200k_one_worker": round(200_000 / rate / 3600, 1) if rate else None,
    }


# --- server ----------------------------------------------------------------------------------------


def _server() -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "DJANGO_SETTINGS_MODULE": "saas.settings.dev",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "PORTAL_SIGN_IN_LIMIT": "1000000",  # the benchmark's citizens all come from 127.0.0.1
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "saas.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--backlog",
            "256",
            "--pythonpath",
            f"{ROOT / 'platform'},{ROOT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/agencia/", headers={"Host": HOST})
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer on /agencia/")


# --- client ----------------------------------------------------------------------------------------


class Browser:
    """One citizen's cookies over fresh loopback connections (gunicorn's sync workers close them)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str, bytes]:
        headers = {"Host": HOST, "User-Agent": "manancial-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location", ""), content
        finally:
            conn.close()


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.seen_bills: set[int] = set()

    def timed(
        self,
        kind: str,
        browser: Browser,
        method: str,
        path: str,
        expect: int,
        body: dict[str, str] | None = None,
    ) -> tuple[int, str, bytes]:
        started = time.perf_counter()
        status, location, content = browser.request(method, path, body)
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            if status == expect:
                self.samples[kind].append(elapsed)
            else:
                self.errors[f"{kind} {status}"] += 1
        return status, location, content


def _citizen(
    index: int, accounts: list[dict[str, Any]], rec: Recorder, deadline: float, citizens: int, pauses: bool
) -> None:
    rng = random.Random(index)

    def think() -> None:
        if pauses:
            time.sleep(rng.uniform(*THINK))

    if pauses:
        time.sleep(rng.uniform(0, THINK[1]))  # citizens arrive spread over the first pause
    for loop in range(LOOPS):
        if time.perf_counter() > deadline:
            return
        who = accounts[(index + loop * citizens) % len(accounts)]
        browser = Browser()
        status, _, form = rec.timed("sign-in form", browser, "GET", "/agencia/", 200)
        match = CSRF_INPUT.search(form.decode())
        if status != 200 or match is None:
            continue
        think()
        body = {"csrfmiddlewaretoken": match.group(1), "account": who["account"], "document": who["document"]}
        status, location, _ = rec.timed("sign-in POST", browser, "POST", "/agencia/", 302, body)
        if status != 302:
            continue
        home = f"/agencia/imoveis/{who['property_id']}/"
        assert location.endswith(home), location
        rec.timed("first page", browser, "GET", home, 200)
        think()
        with rec.lock:
            kind = "bill PDF (cached)" if who["bill_id"] in rec.seen_bills else "bill PDF (first render)"
            rec.seen_bills.add(who["bill_id"])
        pdf = f"{home}contas/{who['bill_id']}/pdf/"
        status, _, content = rec.timed(kind, browser, "GET", pdf, 200)
        assert status != 200 or content[:5] == b"%PDF-", content[:80]
        think()
        rec.timed("debt statement", browser, "GET", f"{home}extrato/", 200)
        think()


def _drive(accounts: list[dict[str, Any]], citizens: int = CITIZENS, think: bool = True) -> dict[str, Any]:
    rec = Recorder()
    started = time.perf_counter()
    deadline = started + SECONDS
    load_before = os.getloadavg()[0]
    threads = [
        threading.Thread(target=_citizen, args=(i, accounts, rec, deadline, citizens, think), daemon=True)
        for i in range(citizens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    wall = time.perf_counter() - started
    pdf_all = rec.samples["bill PDF (first render)"] + rec.samples["bill PDF (cached)"]
    if pdf_all:
        rec.samples["bill PDF (all)"] = pdf_all
    requests = sum(len(v) for k, v in rec.samples.items() if k != "bill PDF (all)")
    return {
        "citizens": citizens,
        "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "wall_s": round(wall, 1),
        "requests": requests,
        "requests_per_second": round(requests / wall, 1),
        "errors": dict(rec.errors),
        "ms": {
            k: {m: round(x, 1) for m, x in percentiles(v).items()}
            for k, v in sorted(rec.samples.items())
            if v
        },
    }


def _warm_up(accounts: list[dict[str, Any]]) -> None:
    """One sign-in and first page per worker process, so imports and template loading are not measured."""
    for who in accounts[: WORKERS * 2]:
        browser = Browser()
        _, _, form = browser.request("GET", "/agencia/")
        token = CSRF_INPUT.search(form.decode())
        assert token, "no CSRF token on the sign-in form"
        body = {"csrfmiddlewaretoken": token.group(1), "account": who["account"], "document": who["document"]}
        status, location, _ = browser.request("POST", "/agencia/", body)
        assert status == 302, f"sign-in failed ({status}) for {who['account']}"
        browser.request("GET", location)
        browser.request("GET", f"/agencia/imoveis/{who['property_id']}/contas/{who['bill_id']}/pdf/")
        browser.request("GET", f"/agencia/imoveis/{who['property_id']}/extrato/")


def _print(label: str, figures: dict[str, Any]) -> None:
    print(
        f"{label}: {figures['requests']} requests in {figures['wall_s']} s = "
        f"{figures['requests_per_second']} req/s; errors {figures['errors'] or 'none'}; "
        f"machine load average {figures['load_average_1min']}",
        flush=True,
    )
    for kind, ms in figures["ms"].items():
        target = PDF_TARGET_MS if "PDF" in kind else PAGE_TARGET_MS
        verdict = "ok" if ms["p95"] <= target else "MISSED"
        print(
            f"  {kind:<24} n={ms['n']:>5.0f}  p50 {ms['p50']:7.1f} ms  p95 {ms['p95']:7.1f} ms  "
            f"max {ms['max']:7.1f} ms  (target p95 <= {target} ms: {verdict})",
            flush=True,
        )


def main() -> None:
    import logging

    setup_django()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from modules.common.tenancy import tenant_context

    _ensure_data()
    with tenant_context(SCHEMA):
        from modules.registry.models import Property

        properties = Property.objects.count()
        accounts = _citizens(ACCOUNTS)
        removed = _clear_pdf_cache([a["bill_id"] for a in accounts])
    print(
        f"tenant {SCHEMA}: {properties} properties; {len(accounts)} citizen accounts; "
        f"{removed} cached bill PDFs removed",
        flush=True,
    )
    server = _server()
    try:
        _warm_up(accounts[-WORKERS * 2 :])
        with tenant_context(SCHEMA):  # the warm-up's PDFs are none of the measured ones
            _clear_pdf_cache([a["bill_id"] for a in accounts])
        # service time: one citizen alone, no pauses, other accounts than the load's (cold PDFs too)
        solo = _drive(accounts[len(accounts) // 2 :], citizens=1, think=False)
        with tenant_context(SCHEMA):
            _clear_pdf_cache([a["bill_id"] for a in accounts])
            prerender = _prerender([a["bill_id"] for a in accounts])
        figures = _drive(accounts)
        with tenant_context(SCHEMA):
            _clear_pdf_cache([a["bill_id"] for a in accounts])
        cold = _drive(accounts)
    finally:
        server.terminate()
        server.wait(timeout=30)
    _print("1 citizen alone, no pauses (service time, PDFs uncached)", solo)
    print(
        f"background PDF rendering (billing.render_pdfs' function, one process): {prerender['bills']} bills "
        f"in {prerender['seconds']} s = {prerender['bills_per_second']} bills/s "
        f"({prerender['hours_for_200k_one_worker']} h of one worker for 200,000 bills)",
        flush=True,
    )
    label = f"{CITIZENS} citizens, think {THINK[0]}-{THINK[1]} s, gunicorn {WORKERS} workers"
    _print(f"{label}, PDFs rendered in the background after release", figures)
    _print(f"{label}, PDFs uncached (run just released)", cold)
    write(
        "agency",
        {
            "properties": properties,
            "citizens": CITIZENS,
            "accounts": len(accounts),
            "loops_per_citizen_max": LOOPS,
            "seconds_max": SECONDS,
            "think_seconds": list(THINK),
            "gunicorn_workers": WORKERS,
            "targets_ms": {"pages_p95": PAGE_TARGET_MS, "pdf_p95": PDF_TARGET_MS},
            "note": "client threads, gunicorn and PostgreSQL share the machine's CPUs (loopback); "
            "each loop signs in anew with another account; the main figures have the PDFs rendered "
            "by the background job, `uncached` has every PDF rendered in the request",
            "solo": solo,
            "background_rendering": prerender,
            "uncached": cold,
            **figures,
        },
    )


if __name__ == "__main__":
    main()
