import os
import sys
from pathlib import Path

_platform = Path(__file__).resolve().parents[1]
for _p in (str(_platform), str(_platform.parent)):
    if _p not in sys.path:
        sys.path.insert(0, _p)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.dev")

from django.core.wsgi import get_wsgi_application  # noqa: E402

from saas.observability import init_sentry  # noqa: E402

init_sentry()
application = get_wsgi_application()
