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
# Sign-in throttling is tested on its own (tests/access/test_throttling.py) with a low rate.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "100000/min"}}  # noqa: F405
# The public certificate verification page is throttled per IP; its own test lowers the limit.
CERTIFICATE_VERIFY_LIMIT = 10_000
