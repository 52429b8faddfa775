"""Tests: the real PostgreSQL, Redis and RabbitMQ on loopback; nothing mocked."""

import os

from saas import queues

from .base import *  # noqa: F403
from .base import DATABASES, env

# Each xdist worker (and each parallel checkout) gets its own test database.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", "test_manancial")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
# One set of queues per test database and xdist worker, so parallel checkouts never take each
# other's tasks.
CELERY_QUEUE_PREFIX = env(
    "CELERY_QUEUE",
    f"manancial-{DATABASES['default']['TEST']['NAME']}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",
)
CELERY_TASK_ROUTES = queues.task_routes(CELERY_QUEUE_PREFIX)
CELERY_TASK_DEFAULT_QUEUE = queues.queue_name(CELERY_QUEUE_PREFIX, queues.INTERACTIVE)
TENANT_HOST_CACHE_SECONDS = 5
LOG_FORMAT = "json"
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / str(os.getpid())  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Sign-in limits are tested on their own (tests/access/test_throttling.py) with low limits.
SIGN_IN_ADDRESS_LIMIT = SIGN_IN_ACCOUNT_LIMIT = 100_000
# The public certificate verification page is throttled per IP; its own test lowers the limit.
CERTIFICATE_VERIFY_LIMIT = 10_000
# Seconds a billing chunk sleeps per bill inside its transaction, so a test can kill its worker
# half-way (tests/billing/test_run_sweep_worker.py); test settings only, zero unless asked.
BILLING_CHUNK_TEST_DELAY_SECONDS = float(env("BILLING_CHUNK_TEST_DELAY_SECONDS", "0"))
