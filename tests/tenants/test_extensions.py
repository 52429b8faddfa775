"""Extensions live in the shared `extensions` schema: a tenant schema dumped and restored into a fresh
database keeps its trigram indexes, and name search works there."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tenants.backup.postgres import server_args
from tenants.extensions import INSTALL_SQL


def _server_args() -> list[str]:
    return server_args()[:-2]  # host, port, user; the database is given per call


def _dsn(name: str) -> str:
    host, port, user = server_args()[1:6:2]
    return f"host={host} port={port} user={user} dbname={name}"


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """An empty database of our own on the same server, dropped afterwards."""
    name = f"bk_fresh_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", *_server_args(), name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["dropdb", *_server_args(), "--force", name], check=True)


def test_the_extensions_live_in_the_shared_schema_on_every_search_path(tenant_alpha) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("extensions",)
        cursor.execute("SELECT current_schemas(false)")
        assert cursor.fetchone() == (["alpha", "public", "extensions"],)
        cursor.execute("SELECT similarity('maria', 'maria'), 'maria souza' % 'maria souza'")
        assert cursor.fetchone() == (1.0, True)


def test_the_shared_migration_moves_an_extension_created_in_public(fresh_database: str) -> None:
    with psycopg.connect(_dsn(fresh_database), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION pg_trgm SCHEMA public")  # what the old tenant migration did
        conn.execute(INSTALL_SQL)
        conn.execute(INSTALL_SQL)  # idempotent: every deploy runs it
        row = conn.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
        ).fetchone()
    assert row == ("extensions",)


def test_a_tenant_schema_restored_into_a_fresh_database_keeps_its_trigram_search(
    django_db_setup, django_db_blocker, fresh_database: str, tmp_path: Path
) -> None:
    dump = tmp_path / "alpha.dump"
    subprocess.run(
        [
            "pg_dump",
            *_server_args(),
            "-Fc",
            "-n",
            "alpha",
            "-f",
            str(dump),
            settings.DATABASES["default"]["NAME"],
        ],
        check=True,
    )
    with psycopg.connect(_dsn(fresh_database), autocommit=True) as conn:
        conn.execute(INSTALL_SQL)  # what `migrate_schemas --shared` gives every database
    restored = subprocess.run(
        ["pg_restore", *_server_args(), "--no-owner", "--exit-on-error", "-d", fresh_database, str(dump)],
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stderr
    with psycopg.connect(_dsn(fresh_database), autocommit=True) as conn:
        conn.execute("SET search_path = alpha, public, extensions")  # what every connection sets
        indexes = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'alpha' AND indexdef LIKE '%gin_trgm_ops%' "
            "ORDER BY indexname"
        ).fetchall()
        assert indexes == [("customer_name_trgm",), ("property_address_trgm",)]
        columns = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'alpha' "
            "AND table_name = 'registry_customer' AND is_nullable = 'NO' AND column_default IS NULL "
            "AND is_identity = 'NO'"
        ).fetchall()
        given = {"name": "'Maria da Conceição Souza'", "name_search": "'maria da conceicao souza'"}
        neutral = {"boolean": "false", "date": "current_date", "timestamp with time zone": "now()"}
        values = {
            name: given.get(name, neutral.get(kind, "''" if "char" in kind or kind == "text" else "0"))
            for name, kind in columns
        }
        conn.execute(
            f"INSERT INTO registry_customer ({', '.join(values)}) VALUES ({', '.join(values.values())})"  # noqa: S608 - column names from the catalogue
        )
        conn.execute("SET enable_seqscan = off")  # the search must be able to use the trigram index
        plan = " ".join(
            row[0]
            for row in conn.execute(
                "EXPLAIN SELECT id FROM registry_customer WHERE name_search LIKE '%conceicao%'"
            ).fetchall()
        )
        assert "customer_name_trgm" in plan
        found = conn.execute(
            "SELECT name, round(similarity(name_search, %s)::numeric, 2) FROM registry_customer "
            "WHERE name_search LIKE %s AND name_search %% %s",
            ["maria conceicao", "%conceicao%", "maria conceicao"],
        ).fetchall()
    assert [name for name, _ in found] == ["Maria da Conceição Souza"]
