from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from modules.access import apis as access_apis
from modules.access.permissions import IsAuthenticatedAndCurrent
from saas.sla import api_urls as sla_api

from . import apis

urlpatterns = [
    path("auth/token", access_apis.TokenCreateApi.as_view(), name="ops-api-auth-token"),
    path("auth/password", access_apis.PasswordChangeApi.as_view(), name="ops-api-auth-password"),
    path("tenants", apis.TenantListCreateApi.as_view(), name="ops-api-tenants"),
    path("tenants/<str:schema>", apis.TenantDetailApi.as_view(), name="ops-api-tenant"),
    path("tenants/<str:schema>/admins", apis.TenantAdminCreateApi.as_view(), name="ops-api-tenant-admins"),
    path("tenants/<str:schema>/retry", apis.TenantRetryApi.as_view(), name="ops-api-tenant-retry"),
    *sla_api.urlpatterns,
    path(
        "schema/",
        SpectacularAPIView.as_view(
            urlconf="saas.urls_public", permission_classes=[IsAuthenticatedAndCurrent]
        ),
        name="ops-api-schema",
    ),
]
