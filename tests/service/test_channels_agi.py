"""The example AGI script (infra/asterisk/manancial_agi.py) run as Asterisk runs it: AGI variables
on stdin, commands on stdout, against a real server of the app with committed rows. The caller of a
property in an outage area hears the outage prompts; the script signs its requests as
docs/cti-webhook.md says."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application
from django.utils import timezone

from modules.common.audit import SystemActor
from modules.common.tenancy import tenant_context
from tests.portal.test_browser import _QuietHandler, _ThreadingWSGIServer

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "infra" / "asterisk" / "manancial_agi.py"
SECRET = "segredo-agi"


@pytest.fixture(scope="module")
def server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from modules.service.models import ChannelSettings
    from modules.service.services import cti
    from saas.middleware import host_cache
    from tests.collection.test_concurrency import committed_in
    from tests.registry import factories as reg

    with django_db_blocker.unblock(), committed_in("alpha"):
        host_cache.clear()
        with tenant_context("alpha"):
            ChannelSettings.objects.update_or_create(pk=1, defaults={"cti_secret": SECRET})
            phone = f"119{random.randint(10_000_000, 99_999_999)}"
            holder = reg.customer(name="Cliente da URA", phone=phone)
            prop = reg.prop(holder=holder, lot=random.randint(2000, 9000), block=random.randint(100, 900))
            cti.outage_create(
                actor=SystemActor("testes"),
                description="Manutenção na rede",
                starts_at=timezone.now() - dt.timedelta(hours=1),
                street_ids=[prop.street_id],
            )
        httpd = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": httpd.server_port, "phone": "+55" + phone}
        finally:
            httpd.shutdown()
            httpd.server_close()
            with tenant_context("alpha"):
                ChannelSettings.objects.filter(pk=1).update(cti_secret="")


def run_agi(server: dict[str, Any], secret: str, *args: str) -> list[str]:
    stdin = f"agi_request: manancial_agi.py\nagi_callerid: {server['phone']}\n\n" + "200 result=0\n" * 20
    env = {
        "PATH": os.environ.get("PATH", ""),
        "MANANCIAL_URL": f"http://127.0.0.1:{server['port']}",
        "MANANCIAL_HOST": f"alpha.localhost:{server['port']}",
        "MANANCIAL_SECRET": secret,
        "TTS_APP": "Festival",
    }
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], input=stdin, capture_output=True, text=True, env=env, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_agi_script_plays_the_outage_of_the_callers_street(server: dict[str, Any]) -> None:
    commands = run_agi(server, SECRET, "outage")
    assert commands == [
        "STREAM FILE manancial/falta-de-agua-na-regiao #",
        'EXEC Festival "Manutenção na rede"',
    ]


def test_a_wrong_secret_plays_the_fallback(server: dict[str, Any]) -> None:
    assert run_agi(server, "outro", "outage") == ["STREAM FILE manancial/sistema-indisponivel #"]
