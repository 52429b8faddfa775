"""Django's session machinery loads the user through this backend; sign-in itself goes through
services.sign_in.auth_authenticate (lockout, access hours, second factor)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from .models import User


class PolicyBackend(BaseBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        from .errors import AuthFailed
        from .services.sign_in import auth_authenticate

        try:
            return auth_authenticate(
                username=username or "", password=password or "", otp=kwargs.get("otp", "")
            )
        except AuthFailed:
            return None

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.filter(pk=user_id, is_active=True).first()
        return user

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        function, _, action = perm.rpartition(".")
        return bool(getattr(user_obj, "can", None) and user_obj.can(function, action))
