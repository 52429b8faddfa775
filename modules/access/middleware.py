"""Staff web sessions: idle timeout and the forced password change before anything else."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import PasswordPolicy
from .services.passwords import password_change_required

EXEMPT_PREFIXES = (
    "/static/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/",
    "/ops/api/",
    "/agencia/",
    "/totem/",
    "/status",
)


class StaffSessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            now = time.time()
            idle_limit = PasswordPolicy.current().idle_timeout_minutes * 60
            last = request.session.get("last_activity", now)
            if now - last > idle_limit:
                logout(request)
                messages.info(request, "Sua sessão expirou por inatividade. Entre novamente.")
                return redirect(reverse("access:login") + f"?next={request.path}")
            request.session["last_activity"] = now
            change_url = reverse("access:password_change")
            if password_change_required(user) and request.path not in (change_url, reverse("access:logout")):
                return redirect(change_url)
        return self.get_response(request)
