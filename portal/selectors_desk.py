"""The agency's stable links (VA-01) for the settings screen; the protocol desk's reads moved to
modules/service/selectors_desk.py (ADR 0181)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from modules.common.clock import current_tenant


def agency_links(request: Any) -> dict[str, str]:
    """The links a utility puts on its own website (VA-01): on its primary domain, with the scheme
    this request came by; they do not change when settings do."""
    tenant = current_tenant()
    host = (tenant.primary_domain if tenant else "") or request.get_host()
    port = request.get_port()
    if ":" not in host and port not in ("80", "443"):
        host = f"{host}:{port}"
    base = f"{request.scheme}://{host}"
    return {
        "agency": base + reverse("agencia:sign_in"),
        "totem": base + reverse("totem:sign_in"),
        "problem": base + reverse("agencia:problem_report"),
        "tariffs": base + reverse("agencia:tariffs"),
        "bill_simulator": base + reverse("agencia:bill_simulator"),
    }
