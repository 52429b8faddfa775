"""Request context and the cached host -> tenant lookup."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from modules.common.context import RequestContext, bind_request_context, reset_request_context
from modules.common.http import client_ip

WORKSTATION_HEADER = "X-Manancial-Workstation"
_WORKSTATION = re.compile(r"[A-Za-z0-9:._-]{1,64}")


def workstation_id(request: HttpRequest) -> str:
    """The workstation id a local agent at the counter sends (a browser cannot read the MAC address):
    at most 64 characters of [A-Za-z0-9:._-]; anything else is ignored (ADR 0187, S10.8-03)."""
    value = request.headers.get(WORKSTATION_HEADER, "").strip()
    return value if _WORKSTATION.fullmatch(value) else ""


class RequestContextMiddleware:
    """Binds who/where of the request for audit rows and log lines."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        token = bind_request_context(
            RequestContext(
                request_id=request_id,
                ip=client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:300],
                workstation=workstation_id(request),
            )
        )
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(token)
        response["X-Request-Id"] = request_id
        return response


class _HostCache:
    """Per-process host -> tenant cache with a short time to live.

    The stock middleware queries the domain table on every request; this keeps the answer for
    TENANT_HOST_CACHE_SECONDS. A change to a tenant or domain clears this process's cache at once
    (signals below); other processes see it within the TTL.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, host: str) -> Any | None:
        entry = self._entries.get(host)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, host: str, tenant: Any) -> None:
        ttl = getattr(settings, "TENANT_HOST_CACHE_SECONDS", 5)
        if ttl <= 0:  # caching off: every request asks the database, as the stock middleware does
            return
        with self._lock:
            self._entries[host] = (time.monotonic() + ttl, tenant)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


host_cache = _HostCache()


def _invalidate(**_: Any) -> None:
    host_cache.clear()


class CachedTenantMiddleware(TenantMainMiddleware):
    def get_tenant(self, domain_model: Any, hostname: str) -> Any:
        hostname = hostname.lower()  # DNS names are case-insensitive; domains are stored lower-case
        tenant = host_cache.get(hostname)
        if tenant is None:
            tenant = super().get_tenant(domain_model, hostname)
            # Only a final answer is kept: a utility still provisioning becomes active in another
            # process (the worker), whose save clears no cache here, so a kept "not active" would
            # answer 503 for up to the TTL after it went live.
            if tenant.schema_name == get_public_schema_name() or tenant.is_active:
                host_cache.put(hostname, tenant)
        return tenant

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        response = super().process_request(request)
        if response is not None:
            return response
        tenant = request.tenant  # type: ignore[attr-defined]
        # pages show instants in the utility's own time zone (the vendor console in Brasília time)
        timezone.activate(ZoneInfo(tenant.timezone or "America/Sao_Paulo"))
        if tenant.schema_name != get_public_schema_name() and not tenant.is_active:
            from django.shortcuts import render

            connection.set_schema_to_public()
            return render(request, "tenant_unavailable.html", {"tenant": tenant}, status=503)
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        timezone.deactivate()
        return response


def connect_cache_invalidation() -> None:
    from django_tenants.utils import get_tenant_domain_model, get_tenant_model

    for model in (get_tenant_model(), get_tenant_domain_model()):
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"host-cache-save-{model.__name__}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"host-cache-delete-{model.__name__}")
