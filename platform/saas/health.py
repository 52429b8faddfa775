"""/healthz: the process answers. /readyz: the database and the broker are reachable."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

_broker_checked: dict[str, float | bool] = {"at": 0.0, "ok": False}


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager (tarefas no próprio processo)"
    now = time.monotonic()
    if now - float(_broker_checked["at"]) < 5:  # at most one AMQP handshake per 5 s per process
        return bool(_broker_checked["ok"]), "ok (cache)" if _broker_checked["ok"] else "unreachable (cache)"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        ok, detail = True, "ok"
    except Exception as exc:
        ok, detail = False, type(exc).__name__
    _broker_checked.update(at=now, ok=ok)
    return ok, detail


def readyz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    ready = db_ok and broker_ok
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "database": db_detail, "broker": broker_detail},
        status=200 if ready else 503,
    )
