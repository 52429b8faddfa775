from django.urls import path

from . import apis

urlpatterns = [
    path("readings", apis.ReadingCreateApi.as_view(), name="api-readings"),
    path("readings/file", apis.ReadingFileApi.as_view(), name="api-readings-file"),
]
