"""The PostgreSQL client tools (pg_dump, psql) pointed at Django's database, and the schema rename
applied to a plain-format dump on its way into psql."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.conf import settings


def server_args(database: str | None = None) -> list[str]:
    db = settings.DATABASES["default"]
    return [
        "-h",
        str(db.get("HOST") or "127.0.0.1"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db.get("USER") or "postgres"),
        "-d",
        database or str(db["NAME"]),
    ]


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    password = settings.DATABASES["default"].get("PASSWORD")
    if password:
        env["PGPASSWORD"] = str(password)
    return env


def dump_schema(schema: str, out: IO[bytes], *, snapshot: str | None = None) -> None:
    """A plain-format dump of one schema, without owners or grants (the target's roles may differ).
    Plain text, because the restore renames the schema inside it (ADR 0007); `snapshot` makes the
    dump see exactly what the caller's transaction sees."""
    cmd = ["pg_dump", *server_args(), "--format=plain", "--no-owner", "--no-privileges", f"--schema={schema}"]
    if snapshot:
        cmd.append(f"--snapshot={snapshot}")
    done = subprocess.run(  # noqa: S603 - fixed program, arguments from settings and a checked name
        cmd, stdout=out, stderr=subprocess.PIPE, env=server_env(), check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"pg_dump falhou: {done.stderr.decode(errors='replace').strip()}")


def rename_schema(lines: Iterable[bytes], old: str, new: str) -> Iterator[bytes]:
    """The dump's statements with every `old.` qualification (and its CREATE SCHEMA) made `"new".`.

    pg_dump empties search_path and qualifies every name it writes, so the schema name appears in
    statements only as a qualifier. Row data (between `COPY … FROM stdin;` and `\\.`) is passed
    through untouched: a customer's address may well contain "alpha." and must stay as it was."""
    qualifier = re.compile(
        rb'(?<![\w."$])(?:"' + re.escape(old.encode()) + rb'"|' + re.escape(old.encode()) + rb")\."
    )
    create = re.compile(
        rb'^CREATE SCHEMA (?:"' + re.escape(old.encode()) + rb'"|' + re.escape(old.encode()) + rb");$"
    )
    target = b'"' + new.encode() + b'".'
    in_data = False
    for line in lines:
        if in_data:
            if line in (b"\\.\n", b"\\."):
                in_data = False
            yield line
            continue
        if line.startswith(b"COPY ") and line.rstrip().endswith(b"FROM stdin;"):
            in_data = True
        if create.match(line.rstrip(b"\n")):
            yield b'CREATE SCHEMA "' + new.encode() + b'";\n'
            continue
        yield qualifier.sub(target, line)


def psql_load(lines: Iterable[bytes]) -> None:
    """Feeds SQL to psql in one transaction that stops at the first error: all of it, or nothing."""
    cmd = ["psql", *server_args(), "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
    with tempfile.TemporaryFile() as stderr:  # a file, not a pipe: psql's notices never block it
        proc = subprocess.Popen(  # noqa: S603 - fixed program, arguments from settings
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr, env=server_env()
        )
        assert proc.stdin is not None
        try:
            for line in lines:
                proc.stdin.write(line)
            proc.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error: its message is in stderr
        code = proc.wait()
        stderr.seek(0)
        errors = stderr.read().decode(errors="replace").strip()
    if code != 0:
        raise RuntimeError(f"psql falhou: {errors}")
