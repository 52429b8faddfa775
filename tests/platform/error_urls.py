"""The tenant URLs plus a view that fails, to see the 500 page a person gets (test_error_pages.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from saas import urls_tenant


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("falha de teste")


urlpatterns = [
    path("faturamento/boom/", boom),
    path("agencia/boom/", boom),
    path("api/v1/boom/", boom),
    *urls_tenant.urlpatterns,
]
handler403 = urls_tenant.handler403
handler404 = urls_tenant.handler404
handler500 = urls_tenant.handler500
