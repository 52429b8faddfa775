"""Structured logs: one JSON object a line, each with the tenant schema and the request id."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from modules.common.context import current_request_context
from modules.common.http import has_secret_path, mask_secrets


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


class SecretMaskingFilter(logging.Filter):
    """No secret path reaches a log line (ADR 0012): Django logs the path of every 4xx and 5xx
    ("Unauthorized: /webhooks/pagarme/<secret>"), and a traceback may carry it too."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if has_secret_path(message):
            record.msg, record.args = mask_secrets(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and has_secret_path(record.exc_text):
            record.exc_text = mask_secrets(record.exc_text)
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
        if record.exc_info:  # exc_text: the traceback as SecretMaskingFilter left it
            payload["exc"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
