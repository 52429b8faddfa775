"""URLs of a utility's host: staff app, staff API, the citizens' agency (/agencia/) and totem (/totem/).

The agency is included by name: the control plane never imports `portal` (import-linter contract).
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from modules.access import api_urls as access_api
from modules.access.permissions import IsAuthenticatedAndCurrent
from modules.billing import api_urls as billing_api
from modules.collection import api_urls as collection_api
from modules.collection.gateway_apis import pagarme_webhook
from modules.configuration import api_urls as configuration_api
from modules.debt import api_urls as debt_api
from modules.debt import views as debt_views
from modules.metering import api_urls as metering_api
from modules.notifications import api_urls as notifications_api
from modules.privacy import api_urls as privacy_api
from modules.reading import api_urls as reading_api
from modules.registry import api_urls as registry_api
from modules.reports import api_urls as reports_api
from modules.service import api_urls as service_api
from modules.service import channels_urls
from saas.sla import tenant_api_urls as sla_api
from saas.sla import views_tenant as sla_views

from . import health, metrics
from .favicon import favicon
from .staff import settings_hub
from .staff import views as staff_views


def staff_endpoints_only(endpoints: list[tuple[str, ...]], **_: object) -> list[tuple[str, ...]]:
    """The staff schema leaves out the citizen API, which has its own (/agencia/api/v1/schema/)."""
    return [e for e in endpoints if not e[0].startswith("/agencia/")]


api_v1 = [
    *access_api.urlpatterns,
    *sla_api.urlpatterns,
    *registry_api.urlpatterns,
    *metering_api.urlpatterns,
    *reading_api.urlpatterns,
    *billing_api.urlpatterns,
    *collection_api.urlpatterns,
    *debt_api.urlpatterns,
    *service_api.urlpatterns,
    *configuration_api.urlpatterns,
    *notifications_api.urlpatterns,
    *privacy_api.urlpatterns,
    *reports_api.urlpatterns,
    # the staff API's map is for the utility's staff only (a token or a session); the citizen API's
    # schema stays public, as the agency guide publishes it for the utility's app developers
    path(
        "schema/",
        SpectacularAPIView.as_view(
            urlconf="saas.urls_tenant",
            custom_settings={"PREPROCESSING_HOOKS": ["saas.urls_tenant.staff_endpoints_only"]},
            permission_classes=[IsAuthenticatedAndCurrent],
        ),
        name="api-schema",
    ),
    path(
        "docs/",
        SpectacularRedocView.as_view(url_name="api-schema", permission_classes=[IsAuthenticatedAndCurrent]),
        name="api-docs",
    ),
]

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("", staff_views.home, name="home"),
    path("conta/", include("modules.access.urls")),
    path("status", sla_views.status_page, name="status"),
    path("status/probe", sla_views.probe, name="status-probe"),
    path("chamados/", include("saas.sla.urls_tenant")),
    path("cadastro/importar/", include("modules.legacy.urls")),
    path("cadastro/", include("modules.registry.urls")),
    path("hidrometria/", include("modules.metering.urls")),
    path("leitura/", include("modules.reading.urls")),
    path("faturamento/", include("modules.billing.urls")),
    path("arrecadacao/", include("modules.collection.urls")),
    path("cobranca/", include("modules.debt.urls")),
    path("servicos/", include("modules.service.urls")),
    path("configuracoes/", settings_hub.hub_view, name="settings_hub"),
    path("configuracoes/documento/", include("modules.configuration.urls")),
    path("certidoes/verificar/", debt_views.verify_view, name="certificate-verify"),
    path("webhooks/pagarme/<str:token>", pagarme_webhook, name="pagarme-webhook"),
    path("api/v1/", include(api_v1)),
    path("", include("portal.urls")),
    path("senhas/", include((channels_urls.tickets_patterns, "tickets"), namespace="tickets")),
    path("atendimento/cti/", include((channels_urls.cti_patterns, "cti"), namespace="cti")),
    path("campo/", include("modules.service.field_urls")),
    path("avisos/", include((channels_urls.news_patterns, "news"), namespace="news")),
    path("notificacoes/", include("modules.notifications.urls")),
    path("relatorios/", include("modules.reports.urls")),
]

# branded pt-BR error pages carrying the request id (saas/errors.py)
handler403 = "saas.errors.forbidden"
handler404 = "saas.errors.not_found"
handler500 = "saas.errors.server_error"
