"""Development and demo: the local servers, readable errors."""

from pathlib import Path

from saas import queues

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, env, env_bool

DEBUG = env_bool("DEBUG", True)
PUBLIC_SCHEME = env("PUBLIC_SCHEME", "http")  # the demo has no TLS; rundemo sets PUBLIC_PORT

# Serve static files straight from the apps in development (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Two demos on one machine (README): a demo is named by its DEMO_PORT, and what it would otherwise
# share with another demo gets that name unless set explicitly: the database (manancial_8600), the
# fake gateway's port (DEMO_PORT + 390), the queues on the broker, the cache keys on Redis, the
# media folder, and the session and CSRF cookies (a browser keeps cookies per host, not per port:
# querencia.localhost:8000 and :8600 would sign each other out). The default demo, on 8000, keeps
# the plain names. infra/local/devenv.py names the database the same way.
DEMO_PORT = int(env("DEMO_PORT") or "8000")
DEMO_SUFFIX = "" if DEMO_PORT == 8000 else f"_{DEMO_PORT}"
if DEMO_SUFFIX and not env("DATABASE_URL"):
    DATABASES["default"]["NAME"] = f"manancial{DEMO_SUFFIX}"
PAGARME_FAKE_PORT = int(env("PAGARME_FAKE_PORT", str(DEMO_PORT + 390)))
CELERY_QUEUE_PREFIX = env("CELERY_QUEUE", f"manancial{DEMO_SUFFIX}")
CELERY_TASK_ROUTES = queues.task_routes(CELERY_QUEUE_PREFIX)
CELERY_TASK_DEFAULT_QUEUE = queues.queue_name(CELERY_QUEUE_PREFIX, queues.INTERACTIVE)
if "KEY_PREFIX" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", f"manancial{DEMO_SUFFIX}")
if DEMO_SUFFIX:
    MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / f"demo-{DEMO_PORT}" / "media")))
SESSION_COOKIE_NAME = f"sessionid{DEMO_SUFFIX}"
CSRF_COOKIE_NAME = f"csrftoken{DEMO_SUFFIX}"
# the demo's credit bureau: the local fake (manage.py fake_bureau, started by rundemo)
BUREAU_FAKE_PORT = int(env("BUREAU_FAKE_PORT", str(DEMO_PORT + 391)))
BUREAU_API_URL = env("BUREAU_API_URL", f"http://127.0.0.1:{BUREAU_FAKE_PORT}")
BUREAU_API_TOKEN = env("BUREAU_API_TOKEN", "bureau-test-token")
