"""Backup and restore of one utility, and migrate_schemas as the number of tenants grows.

    BENCH_DATABASE=manancial_bench_billing .venv/bin/python -m tests.benchmarks backup

Part one reuses the billing benchmark's tenant (`bench_billing`, BACKUP_BENCH_PROPERTIES properties,
default 200,000, with their categories, connections and a month of readings) and adds
BACKUP_BENCH_HISTORY_MONTHS (default 12) months of bills with one item each, the older ones paid:
`tenant_backup` time and archive size, then `tenant_restore`
under a new schema name and host (the restored copy is dropped afterwards). Target: restore <= 30 min.

Part two provisions one tenant and copies it up to each count in BACKUP_BENCH_TENANT_COUNTS
(default "50,200"; copying is what makes 200 affordable on a small machine), in a database of its
own (`<BENCH_DATABASE>_migrate`), and times `migrate_schemas` with nothing pending, with the
standard executor and with `--executor=multiprocessing` at 2 processes (the cores).
BACKUP_BENCH_PARTS=restore or =migrate runs one part.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.common import BENCH_DB, ROOT, setup_django, write

PROPERTIES = int(os.environ.get("BACKUP_BENCH_PROPERTIES", "200000"))
TENANT_COUNTS = tuple(int(n) for n in os.environ.get("BACKUP_BENCH_TENANT_COUNTS", "50,200").split(","))
PARTS = set(os.environ.get("BACKUP_BENCH_PARTS", "restore,migrate").split(","))
HISTORY_MONTHS = int(os.environ.get("BACKUP_BENCH_HISTORY_MONTHS", "12"))
RESTORED = "bench_restored"


def _history(months: int) -> dict[str, Any]:
    """`months` of bills before the billing benchmark's month (2025-01 on), one item each, the older
    ones paid at the counter: what a utility's schema mostly holds after a year in service."""
    from django.db import connection, transaction

    from modules.billing.models import Bill
    from modules.collection.services import counter_agent
    from tests.benchmarks.billing import _fill

    if months == 0 or Bill.objects.filter(reference__lt="2026-01-01").exists():
        return {"skipped": "already loaded" if months else "no history asked"}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        agent = counter_agent()
        for m in range(months):
            reference = f"'2025-{m + 1:02d}-01'::date"
            status = "'released'" if m >= months - 2 else "'paid'"
            _fill(
                c,
                "billing_bill",
                {
                    "property_id": "p.id",
                    "reference": reference,
                    "due_date": f"{reference} + 45",
                    "status": status,
                    "total": "((p.id * 7 + " + str(m) + ") % 31 + 1) * 2.55",
                    "barcode": f"lpad(p.id::text, 36, '0') || '{m:08d}'",
                    "issued_at": f"{reference} + 30",
                    "created_at": f"{reference} + 30",
                },
                "FROM registry_property p",
            )
        _fill(
            c,
            "billing_billitem",
            {"bill_id": "b.id", "kind": "'water'", "description": "'Água'", "amount": "b.total"},
            "FROM billing_bill b WHERE b.reference < '2026-01-01'",
        )
        _fill(
            c,
            "collection_payment",
            {
                "agent_id": str(agent.pk),
                "channel": "'counter'",
                "status": "'applied'",
                "bill_id": "b.id",
                "property_id": "b.property_id",
                "barcode": "b.barcode",
                "amount": "b.total",
                "paid_on": "b.due_date - 3",
                "credited_on": "b.due_date - 2",
                "created_at": "now()",
            },
            "FROM billing_bill b WHERE b.reference < '2026-01-01' AND b.status = 'paid'",
        )
        c.execute("ANALYZE")
    return {"history_s": round(time.perf_counter() - started, 1), "months": months}


