"""Decide, for `make demo`, which real parts this machine has; print shell exports for the rest.

PostgreSQL: the local server on 127.0.0.1:5432 when it answers, else an embedded PostgreSQL (the
`pgserver` package) under var/pgdata. RabbitMQ: the local broker when it answers, else tasks run
in-process (CELERY_TASK_ALWAYS_EAGER). Redis: the local server, else local-memory cache. Every
fallback is announced on stderr.

The database is `manancial`, or `manancial_<DEMO_PORT>` for a demo on another port than 8000, as
saas/settings/dev.py names it: two demos on one machine never share their data (README).
"""

from __future__ import annotations

import os
import shlex
import socket
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def demo_database_name() -> str:
    port = os.environ.get("DEMO_PORT") or "8000"
    return "manancial" if port == "8000" else f"manancial_{int(port)}"


def say(message: str) -> None:
    print(f"[demo] {message}", file=sys.stderr)


def ensure_database(url: str) -> None:
    """A fresh server has no demo database yet: create it (idempotent)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    settings = dj_database_url.parse(url)
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(
        dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))
            say(f"PostgreSQL: banco {settings['NAME']} criado")


def main() -> None:
    exports: dict[str, str] = {}
    name = demo_database_name()
    if os.environ.get("DATABASE_URL"):
        say("PostgreSQL: DATABASE_URL do ambiente")
        ensure_database(os.environ["DATABASE_URL"])
    elif reachable("127.0.0.1", 5432) and not os.environ.get("DEMO_EMBEDDED_POSTGRES"):
        say("PostgreSQL: servidor local em 127.0.0.1:5432")
        exports["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        ensure_database(exports["DATABASE_URL"])
    else:
        import pgserver

        data = ROOT / "var" / "pgdata"
        data.parent.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(str(data), cleanup_mode=None)
        server.psql("SELECT 1")
        if name not in server.psql("SELECT datname FROM pg_database").split():
            server.psql(f"CREATE DATABASE {name}")
        socket_dir = server.get_uri().split("host=", 1)[1]
        # dj-database-url reads a percent-encoded socket directory as the host
        exports["DATABASE_URL"] = f"postgres://postgres@{quote(socket_dir, safe='')}/{name}"
        say(f"PostgreSQL: sem servidor em 127.0.0.1:5432 (ou DEMO_EMBEDDED_POSTGRES); embutido em {data}")
    if os.environ.get("BROKER_URL"):
        say("RabbitMQ: BROKER_URL do ambiente")
    elif reachable("127.0.0.1", 5672) and not os.environ.get("DEMO_EMBEDDED_POSTGRES"):
        say("RabbitMQ: servidor local em 127.0.0.1:5672 (worker e beat do Celery)")
    else:
        exports["CELERY_TASK_ALWAYS_EAGER"] = "1"
        say("RabbitMQ: nenhum broker em 127.0.0.1:5672; as tarefas rodarão no próprio processo")
    if not os.environ.get("REDIS_URL") and not reachable("127.0.0.1", 6379):
        exports["MANANCIAL_NO_REDIS"] = "1"
        say("Redis: indisponível; cache em memória local")
    for key, value in exports.items():
        print(f"export {key}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
