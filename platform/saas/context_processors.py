from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from modules.common.clock import current_tenant

from .navigation import menu_for


def branding(request: HttpRequest) -> dict[str, Any]:
    tenant = current_tenant()
    is_public = tenant is None
    user = getattr(request, "user", None)
    return {
        "tenant": None if is_public else tenant,
        "is_ops": is_public,
        "brand_name": "Manancial · Operações" if is_public else tenant.name,
        "brand_primary": "#0B3D5C" if is_public else tenant.primary_color,
        "brand_secondary": "#082B40" if is_public else tenant.secondary_color,
        "menu": menu_for(user)
        if user is not None and getattr(user, "is_authenticated", False) and not is_public
        else [],
        "base_domain": settings.BASE_DOMAIN,
    }
