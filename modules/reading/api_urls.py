from django.urls import path

from . import apis

urlpatterns = [
    path("readings", apis.ReadingListApi.as_view(), name="api-readings"),
    path("readings/file", apis.ReadingFileApi.as_view(), name="api-readings-file"),
    path("readings/<int:pk>/review", apis.ReadingReviewApi.as_view(), name="api-reading-review"),
]
