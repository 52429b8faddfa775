"""/healthz: the process answers. /readyz: the database and the broker are reachable, and which
tenants have stuck background work (a detail, never a 503: ADR 0115)."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django_tenants.utils import get_public_schema_name

from modules.billing.services.runs import STUCK_KIND
from modules.common.stuck import stuck_work_summary_if_readable

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


def _stuck_runs() -> dict[str, dict[str, object]] | None:
    """Stuck billing runs per tenant, from the sweeps' public summary (one query, no tenant schema
    read); None when the summary cannot be read. A tenant's host shows only its own; the vendor's
    host shows every tenant."""
    schema = getattr(connection, "schema_name", get_public_schema_name())
    only = None if schema == get_public_schema_name() else schema
    rows = stuck_work_summary_if_readable(kind=STUCK_KIND, schema_name=only)
    if rows is None:
        return None
    return {row.schema_name: {"count": row.count, "checked_at": row.checked_at.isoformat()} for row in rows}


def readyz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    ready = db_ok and broker_ok
    body: dict[str, object] = {
        "status": "ready" if ready else "not ready",
        "database": db_detail,
        "broker": broker_detail,
    }
    if db_ok:
        # Stuck runs degrade, they do not make the pod unready: a 503 would take the web out of
        # the load balancer while it serves fine, and would not restart a dead worker either.
        stuck = _stuck_runs()
        body["stuck_runs"] = stuck
        body["degraded"] = ["stuck_runs_unknown"] if stuck is None else ["stuck_runs"] if stuck else []
    return JsonResponse(body, status=200 if ready else 503)
