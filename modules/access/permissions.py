"""DRF permissions: signed in with a current password, and the function grants of the user's profiles."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from .errors import ErrorCode
from .services.passwords import password_change_required

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class IsAuthenticatedAndCurrent(permissions.BasePermission):
    message = "Autenticação necessária."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if password_change_required(user) and not getattr(view, "allowed_with_expired_password", False):
            self.message = "Troque a senha antes de continuar (POST /api/v1/auth/password)."
            self.code = ErrorCode.PASSWORD_CHANGE_REQUIRED
            return False
        return True


class HasFunction(IsAuthenticatedAndCurrent):
    """The view names its function (`function = "registry.customers"`); the HTTP method picks the
    access type, unless the view maps it (`function_actions = {"POST": "change"}`)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        action = getattr(view, "function_actions", {}).get(request.method) or METHOD_ACTIONS.get(
            request.method or "GET", "view"
        )
        if not request.user.can(view.function, action):
            self.message = "Seu perfil não permite esta operação."
            return False
        return True


class IsAdministrator(IsAuthenticatedAndCurrent):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        self.message = "Somente administradores podem realizar esta operação."
        return bool(request.user.is_admin)
