import os
import sys
from pathlib import Path

_platform = Path(__file__).resolve().parents[1]
for _p in (str(_platform), str(_platform.parent)):
    if _p not in sys.path:
        sys.path.insert(0, _p)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.dev")

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
