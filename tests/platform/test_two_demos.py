"""Two demos on one machine: DEMO_PORT names a demo, and everything it would share with another
(database, fake gateway port, queues, cache keys, media, cookies, rundemo's files) follows that name;
the default demo on 8000 keeps the plain names."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
DERIVED = ("DATABASE_URL", "CELERY_QUEUE", "CACHE_KEY_PREFIX", "PAGARME_FAKE_PORT", "MEDIA_ROOT")
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "database": s.DATABASES["default"]["NAME"], "fake_port": s.PAGARME_FAKE_PORT,
    "queue": s.CELERY_TASK_DEFAULT_QUEUE,
    "routes": sorted({r["queue"] for r in s.CELERY_TASK_ROUTES.values()}),
    "cache": s.CACHES["default"].get("KEY_PREFIX"), "media": str(s.MEDIA_ROOT),
    "cookies": [s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME],
}))
"""


def _dev_settings(demo_port: str | None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in (*DERIVED, "DEMO_PORT", "MANANCIAL_NO_REDIS")}
    env |= {"DJANGO_SETTINGS_MODULE": "saas.settings.dev", "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}"}
    if demo_port is not None:
        env["DEMO_PORT"] = demo_port
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _devenv() -> object:
    spec = importlib.util.spec_from_file_location("devenv", ROOT / "infra" / "local" / "devenv.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_default_demo_keeps_the_plain_names() -> None:
    for port in (None, "", "8000"):
        assert _dev_settings(port) == {
            "database": "manancial",
            "fake_port": 8390,
            "queue": "manancial.interactive",
            "routes": ["manancial.batch", "manancial.interactive", "manancial.probes"],
            "cache": "manancial",
            "media": str(ROOT / "media"),
            "cookies": ["sessionid", "csrftoken"],
        }


def test_a_second_demo_shares_nothing_with_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    second = _dev_settings("8600")
    assert second == {
        "database": "manancial_8600",
        "fake_port": 8990,
        "queue": "manancial_8600.interactive",
        "routes": ["manancial_8600.batch", "manancial_8600.interactive", "manancial_8600.probes"],
        "cache": "manancial_8600",
        "media": str(ROOT / "var" / "demo-8600" / "media"),
        "cookies": ["sessionid_8600", "csrftoken_8600"],
    }
    # make demo's devenv.py creates and exports the same database the settings name
    devenv = _devenv()
    for port, name in (("8600", "manancial_8600"), ("8000", "manancial"), ("", "manancial")):
        monkeypatch.setenv("DEMO_PORT", port)
        assert devenv.demo_database_name() == name  # type: ignore[attr-defined]


def test_rundemo_refuses_a_port_that_is_not_the_demos() -> None:
    """--port alone would serve one demo's data through another's queues and fake gateway."""
    with pytest.raises(CommandError, match="Use DEMO_PORT=8601 em vez de --port 8601"):
        call_command("rundemo", "--port", "8601")


def test_rundemo_gives_each_worker_its_own_metrics_port() -> None:
    from saas.ops.management.commands.rundemo import WORKER_POOLS, _worker_env

    with override_settings(CELERY_METRICS_PORT=9808):
        ports = [_worker_env(n)["CELERY_METRICS_PORT"] for n in range(len(WORKER_POOLS))]
    assert ports == ["9808", "9809", "9810"]
    with override_settings(CELERY_METRICS_PORT=0):
        assert _worker_env(0).get("CELERY_METRICS_PORT") == os.environ.get("CELERY_METRICS_PORT")


def test_the_demo_gateway_account_follows_the_fake_to_its_port(tenant_alpha: object) -> None:
    from modules.collection.models import GatewayAccount
    from saas.demo.collection import seed_demo_gateway

    with override_settings(PAGARME_FAKE=True, PAGARME_FAKE_PORT=8390):
        assert seed_demo_gateway("alpha") is True
        assert seed_demo_gateway("alpha") is False
    account = GatewayAccount.objects.get(provider="pagarme")
    assert account.base_url == "http://127.0.0.1:8390"
    with override_settings(PAGARME_FAKE=True, PAGARME_FAKE_PORT=8990):
        assert seed_demo_gateway("alpha") is False
    account.refresh_from_db()
    assert account.base_url == "http://127.0.0.1:8990"
    assert GatewayAccount.objects.count() == 1
