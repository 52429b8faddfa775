from __future__ import annotations

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .models import User
from .services.tokens import token_resolve


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`; the token is looked up in the current schema only."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, str] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0] != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Cabeçalho Authorization inválido.")
        user = token_resolve(parts[1])
        if user is None:
            raise exceptions.AuthenticationFailed("Token inválido ou expirado.")
        return user, parts[1]

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
