"""Backup and restore of one utility: a round trip under a new name and host reconciles and serves at
once; a truncated archive, one from a newer version, and an existing schema without --force are
refused with nothing written.

The data must be committed (pg_dump reads from its own connection), so a scratch utility is
provisioned for the module, filled through the factories, and dropped with everything restored.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import tarfile
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from modules.collection import services as collection
from modules.common.audit import SystemActor
from modules.common.tenancy import tenant_context
from modules.registry.search import search_properties
from saas.sla.models import Contract
from tenants import provisioning
from tenants.backup import archive
from tenants.models import Domain, Tenant
from tests.billing import factories as billing_f
from tests.collection import factories as collection_f
from tests.conftest import host_client
from tests.registry import factories as registry_f

ACTOR = SystemActor("tests")
TARGET = "alpha_restored"
TARGET_HOST = "alpha-restored.localhost"
FORCED = "alpha_forced"


def _drop(schema: str) -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    for tenant in Tenant.objects.filter(schema_name=schema):
        Contract.objects.filter(tenant=tenant).delete()
        Domain.objects.filter(tenant=tenant).delete()
        tenant.delete()


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture(scope="module")
def source(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """A committed utility with customers, bills, a payment, a file and an SLA contract."""
    schema = f"bk{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        connection.set_schema_to_public()  # an earlier test may have left another tenant on the connection
        try:
            tenant = provisioning.tenant_request(
                actor=ACTOR,
                enqueue=False,
                request=provisioning.TenantRequest(schema, "SAAE Cópia", f"{schema}.localhost"),
            )
            provisioning.tenant_provision(tenant_id=tenant.pk)
            Contract.objects.create(
                tenant=tenant, monthly_value=Decimal("12345.67"), start_date=dt.date(2026, 1, 1)
            )
            with tenant_context(schema):
                billing_f.set_company_code("0562")
                prop = registry_f.prop(holder=registry_f.customer("Joana Restaurada Pereira"))
                other = registry_f.prop(holder=registry_f.customer("Pedro Copiado Lima"), number="77")
                paid = collection_f.bill(prop, "45.10", dt.date(2026, 6, 10))
                collection_f.bill(prop, "38.25", dt.date(2026, 7, 10))
                collection_f.bill(other, "101.99", dt.date(2026, 7, 10))
                collection.payment_register(
                    actor=ACTOR, barcode=paid.barcode, amount=Decimal("45.10"), paid_on=dt.date(2026, 6, 9)
                )
                default_storage.save("logos/marca.svg", ContentFile(b"<svg>marca</svg>"))
            yield schema
        finally:
            _drop(schema)
            for name in (schema, TARGET, FORCED):
                _drop(name)
                shutil.rmtree(Path(settings.MEDIA_ROOT) / name, ignore_errors=True)


@pytest.fixture(scope="module")
def backup_file(source: str, django_db_blocker: Any, tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("backup") / f"{source}.tar"
    with django_db_blocker.unblock():
        call_command("tenant_backup", source, str(path), stdout=io.StringIO())
    return path


def _manifest(path: Path) -> dict[str, Any]:
    with tarfile.open(path) as tar:
        return json.loads(tar.extractfile(archive.MANIFEST).read())  # type: ignore[union-attr]


def test_the_archive_carries_the_schema_the_public_rows_the_files_and_the_figures(
    backup_file: Path, source: str
) -> None:
    manifest = _manifest(backup_file)
    assert manifest["schema"] == source
    assert manifest["domains"] == [f"{source}.localhost"]
    assert sorted(manifest["members"]) == ["media/logos/marca.svg", "public.json", "schema.sql.gz"]
    figures = manifest["figures"]
    assert figures["money"] == {
        "faturas_total": "185.34",
        "faturas_em_aberto": "140.24",  # the paid bill is no longer 'released'
        "pagamentos_baixados": "45.10",
        "pagamentos_total": "45.10",
    }
    assert (figures["tables"]["billing_bill"], figures["tables"]["collection_payment"]) == (3, 1)
    assert (figures["tables"]["registry_customer"], figures["tables"]["registry_property"]) == (2, 2)
    assert figures["public"]["tenants.Tenant"] == 1 and figures["public"]["sla.Contract"] == 1
    assert manifest["latest_migrations"]["registry"] == max(manifest["migrations"]["schema"]["registry"])


def test_a_round_trip_under_a_new_name_reconciles_and_serves_at_once(
    backup_file: Path, source: str, django_db_blocker: Any
) -> None:
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("tenant_restore", str(backup_file), schema=TARGET, domain=TARGET_HOST, stdout=out)
        rows = {
            line.split()[1]: line.split()[2:]
            for line in out.getvalue().splitlines()
            if line.startswith("valor ")
        }
        assert rows == {
            "faturas_em_aberto": ["140.24", "140.24", "ok"],
            "faturas_total": ["185.34", "185.34", "ok"],
            "pagamentos_baixados": ["45.10", "45.10", "ok"],
            "pagamentos_total": ["45.10", "45.10", "ok"],
        }
        assert "DIFERENTE" not in out.getvalue()
        restored = Tenant.objects.get(schema_name=TARGET)
        original = Tenant.objects.get(schema_name=source)
        assert restored.pk != original.pk and restored.name == "SAAE Cópia"
        assert list(restored.domains.values_list("domain", "is_primary")) == [(TARGET_HOST, True)]
        assert Contract.objects.get(tenant=restored).monthly_value == Decimal("12345.67")
        with tenant_context(TARGET):
            from modules.billing.models import Bill
            from modules.collection.models import Payment

            assert sorted(str(b.total) for b in Bill.objects.all()) == ["101.99", "38.25", "45.10"]
            assert [str(p.amount) for p in Payment.objects.all()] == ["45.10"]
            found = search_properties("restaurada")  # the trigram search answers in the restored schema
            assert [p.number for p in found.results] == ["123"]
            assert default_storage.open("logos/marca.svg").read() == b"<svg>marca</svg>"
        with tenant_context(source):  # the original is untouched
            from modules.billing.models import Bill

            assert Bill.objects.count() == 3
        site = host_client(TARGET_HOST)
        assert site.get("/healthz").status_code == 200
        login = site.get("/conta/entrar/")
        assert login.status_code == 200 and "SAAE Cópia" in login.content.decode()


def test_force_replaces_an_existing_utility_whole(backup_file: Path, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command(
            "tenant_restore", str(backup_file), schema=FORCED, domain="forced.localhost", stdout=io.StringIO()
        )
        first = Tenant.objects.get(schema_name=FORCED)
        with tenant_context(FORCED):
            registry_f.customer("Só na primeira cópia")  # committed: --force must take it away
        call_command(
            "tenant_restore",
            str(backup_file),
            schema=FORCED,
            domain="forced.localhost",
            force=True,
            stdout=io.StringIO(),
        )
        second = Tenant.objects.get(schema_name=FORCED)
        assert second.pk != first.pk and not Tenant.objects.filter(pk=first.pk).exists()
        assert list(Domain.objects.filter(domain="forced.localhost").values_list("tenant_id", flat=True)) == [
            second.pk
        ]
        assert Contract.objects.filter(tenant__schema_name=FORCED).count() == 1
        with tenant_context(FORCED):
            from modules.registry.models import Customer

            assert sorted(Customer.objects.values_list("name", flat=True)) == [
                "Joana Restaurada Pereira",
                "Pedro Copiado Lima",
            ]


def test_an_existing_schema_is_refused_without_force(
    backup_file: Path, source: str, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        tenants_before = Tenant.objects.count()
        schemas_before = _schemas()
        with pytest.raises(
            CommandError, match=rf"O esquema '{source}' já existe nesta instalação. Use --force"
        ):
            call_command("tenant_restore", str(backup_file), stdout=io.StringIO())
        assert Tenant.objects.count() == tenants_before
        assert _schemas() == schemas_before  # no staging schema left behind


def test_a_truncated_archive_is_refused(backup_file: Path, tmp_path: Path, django_db_blocker: Any) -> None:
    cut = tmp_path / "cut.tar"
    data = backup_file.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with django_db_blocker.unblock():
        schemas_before, tenants_before = _schemas(), Tenant.objects.count()
        with pytest.raises(CommandError, match="está incompleto"):
            call_command(
                "tenant_restore", str(cut), schema="bk_cut", domain="bk-cut.localhost", stdout=io.StringIO()
            )
        assert _schemas() == schemas_before and Tenant.objects.count() == tenants_before


def _rewrite_manifest(source: Path, target: Path, change: Any) -> None:
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == archive.MANIFEST:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))


def test_an_archive_from_a_newer_version_is_refused(
    backup_file: Path, tmp_path: Path, django_db_blocker: Any
) -> None:
    newer = tmp_path / "newer.tar"
    _rewrite_manifest(
        backup_file, newer, lambda m: m["migrations"]["schema"]["billing"].append("9999_from_the_future")
    )
    with django_db_blocker.unblock():
        schemas_before, tenants_before = _schemas(), Tenant.objects.count()
        with pytest.raises(
            CommandError, match=r"versão mais nova do Manancial .*billing\.9999_from_the_future"
        ):
            call_command(
                "tenant_restore", str(newer), schema="bk_new", domain="bk-new.localhost", stdout=io.StringIO()
            )
        assert _schemas() == schemas_before and Tenant.objects.count() == tenants_before


def test_figures_that_do_not_match_the_manifest_are_refused_with_nothing_written(
    backup_file: Path, tmp_path: Path, django_db_blocker: Any
) -> None:
    wrong = tmp_path / "wrong.tar"
    _rewrite_manifest(backup_file, wrong, lambda m: m["figures"]["money"].update(faturas_total="185.35"))
    with django_db_blocker.unblock():
        schemas_before, tenants_before = _schemas(), Tenant.objects.count()
        with pytest.raises(
            CommandError,
            match=r"não confere com o manifesto; nada foi gravado. "
            r"valor faturas_total: arquivo 185.35, restaurado 185.34",
        ):
            call_command(
                "tenant_restore",
                str(wrong),
                schema="bk_wrong",
                domain="bk-wrong.localhost",
                stdout=io.StringIO(),
            )
        assert _schemas() == schemas_before and Tenant.objects.count() == tenants_before
        assert not Domain.objects.filter(domain="bk-wrong.localhost").exists()


def test_the_rename_touches_qualified_names_and_never_the_rows() -> None:
    from tenants.backup.postgres import rename_schema

    dump = [
        b"CREATE SCHEMA alpha;\n",
        b"CREATE TABLE alpha.registry_street (id bigint NOT NULL, name character varying(120));\n",
        b"COPY alpha.registry_street (id, name) FROM stdin;\n",
        b"1\tRua alpha.beta\n",
        b"\\.\n",
        b"SELECT pg_catalog.setval('alpha.registry_street_id_seq', 1, true);\n",
        b"ALTER TABLE ONLY alpha.x ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES alpha.y(id);\n",
        b"CREATE INDEX i ON alpha.c USING gin (name_search extensions.gin_trgm_ops);\n",
        b"CREATE TABLE notalpha.t (id int);\n",
    ]
    assert list(rename_schema(dump, "alpha", "restore_1")) == [
        b'CREATE SCHEMA "restore_1";\n',
        b'CREATE TABLE "restore_1".registry_street (id bigint NOT NULL, name character varying(120));\n',
        b'COPY "restore_1".registry_street (id, name) FROM stdin;\n',
        b"1\tRua alpha.beta\n",
        b"\\.\n",
        b"SELECT pg_catalog.setval('\"restore_1\".registry_street_id_seq', 1, true);\n",
        b'ALTER TABLE ONLY "restore_1".x ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES "restore_1".y(id);\n',
        b'CREATE INDEX i ON "restore_1".c USING gin (name_search extensions.gin_trgm_ops);\n',
        b"CREATE TABLE notalpha.t (id int);\n",
    ]


def test_a_reserved_or_invalid_schema_name_is_refused(public_schema: None, backup_file: Path) -> None:
    """(Also the one test here on the `db` fixture: pytest-django sets up the test database only for
    a session that has one.)"""
    for name in ("extensions", "public", "Alpha", "1x"):
        with pytest.raises(CommandError, match="Nome de esquema inválido"):
            call_command(
                "tenant_restore", str(backup_file), schema=name, domain="x.localhost", stdout=io.StringIO()
            )


def test_a_restore_into_another_deployment_serves_the_same_figures(backup_file: Path, source: str) -> None:
    """A fresh database migrated as a new deployment's is (`migrate_schemas --shared`), then the
    archive restored there by the command, in processes of their own."""
    import os
    import subprocess
    import sys

    import psycopg

    from tenants.backup.postgres import server_args

    name = f"bk_deploy_{uuid.uuid4().hex[:8]}"
    host, port, user = server_args()[1:6:2]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}@{host}:{port}/{name}",
        "DJANGO_SETTINGS_MODULE": "saas.settings.dev",
        "PYTHONPATH": f"{settings.BASE_DIR / 'platform'}:{settings.BASE_DIR}",
        "MEDIA_ROOT": str(backup_file.parent / "other-media"),
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run(["createdb", "-h", host, "-p", port, "-U", user, name], check=True)
    try:
        subprocess.run([*manage, "migrate_schemas", "--shared", "-v", "0"], env=env, check=True)
        done = subprocess.run(
            [*manage, "tenant_restore", str(backup_file)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert f"{source}: restaurada, atende em {source}.localhost" in done.stdout
        with psycopg.connect(f"host={host} port={port} user={user} dbname={name}") as conn:
            conn.execute(f"SET search_path = {source}, public, extensions")
            assert conn.execute("SELECT sum(total)::text, count(*) FROM billing_bill").fetchone() == (
                "185.34",
                3,
            )
            found = conn.execute(
                "SELECT name FROM registry_customer WHERE name_search LIKE '%restaurada%' "
                "ORDER BY similarity(name_search, 'joana restaurada') DESC"
            ).fetchall()
            assert found == [("Joana Restaurada Pereira",)]
            assert conn.execute(
                "SELECT t.name, d.domain FROM public.tenants_tenant t "
                "JOIN public.tenants_domain d ON d.tenant_id = t.id WHERE t.schema_name = %s",
                [source],
            ).fetchall() == [("SAAE Cópia", f"{source}.localhost")]
        assert (
            backup_file.parent / "other-media" / source / "logos" / "marca.svg"
        ).read_bytes() == b"<svg>marca</svg>"
    finally:
        subprocess.run(["dropdb", "-h", host, "-p", port, "-U", user, "--force", name], check=True)
