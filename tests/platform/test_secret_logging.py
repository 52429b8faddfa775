"""The Pagar.me webhook's URL secret and basic-auth user never reach a log (ADR 0012): not gunicorn's
access log (its logger class, fed a gunicorn-shaped request), not the app's own lines (Django logs
the path of every refused request), not Sentry."""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import secrets
import sys
from pathlib import Path
from typing import Any

import pytest
from gunicorn.config import Config

from saas.gunicorn_logging import SecretMaskingLogger
from saas.logs import SecretMaskingFilter
from saas.observability import _tag_schema

SECRET = secrets.token_urlsafe(32)
USER = "pagarme-hook"
BASIC = "Basic " + base64.b64encode(f"{USER}:senha-errada".encode()).decode()


class _Response:
    status = "401 Unauthorized"
    sent = 57
    headers = [("Content-Type", "application/json")]


class _Request:
    headers = [("HOST", "alpha.localhost"), ("AUTHORIZATION", BASIC), ("USER-AGENT", "Pagar.me")]


def _environ(path: str, query: str = "") -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "RAW_URI": path + (f"?{query}" if query else ""),
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.40.1.2",
        "HTTP_AUTHORIZATION": BASIC,
        "HTTP_USER_AGENT": "Pagar.me",
    }


def _access_line(tmp_path: Path, environ: dict[str, Any], access_format: str | None = None) -> str:
    cfg = Config()
    log_file = tmp_path / "access.log"
    cfg.set("accesslog", str(log_file))
    if access_format:
        cfg.set("access_log_format", access_format)
    logger = SecretMaskingLogger(cfg)
    logger.access(_Response(), _Request(), environ, dt.timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log_file.read_text()


@pytest.mark.parametrize(
    "access_format",
    [
        None,  # gunicorn's default: '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
        '%(h)s %(u)s "%(r)s" %(U)s?%(q)s %({raw_uri}e)s %({path_info}e)s %({authorization}i)s %(s)s',
    ],
)
def test_the_access_log_masks_the_webhook_secret_and_its_user(
    tmp_path: Path, access_format: str | None
) -> None:
    line = _access_line(tmp_path, _environ(f"/webhooks/pagarme/{SECRET}", "x=1"), access_format)
    assert SECRET not in line and USER not in line and BASIC not in line
    assert "/webhooks/pagarme/*** " in line or "/webhooks/pagarme/***?x=1" in line
    assert "401" in line and "10.40.1.2" in line


def test_other_requests_are_logged_as_gunicorn_logs_them(tmp_path: Path) -> None:
    line = _access_line(tmp_path, _environ("/api/v1/bills"))
    assert '"POST /api/v1/bills HTTP/1.1" 401 57' in line
    assert f" {USER} " in line  # the stock logger's user atom, untouched where there is no secret


def test_the_production_gunicorn_settings_use_the_masking_logger() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "platform" / "saas"))
    try:
        import gunicorn_conf
    finally:
        sys.path.pop(0)
    assert gunicorn_conf.logger_class == "saas.gunicorn_logging.SecretMaskingLogger"


@pytest.mark.django_db
def test_a_refused_webhook_leaves_no_secret_in_the_app_log(
    tenant_alpha: Any, alpha_client: Any, capfd: Any
) -> None:
    from modules.collection.models import GatewayAccount

    GatewayAccount.objects.create(
        provider="pagarme",
        secret_key="sk_test_x",
        webhook_token=SECRET,
        webhook_username=USER,
        webhook_password="certa",
    )
    # the handler settings.LOGGING configured, writing somewhere the test can read
    (console,) = [
        h for h in logging.getLogger().handlers if any(isinstance(f, SecretMaskingFilter) for f in h.filters)
    ]
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = alpha_client.post(
            f"/webhooks/pagarme/{SECRET}", {}, content_type="application/json", HTTP_AUTHORIZATION=BASIC
        )
    finally:
        console.setStream(previous)
    assert response.status_code == 401
    err = stream.getvalue()
    assert "Unauthorized: /webhooks/pagarme/***" in err
    assert SECRET not in err and "senha-errada" not in err


def test_the_filter_masks_messages_arguments_and_tracebacks() -> None:
    try:
        raise RuntimeError(f"falhou em /webhooks/pagarme/{SECRET}")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "%s: %s",
            ("Internal Server Error", f"/webhooks/pagarme/{SECRET}"),
            sys.exc_info(),
        )
    assert SecretMaskingFilter().filter(record)
    assert record.getMessage() == "Internal Server Error: /webhooks/pagarme/***"
    assert SECRET not in logging.Formatter().format(record)
    from saas.logs import JsonFormatter

    assert SECRET not in JsonFormatter().format(record)


def test_sentry_events_carry_no_secret_path() -> None:
    event = _tag_schema(
        {
            "request": {"url": f"https://alpha.example/webhooks/pagarme/{SECRET}"},
            "logentry": {"message": f"/webhooks/pagarme/{SECRET}"},
        },
        {},
    )
    assert SECRET not in str(event)
    assert event["request"]["url"] == "https://alpha.example/webhooks/pagarme/***"
