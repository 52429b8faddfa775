from django.urls import path

from . import apis

urlpatterns = [
    path("privacy/subjects/<str:document>", apis.SubjectReportApi.as_view(), name="api-privacy-subject"),
    path(
        "privacy/subjects/<str:document>/anonymise",
        apis.SubjectAnonymiseApi.as_view(),
        name="api-privacy-subject-anonymise",
    ),
]
