"""Structured logs: one JSON object a line, each with the tenant schema and the request id."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from modules.common.context import current_request_context


class TenantContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            from django.db import connection

            record.schema = getattr(connection, "schema_name", "public")
        except Exception:
            record.schema = "-"
        ctx = current_request_context()
        record.request_id = ctx.request_id if ctx else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "schema": getattr(record, "schema", "-"),
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
