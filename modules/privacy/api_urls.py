from django.urls import path

from . import apis

urlpatterns = [
    path("privacy/subjects/<str:document>", apis.SubjectReportApi.as_view(), name="api-privacy-subject"),
    path(
        "privacy/subjects/<str:document>/anonymise",
        apis.SubjectAnonymiseApi.as_view(),
        name="api-privacy-subject-anonymise",
    ),
    path("fraud/findings", apis.FraudFindingsApi.as_view(), name="api-fraud-findings"),
    path("fraud/run", apis.FraudRunApi.as_view(), name="api-fraud-run"),
    path("fraud/findings/<int:pk>/close", apis.FraudFindingCloseApi.as_view(), name="api-fraud-close"),
]
