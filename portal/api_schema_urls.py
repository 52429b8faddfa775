"""The URLconf the citizen OpenAPI schema is generated from: the citizen API alone, at its real prefix."""

from django.urls import include, path

from . import api_urls

urlpatterns = [path("agencia/api/v1/", include(api_urls.urlpatterns))]
