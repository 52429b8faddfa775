from django.urls import path

from . import apis

urlpatterns = [
    path("auth/token", apis.TokenCreateApi.as_view(), name="api-auth-token"),
    path("auth/password", apis.PasswordChangeApi.as_view(), name="api-auth-password"),
    path("auth/me", apis.MeApi.as_view(), name="api-auth-me"),
    path("users", apis.UserListCreateApi.as_view(), name="api-users"),
    path("users/activation", apis.UserActivationApi.as_view(), name="api-users-activation"),
    path("audit", apis.AuditSearchApi.as_view(), name="api-audit"),
    path("audit/verify", apis.AuditVerifyApi.as_view(), name="api-audit-verify"),
]