def _restore_figures() -> dict[str, Any]:
    import io

    from django.core.management import call_command
    from django.db import connection

    from modules.common.tenancy import tenant_context
    from tests.benchmarks import billing

    billing.N = PROPERTIES
    billing._tenant()
    with tenant_context(billing.SCHEMA):
        load = {**billing._load(PROPERTIES), **_history(HISTORY_MONTHS)}
    print(f"carga: {load}", flush=True)
    from tenants.backup.services import drop_schema
    from tenants.models import Tenant

    connection.set_schema_to_public()
    for tenant in Tenant.objects.filter(schema_name=RESTORED):  # a previous interrupted run
        tenant.domains.all().delete()
        tenant.delete()
    drop_schema(RESTORED)
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as scratch:
        path = Path(scratch) / "bench.tar"
        started = time.perf_counter()
        call_command("tenant_backup", billing.SCHEMA, str(path), stdout=io.StringIO())
        backup_s = time.perf_counter() - started
        size = path.stat().st_size
        print(f"backup: {backup_s:.1f} s, arquivo {size / 1e6:.1f} MB", flush=True)
        out = io.StringIO()
        started = time.perf_counter()
        call_command(
            "tenant_restore", str(path), schema=RESTORED, domain="bench-restored.bench.localhost", stdout=out
        )
        restore_s = time.perf_counter() - started
    print(f"restauração: {restore_s:.1f} s (meta <= 1800 s), carga {os.getloadavg()[0]:.1f}", flush=True)
    with tenant_context(RESTORED):
        from modules.billing.models import Bill
        from modules.collection.models import Payment
        from modules.registry.models import Property

        properties, bills, payments = Property.objects.count(), Bill.objects.count(), Payment.objects.count()
    connection.set_schema_to_public()
    for tenant in Tenant.objects.filter(schema_name=RESTORED):
        tenant.domains.all().delete()
        tenant.delete()
    drop_schema(RESTORED)
    return {
        "properties": properties,
        "bills": bills,
        "payments": payments,
        "backup_seconds": round(backup_s, 1),
        "archive_bytes": size,
        "restore_seconds": round(restore_s, 1),
        "restore_target_seconds": 1800,
        "reconciliation_money": [
            " ".join(line.split()) for line in out.getvalue().splitlines() if "valor" in line
        ],
    }


def _migrate(executor: str, processes: int, database: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "-v", "0", f"--executor={executor}"],
        cwd=ROOT,
        check=True,
        env={
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "DJANGO_SETTINGS_MODULE": "tests.benchmarks._settings",
            "BENCH_MIGRATE_PROCESSES": str(processes),
            "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
        },
    )
    return time.perf_counter() - started


def _clone(template: str, numbers: range) -> None:
    """Tenants m001… as copies of the provisioned m000 (its dump renamed, as a restore does): the
    same tables, migrations and seeds, in a second each instead of a full provisioning each."""
    from django.utils import timezone

    from tenants.backup.postgres import dump_schema, psql_load, rename_schema
    from tenants.models import Domain, ProvisioningState, Tenant

    with tempfile.TemporaryFile() as raw:
        dump_schema(template, raw)  # type: ignore[arg-type]
        raw.seek(0)
        lines = raw.readlines()
    for n in numbers:
        schema = f"m{n:03d}"
        psql_load(rename_schema(lines, template, schema))
        tenant = Tenant.objects.create(
            schema_name=schema,
            name=f"Bench {schema}",
            provisioning_state=ProvisioningState.ACTIVE,
            provisioned_at=timezone.now(),
        )
        Domain.objects.create(domain=f"{schema}.bench.localhost", tenant=tenant, is_primary=True)


def _migrate_figures() -> dict[str, Any]:
    """In a database of its own: creating hundreds of tenants beside the 200k one would skew nothing
    there, but dropping them again is slower than dropping the database."""
    from tests.benchmarks.platform import _provision

    database = f"{BENCH_DB}_migrate"
    for sql in (f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}"):
        subprocess.run(["psql", "-U", "postgres", "-h", "127.0.0.1", "-qc", sql], check=True)
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    from django.conf import settings

    connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = database  # pg_dump reads it
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    from tenants.bootstrap import ensure_public_tenant

    ensure_public_tenant()
    figures: dict[str, Any] = {"provisioning_first_tenant_s": round(_provision("m000"), 1)}
    made, clone_s = 1, 0.0
    for count in TENANT_COUNTS:
        started = time.perf_counter()
        _clone("m000", range(made, count))
        clone_s += time.perf_counter() - started
        made = max(made, count)
        connection.close()  # the subprocesses migrate; keep no idle transaction open meanwhile
        standard = _migrate("standard", 1, database)
        multi = _migrate("multiprocessing", 2, database)
        figures[str(count)] = {
            "standard_s": round(standard, 1),
            "multiprocessing_2_s": round(multi, 1),
            "standard_ms_per_tenant": round(standard * 1000 / count),
        }
        print(
            f"{count} tenants: migrate_schemas (nada pendente) {standard:.1f} s padrão, "
            f"{multi:.1f} s multiprocessing com 2 processos",
            flush=True,
        )
    figures["clone_mean_s"] = round(clone_s / max(made - 1, 1), 2)
    connection.close()
    subprocess.run(
        [
            "psql",
            "-U",
            "postgres",
            "-h",
            "127.0.0.1",
            "-qc",
            f"DROP DATABASE IF EXISTS {database} WITH (FORCE)",
        ],
        check=True,
    )
    return figures


def main() -> None:
    import logging

    setup_django()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    figures: dict[str, Any] = {}
    if "restore" in PARTS:
        figures["restore"] = _restore_figures()
    if "migrate" in PARTS:
        figures["migrate_schemas"] = _migrate_figures()
    # the machine is shared: the load says how much of the figures is other people's work
    figures["load_average_at_end"] = os.getloadavg()
    write("backup", figures)


if __name__ == "__main__":
    main()
