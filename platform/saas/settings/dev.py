"""Development and demo: the local servers, readable errors."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = env_bool("DEBUG", True)
PUBLIC_SCHEME = env("PUBLIC_SCHEME", "http")  # the demo has no TLS; rundemo sets PUBLIC_PORT

# Serve static files straight from the apps in development (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
