"""Serve the local fake credit bureau (fakes/bureau.py) on a port for the demo: the negativação
movements the demo's utilities send are answered there. Ctrl-C stops it."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from fakes.bureau import FakeBureau


class Command(BaseCommand):
    help = "Sobe o birô de crédito falso (SPC/Serasa local) para desenvolvimento e demonstração."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.BUREAU_FAKE_PORT)

    def handle(self, *args: Any, **opts: Any) -> None:
        fake = FakeBureau(opts["host"], opts["port"], token=settings.BUREAU_API_TOKEN or "bureau-test-token")
        fake.start()
        self.stdout.write(
            f"Birô de crédito falso em {fake.url} · negativados agora: GET {fake.url}/_fake/listed"
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()
