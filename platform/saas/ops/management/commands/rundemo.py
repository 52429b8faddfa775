"""Serve the platform on DEMO_PORT (8000) with a Celery worker per queue, beat and the fake Pagar.me
beside it; Ctrl-C stops all. Everything it writes (metrics, the gunicorn control socket, beat's
schedule) lives under var/demo-<port>/, so two demos of one checkout never share a file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from saas import queues

# Two cores on the demo machine: two processes for what people wait for, one for batches.
WORKER_POOLS = {
    queues.INTERACTIVE: ["--concurrency=2"],
    queues.PROBES: ["--pool=threads", "--concurrency=4"],
    queues.BATCH: ["--concurrency=1"],
}


def _worker_env(number: int) -> dict[str, str]:
    """A worker's environment: with CELERY_METRICS_PORT set, each of the three workers serves its
    metrics on a port of its own (the port, +1, +2), or the second and third could not bind it."""
    env = dict(os.environ)
    if settings.CELERY_METRICS_PORT:
        env["CELERY_METRICS_PORT"] = str(settings.CELERY_METRICS_PORT + number)
    return env


class Command(BaseCommand):
    help = "Sobe a plataforma (gunicorn na porta DEMO_PORT, 8000) com worker e beat do Celery."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=getattr(settings, "DEMO_PORT", 8000))

    def handle(self, *args: Any, **opts: Any) -> None:
        demo_port = getattr(settings, "DEMO_PORT", 8000)
        if opts["port"] != demo_port:
            # the port names the demo's database, queues, cache keys and fake gateway (settings/dev.py):
            # a --port alone would serve this demo's data on another's queues
            raise CommandError(
                f"Use DEMO_PORT={opts['port']} em vez de --port {opts['port']} (DEMO_PORT={demo_port})."
            )
        children: list[subprocess.Popen[bytes]] = []
        run_dir = settings.BASE_DIR / "var" / f"demo-{opts['port']}"
        # gunicorn runs several processes: prometheus-client adds their samples up through this folder,
        # which must start empty
        metrics_dir = run_dir / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        # the children import `saas` from the platform/ source root, like manage.py does
        paths = [
            str(settings.BASE_DIR / "platform"),
            str(settings.BASE_DIR),
            os.environ.get("PYTHONPATH", ""),
        ]
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
        celery = [sys.executable, "-m", "celery", "-A", "saas"]
        # the probes must reach this demo's own gunicorn, whatever its port
        os.environ.setdefault("PROBE_BASE_URL", f"http://127.0.0.1:{opts['port']}")
        # the certificate's printed link and QR code must open on this demo's port
        os.environ.setdefault("PUBLIC_PORT", str(opts["port"]))
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            # one pool per class of work (saas/queues.py), so PDF batches never hold up a provisioning
            # or a probe; the probes wait on HTTP, so threads
            for number, (work_class, pool) in enumerate(WORKER_POOLS.items()):
                children.append(
                    subprocess.Popen(
                        [
                            *celery,
                            "worker",
                            "--loglevel=INFO",
                            "-Q",
                            queues.queue_name(settings.CELERY_QUEUE_PREFIX, work_class),
                            "-n",
                            # a node name per demo: two demos' workers on one broker are not duplicates
                            f"{work_class}-{settings.CELERY_QUEUE_PREFIX}@%h",
                            *pool,
                        ],
                        env=_worker_env(number),
                    )
                )
            children.append(
                subprocess.Popen(
                    [
                        *celery,
                        "beat",
                        "--loglevel=INFO",
                        "--schedule",
                        str(run_dir / "celerybeat-schedule"),
                    ]
                )
            )
        else:
            self.stdout.write("Tarefas em processo (sem RabbitMQ): sem worker nem beat.")
        if settings.PAGARME_FAKE:  # the demo's payment gateway (ADR 0035)
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        str(settings.BASE_DIR / "manage.py"),
                        "fake_pagarme",
                        "--port",
                        str(settings.PAGARME_FAKE_PORT),
                        "--web-port",
                        str(opts["port"]),
                    ]
                )
            )
        if getattr(settings, "BUREAU_FAKE_PORT", None):  # the demo's credit bureau (ADR 0196)
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        str(settings.BASE_DIR / "manage.py"),
                        "fake_bureau",
                        "--port",
                        str(settings.BUREAU_FAKE_PORT),
                    ]
                )
            )
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "saas.wsgi:application",
                # loopback only, and a control socket of this checkout's own: the default
                # (~/.gunicorn/gunicorn.ctl) is one socket shared by every demo on the machine
                "--bind",
                f"127.0.0.1:{opts['port']}",
                "--control-socket",
                str(run_dir / "gunicorn.ctl"),
                "--logger-class",
                "saas.gunicorn_logging.SecretMaskingLogger",
                "--workers",
                "3",
                "--pythonpath",
                f"{settings.BASE_DIR / 'platform'},{settings.BASE_DIR}",
                "--access-logfile",
                "-",
            ]
        )
        children.append(web)
        self.stdout.write(
            f"Manancial em http://localhost:{opts['port']}/ops/ · "
            + " · ".join(
                f"http://{s}.{settings.BASE_DOMAIN}:{opts['port']}/" for s in ("querencia", "sorocaba")
            )
        )

        def stop(*_: Any) -> None:
            for child in children:
                child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                child.wait(timeout=20)
