"""gunicorn settings for production; prometheus-client runs in multiprocess mode under it."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
accesslog = "-"
# the Pagar.me webhook's URL secret and basic-auth user never reach the access log (ADR 0012)
logger_class = "saas.gunicorn_logging.SecretMaskingLogger"
chdir = os.path.join(os.path.dirname(__file__), "..", "..")
pythonpath = "platform,."


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
