"""Settings shared by every environment; each value comes from the environment with a safe default.

Only development defaults live here: production.py refuses to start without the secrets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from saas import queues

BASE_DIR = Path(__file__).resolve().parents[3]
PLATFORM_DIR = BASE_DIR / "platform"
for _path in (str(PLATFORM_DIR), str(BASE_DIR)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
# Keys of the secrets encrypted at rest (modules/common/fields.py, ADR 0012): comma-separated Fernet
# keys, the first encrypts. Empty: a key derived from SECRET_KEY (development and tests only).
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS")
DEBUG = env_bool("DEBUG", False)
BASE_DOMAIN = env("BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}"] + [h for h in env("EXTRA_ALLOWED_HOSTS").split(",") if h]
# Peers (CIDRs, comma-separated) whose X-Forwarded-For is believed: the ingress in production.
# Empty: the header is ignored and REMOTE_ADDR is the client (modules/common/http.py, ADR 0013).
TRUSTED_PROXIES = [c.strip() for c in env("TRUSTED_PROXIES").split(",") if c.strip()]

# --- Tenancy -------------------------------------------------------------------------------------
# Apps in both lists get tables in the public schema (vendor users, vendor audit) and in every
# tenant schema (the utility's staff users and audit): a Querência login cannot exist in Sorocaba.
SHARED_APPS = [
    # before django_tenants: its migrate_schemas skips tenants whose schema does not exist yet
    "tenants",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "modules.common",
    "modules.access",
    "saas.ops",
    "saas.sla",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "modules.common",
    "modules.access",
    "modules.registry",
    "modules.metering",
    "modules.legacy",
    "modules.reading",
    "modules.billing",
    "modules.collection",
    "modules.debt",
    "modules.service",
    "modules.configuration",
    "saas.staff",
    "portal",
    "modules.notifications",
    "modules.privacy",
    "modules.reports",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "saas.urls_public"
ROOT_URLCONF = "saas.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
TENANT_CREATION_FAKES_MIGRATIONS = False
# SET search_path once per tenant switch, not before every cursor (17 of a citizen page's 36 round
# trips were that SET). django-tenants forgets the value on set_tenant/set_schema, close, rollback
# and savepoint rollback, so a switch or an aborted transaction re-issues it (tests/tenancy/).
TENANT_LIMIT_SET_CALLS = True
# The shared schema that holds the database's extensions (pg_trgm), after the tenant's and public on
# every connection's search path (tenants/extensions.py; django-tenants refuses a tenant's name here).
PG_EXTRA_SEARCH_PATHS = ["extensions"]
# django-tenants checks that no tenant uses that name by querying the database when the apps load,
# which breaks `check`, `collectstatic` and image builds without a database; provisioning reserves
# the name instead (tenants.provisioning.RESERVED_SCHEMAS).
SKIP_PG_EXTRA_VALIDATION = True
# Host -> tenant lookups are cached per process (seconds a stale entry may live in another process
# after a change; the process that made the change drops its entry at once). See ADR 0003.
TENANT_HOST_CACHE_SECONDS = int(env("TENANT_HOST_CACHE_SECONDS", "5"))
# A tenant in a non-final provisioning state that has not moved for this long is retried by the beat
# sweep (tenants.healing), at most this many attempts in all; then it waits for the ops console.
PROVISIONING_STUCK_SECONDS = int(env("PROVISIONING_STUCK_SECONDS", "300"))
PROVISIONING_MAX_ATTEMPTS = int(env("PROVISIONING_MAX_ATTEMPTS", "5"))

DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DATABASE_URL = env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/manancial")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")))
_db["ENGINE"] = "django_tenants.postgresql_backend"
_db.setdefault("OPTIONS", {})
_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}

MIDDLEWARE = [
    "saas.middleware.RequestContextMiddleware",
    # Content-Security-Policy (nonce) on staff, ops and public pages; outside the tenant lookup so
    # its "em implantação" page gets one too
    "saas.security.StaffSecurityMiddleware",
    "saas.middleware.CachedTenantMiddleware",
    "modules.common.middleware.RejectNulInQueryMiddleware",
    "saas.metrics.PrometheusMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (nonce) on the citizens' pages, /agencia/ and /totem/
    "portal.security.AgencySecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "modules.access.middleware.StaffSessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "saas" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "saas.context_processors.branding",
            ],
        },
    },
]

WSGI_APPLICATION = "saas.wsgi.application"
ASGI_APPLICATION = "saas.asgi.application"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = ["modules.access.backends.PolicyBackend"]
LOGIN_URL = "access:login"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [PLATFORM_DIR / "saas" / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    # Every tenant's files live under its own schema folder (TenantFileSystemStorage).
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
if env_bool("MANANCIAL_NO_REDIS", False):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Every key carries the current schema, so tenants never share a cache entry.
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "manancial"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }

# --- Celery --------------------------------------------------------------------------------------
BROKER_URL = env("BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
CELERY_BROKER_URL = BROKER_URL
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# RabbitMQ drops an unacknowledged delivery after 30 minutes: every task stays well below it.
# A task that sets only `time_limit` still inherits this soft limit, and Celery refuses to publish a
# task whose soft limit is above its hard one: every task sets both (tests/platform/test_queues.py).
CELERY_TASK_SOFT_TIME_LIMIT = 20 * 60
CELERY_TASK_TIME_LIMIT = 25 * 60
# Queues by class of work (saas/queues.py routes every task); CELERY_QUEUE is the prefix of their
# names, so several checkouts or test databases on one broker never take each other's tasks.
CELERY_QUEUE_PREFIX = env("CELERY_QUEUE", "manancial")
CELERY_TASK_ROUTES = queues.task_routes(CELERY_QUEUE_PREFIX)
CELERY_TASK_DEFAULT_QUEUE = queues.queue_name(CELERY_QUEUE_PREFIX, queues.INTERACTIVE)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "tenant-dispatch-heartbeat": {
        "task": "modules.common.tasks.dispatch_heartbeat",
        "schedule": 300.0,
    },
    "tenants-provisioning-sweep": {
        "task": "tenants.provisioning_sweep",
        "schedule": float(env("PROVISIONING_SWEEP_SECONDS", "60")),
    },
    "sla-probe-tenants": {
        "task": "saas.sla.tasks.probe_tenants",
        "schedule": float(env("SLA_PROBE_INTERVAL_SECONDS", "60")),
        # a round older than its interval (at least 30 s) is no measurement any more: dropped, not run late
        "options": {"expires": max(30.0, float(env("SLA_PROBE_INTERVAL_SECONDS", "60")))},
    },
    # 09:00 UTC is early morning in every Brazilian time zone; each tenant reads its own date
    "debt-agreements-enforce": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": crontab(hour=9, minute=0),
        "args": ["modules.debt.tasks.agreements_enforce"],
    },
    # billing chunks whose worker died are handed out again; stuck runs summarised (ADR 0115)
    "billing-runs-sweep": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": float(env("BILLING_RUNS_SWEEP_SECONDS", "120")),
        "args": ["billing.runs_sweep"],
    },
    # installed meters whose calibration expires soon open their service order (abertura automática);
    # 05:30 UTC is past midnight in every Brazilian time zone, so each tenant's date is the new day
    "service-meters-expiring-open": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": crontab(hour=5, minute=30),
        "args": ["modules.service.tasks.meters_expiring_open"],
    },
    # hosted card checkouts past their deadline return their bills to open (VA-13)
    "collection-card-checkouts-expire": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": 300.0,
        "args": ["modules.collection.tasks.card_checkouts_expire"],
    },
    # the audit hash chain of each utility recomputed, and rows past its retention purged (ADR 0240)
    "common-audit-chain-check": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": crontab(hour=7, minute=0),
        "args": ["modules.common.tasks.audit_chain_check"],
    },
    "privacy-fraud-hunt": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": crontab(hour=7, minute=30),
        "args": ["modules.privacy.tasks.fraud_hunt"],
    },
    "common-audit-retention-purge": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": crontab(hour=6, minute=45),
        "args": ["modules.common.tasks.audit_retention_purge"],
    },
    # field positions older than the utility's retention days are deleted (personal data, ADR 0180)
    "service-field-positions-prune": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": crontab(hour=6, minute=15),
        "args": ["modules.service.tasks.field_positions_prune"],
    },
    # sewer release letters past their deadline without connection: notification and fine (3.2.11.32)
    "service-sewer-letters-sweep": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": crontab(hour=5, minute=45),
        "args": ["modules.service.tasks.sewer_letters_sweep"],
    },
    # the monthly closings of collection whose scheduled time has come (ADR 0237)
    "collection-closings-run": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": 600.0,
        "args": ["modules.collection.tasks.closings_run"],
    },
    # the agents' bank-file inbox folders, polled (ADR 0238; S13.3: the interval is a setting)
    "collection-bank-inbox-poll": {
        "task": "modules.common.tasks.dispatch_to_tenants",
        "schedule": float(env("BANK_INBOX_POLL_SECONDS", "900")),
        "args": ["modules.collection.tasks.bank_inbox_poll"],
    },
}
# A billing chunk claimed longer than this lost its worker: the sweep hands it out again, at most
# BILLING_CHUNK_MAX_SWEEPS times, then marks the run failed (ADR 0115). Far above the chunk task's
# 6-minute hard limit, so a live worker's claim never looks stale.
BILLING_CHUNK_STALE_SECONDS = int(env("BILLING_CHUNK_STALE_SECONDS", "600"))
BILLING_CHUNK_MAX_SWEEPS = int(env("BILLING_CHUNK_MAX_SWEEPS", "3"))
# keep Django's LOGGING (JSON lines with the schema) in workers instead of Celery's own format
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Where the probes reach every tenant's host (the ingress in production); see SLA.md.
SLA_PROBE_BASE_URL = env("PROBE_BASE_URL", "http://127.0.0.1:8000")
# Absolute links printed in documents (a certificate's verification link and QR): https on the
# default port in production; development and the demo serve http on their own port.
PUBLIC_SCHEME = env("PUBLIC_SCHEME", "https")
PUBLIC_PORT = env("PUBLIC_PORT", "")
SLA_PROBE_TIMEOUT_SECONDS = float(env("SLA_PROBE_TIMEOUT_SECONDS", "10"))
# One probe per tenant and interval (the beat entry above); the interval also cuts the slots that
# make a redelivered probe record nothing twice.
SLA_PROBE_INTERVAL_SECONDS = int(float(env("SLA_PROBE_INTERVAL_SECONDS", "60")))
CELERY_METRICS_PORT = int(env("CELERY_METRICS_PORT", "0"))

# --- REST ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "modules.access.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["modules.access.permissions.IsAuthenticatedAndCurrent"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "modules.common.api.exception_handler",
    # a JSON body is an object or a 400, never a list or a number reaching a view
    "DEFAULT_PARSER_CLASSES": [
        "modules.common.parsers.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "modules.common.api.PageNumberPagination",
    "PAGE_SIZE": 25,
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Manancial API",
    "DESCRIPTION": "API da equipe da concessionária (staff) do Manancial.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets that share a field name across modules get explicit component names.
    "ENUM_NAME_OVERRIDES": {
        "CustomerKindEnum": "modules.registry.models.Customer.Kind",
        "ConnectionKindEnum": "modules.registry.models.ServiceConnection.Kind",
        "UsagePlanKindEnum": "modules.registry.models.UsagePlan.Kind",
        "PropertyStatusEnum": "modules.registry.models.Property.Status",
        "MeterStatusEnum": "modules.metering.models.Meter.STATUS_CHOICES",
        "BillStatusEnum": "modules.billing.models.BILL_STATUS_CHOICES",
        "PricingMethodEnum": "modules.billing.domain.calculation.PricingMethod",
        "GatewayMethodEnum": "modules.collection.models.GatewayCharge.Method",
        "ServiceUnitEnum": "modules.service.models.UNITS",
        "DeadlineUnitEnum": "modules.service.models.DEADLINE_UNITS",
    },
}

# --- Observability -------------------------------------------------------------------------------
SENTRY_DSN = env("SENTRY_DSN")
METRICS_TOKEN = env("METRICS_TOKEN")
# Alertmanager authenticates its webhook with this bearer token (empty: the webhook refuses every call)
ALERTMANAGER_WEBHOOK_TOKEN = env("ALERTMANAGER_WEBHOOK_TOKEN")
LOG_FORMAT = env("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "tenant": {"()": "saas.logs.TenantContextFilter"},
        "secrets": {"()": "saas.logs.SecretMaskingFilter"},
    },
    "formatters": {
        "json": {"()": "saas.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(schema)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["tenant", "secrets"],
            "formatter": LOG_FORMAT if LOG_FORMAT in ("json", "text") else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "INFO"},
    },
}

# --- Sign-in limits (staff and ops, web and API; modules/access/limits.py) --------------------------
# Failed sign-ins allowed per client address and per account name in a window; past either, the
# form answers 429 until the window ends (the policy's lockout still applies on its own).
SIGN_IN_ADDRESS_LIMIT = int(env("SIGN_IN_ADDRESS_LIMIT", "20"))
SIGN_IN_ACCOUNT_LIMIT = int(env("SIGN_IN_ACCOUNT_LIMIT", "10"))
SIGN_IN_WINDOW_SECONDS = int(env("SIGN_IN_WINDOW_SECONDS", "300"))

# --- Virtual agency (portal) --------------------------------------------------------------------
# Sign-in attempts allowed per window: per client IP (every attempt) and per account (failures).
PORTAL_SIGN_IN_LIMIT = int(env("PORTAL_SIGN_IN_LIMIT", "10"))
PORTAL_SIGN_IN_WINDOW_SECONDS = int(env("PORTAL_SIGN_IN_WINDOW_SECONDS", "60"))
PORTAL_API_TOKEN_MINUTES = int(env("PORTAL_API_TOKEN_MINUTES", "30"))

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "nao-responda@manancial.localhost")

# Demo credentials exist only where seed_demo runs; production.py never seeds.
# Payments (ADR 0035): development and the demo talk to the local fake Pagar.me (`manage.py
# fake_pagarme`, started by rundemo beside gunicorn); production sets PAGARME_FAKE=0 and each utility
# keeps its own Pagar.me keys (GatewayAccount).
PAGARME_FAKE = env_bool("PAGARME_FAKE", True)
PAGARME_FAKE_PORT = int(env("PAGARME_FAKE_PORT", "8390"))
DEMO_PASSWORD = "manancial-demo"  # noqa: S105 - documented demo login, never seeded in production

# Service orders (3.2.11.10): the utility's inventory (almoxarifado) that reserves an opening's
# forecast material; empty: nothing is sent (the request row stays "a enviar"). fakes/inventory.py
# speaks the same interface in tests.
SERVICE_INVENTORY_URL = env("SERVICE_INVENTORY_URL", "")
# Contractors' monthly measurement (medição, 3.2.11.26.4): the previous month, on the 1st at 06:00 UTC.
CELERY_BEAT_SCHEDULE["service-measurements-monthly"] = {
    "task": "modules.common.tasks.dispatch_to_tenants",
    "schedule": crontab(day_of_month="1", hour=6, minute=0),
    "args": ["modules.service.tasks.measurements_monthly"],
}
# A quality inspection's result (service, h-orders) and a meter calibration's result share the field
# name "result": one enum name each.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] |= {
    "QualityResultEnum": "modules.service.models_orders.QualityInspection.Result",
    "CalibrationResultEnum": "modules.metering.models.Calibration.Result",
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] |= {
    "ClosingFieldKindEnum": ["text", "number", "choice", "yes_no"],
    "CampaignKindEnum": "modules.service.models_channels.Campaign.Kind",
}
# SMS (modules/common/sms.py): the provider's base URL and token; tests and the demo point them at
# the local fake (fakes/sms.py). Empty: SMS off.
SMS_API_URL = env("SMS_API_URL", "")
SMS_API_TOKEN = env("SMS_API_TOKEN", "")
# Rental contracts past their end are ended and the owner answers again (seed 002 S10.15-03); 05:15
# UTC is past midnight in every Brazilian time zone, so each tenant's date is the new day.
CELERY_BEAT_SCHEDULE["registry-rental-contracts-expire"] = {
    "task": "modules.common.tasks.dispatch_to_tenants",
    "schedule": crontab(hour=5, minute=15),
    "args": ["modules.registry.tasks.rental_contracts_expire"],
}
# fraud-inspection orders for units cut longer than the utility's days (h-docs, ADR 0228)
CELERY_BEAT_SCHEDULE["service-loss-inspections-open"] = {
    "task": "modules.common.tasks.dispatch_to_tenants",
    "schedule": crontab(hour=5, minute=40),
    "args": ["modules.service.tasks.loss_inspections_open"],
}

# Credit bureau (SPC/Serasa-like) gateway: modules/debt/bureau_provider.py; tests and the demo use
# fakes/bureau.py
BUREAU_API_URL = env("BUREAU_API_URL", "")
BUREAU_API_TOKEN = env("BUREAU_API_TOKEN", "")
CELERY_BEAT_SCHEDULE["debt-bureau-run"] = {
    "task": "modules.common.tasks.dispatch_to_tenants",
    "schedule": crontab(hour=6, minute=40),
    "args": ["modules.debt.tasks.bureau_run"],
}
# the collection ladder's daily steps (cut notices, cut orders): 10:00 UTC is morning in every
# Brazilian time zone, so the orders are out before the field teams leave; each tenant its own date
CELERY_BEAT_SCHEDULE["debt-ladder-daily"] = {
    "task": "modules.common.tasks.dispatch_to_tenants",
    "schedule": crontab(hour=10, minute=0),
    "args": ["modules.debt.tasks.ladder_daily"],
}

# The ticket totem (kiosk): a half-made choice resets after this many seconds idle (docs/agency-deployment.md)
KIOSK_IDLE_SECONDS = int(env("KIOSK_IDLE_SECONDS", "45"))
# The citizens' notices (ADR 0207): each tenant's recent facts, every few minutes.
CELERY_BEAT_SCHEDULE["notifications-scan"] = {
    "task": "modules.common.tasks.dispatch_to_tenants",
    "schedule": float(env("NOTIFICATIONS_SCAN_SECONDS", "300")),
    "args": ["notifications.scan"],
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] |= {
    "NewsKindEnum": "modules.service.models_news.News.Kind",
}
# readers' device positions older than the retention days are deleted (personal data, ADR 0231)
CELERY_BEAT_SCHEDULE["reading-device-positions-prune"] = {
    "task": "modules.common.tasks.dispatch_to_tenants",
    "schedule": crontab(hour=6, minute=20),
    "args": ["modules.reading.tasks.device_positions_prune"],
}
# The release the server runs (the image tag, set by the deployment): the totems' heartbeat carries
# it and a totem reloads itself when it changes, so the kiosks update with the server (3.2.15.14)
MANANCIAL_RELEASE = env("MANANCIAL_RELEASE", "dev")
# registered boletos (h-pay, ADR 0216)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] |= {
    "RegisteredBoletoStatusEnum": "modules.collection.models_boleto.RegisteredBoleto.Status",
    "PaymentStatusEnum": "modules.collection.models.Payment.Status",
}

# reports (h-reports, ADR 0233): the longest period any report may cover in one run, in days; a
# definition may allow less
REPORTS_MAX_PERIOD_DAYS = int(env("REPORTS_MAX_PERIOD_DAYS", "731"))
# h-bill (issue #17): the five service types and the usage plan's economia mode, one name each
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] |= {
    "ServiceTypeEnum": [
        "water",
        "water_sewer",
        "special_sewer",
        "water_special_sewer",
        "water_sewer_special_sewer",
    ],
    "DwellingUnitModeEnum": "modules.registry.models.UsagePlan.DwellingUnitMode",
}
