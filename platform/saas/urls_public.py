"""URLs of the base domain: the vendor's ops console and ops API, health and metrics."""

from django.urls import include, path
from django.views.generic import RedirectView

from . import health, metrics
from .favicon import favicon
from .ops import views as ops_views

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("", RedirectView.as_view(url="/ops/", permanent=False)),
    path("ops/conta/", include("modules.access.urls")),
    path("ops/", ops_views.home, name="home"),
    path("ops/", include("saas.ops.urls")),
    path("ops/api/v1/", include("saas.ops.api_urls")),
]

# branded pt-BR error pages carrying the request id (saas/errors.py)
handler403 = "saas.errors.forbidden"
handler404 = "saas.errors.not_found"
handler500 = "saas.errors.server_error"
