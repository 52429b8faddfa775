"""Who is on the other end of a request, and what of a request may be written down (ADR 0013).

`client_ip` is the one place that decides a client's address: sign-in limits, login records, audit
rows and log lines all use it. X-Forwarded-For is a header anyone can send, so it is believed only
when the peer that sent it (REMOTE_ADDR) is one of TRUSTED_PROXIES (the ingress controller), and
then only as far as the chain of trusted proxies goes: the right-most address that is not a
trusted proxy is the client. With TRUSTED_PROXIES empty (development) the header is ignored.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: faixa inválida ({exc}).") from exc


def trusted_networks() -> tuple[Network, ...]:
    raw: str | Iterable[str] = getattr(settings, "TRUSTED_PROXIES", ())
    items = raw.split(",") if isinstance(raw, str) else raw
    return _networks(tuple(c.strip() for c in items if c and c.strip()))


def _address(value: str) -> Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in n for n in networks)


def client_ip(request: Any) -> str:
    """The client's address: REMOTE_ADDR, or what trusted proxies forwarded for it. "" if unknown.

    Works on a Django HttpRequest and on a DRF Request (both have META)."""
    meta = request.META
    remote = str(meta.get("REMOTE_ADDR") or "")
    peer = _address(remote)
    networks = trusted_networks()
    if peer is None or not networks or not _trusted(peer, networks):
        return remote
    hop = peer
    for entry in reversed(str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")):
        forwarded = _address(entry)
        if forwarded is None:  # garbage left of the proxies: the last hop we could read is the answer
            break
        hop = forwarded
        if not _trusted(forwarded, networks):
            break
    return str(hop)


# --- secrets in request lines ----------------------------------------------------------------------

# The Pagar.me webhook authenticates by a secret in its path (ADR 0035): it must never reach a log.
SECRET_PATHS = re.compile(r"(/webhooks/pagarme/)[^/?#\s\"']+")
MASK = "***"


def mask_secrets(text: str) -> str:
    """`text` with every secret path segment replaced by ***."""
    return SECRET_PATHS.sub(rf"\g<1>{MASK}", text)


def has_secret_path(text: str) -> bool:
    return SECRET_PATHS.search(text) is not None


# Pages of the agency and of everything else share one strict Content-Security-Policy: scripts only
# from our static files, styles from them or an inline <style> carrying the request's nonce.
AGENCY_PREFIXES = ("/agencia/", "/totem/")


def csp_header(nonce: str, form_action: tuple[str, ...] = ()) -> str:
    """`form_action`: origins a form of the page may also end up at (the card operators' hosted
    checkout, where the agency answers the form with a redirect; browsers apply form-action to it)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            " ".join(("form-action 'self'", *form_action)),
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def public_url(host: str, path: str) -> str:
    """An absolute link to one of our pages, for what is read away from a request (a certificate's
    QR code and printed link): https on the default port in production; the demo serves http on its
    own port (PUBLIC_SCHEME, PUBLIC_PORT, which rundemo sets)."""
    scheme = getattr(settings, "PUBLIC_SCHEME", "https") or "https"
    port = str(getattr(settings, "PUBLIC_PORT", "") or "")
    return f"{scheme}://{host}{':' + port if port else ''}{path}"


def offline_service_worker(*, scope: str, cache: str, shell: Iterable[str]) -> HttpResponse:
    """The service worker of an offline app served from `scope` (the field app, the reader app), so its
    scope covers the app: it caches the app shell (the page, its manifest and `shell`, static paths) and
    nothing of the utility's data."""
    body = render_to_string(
        "common/offline_sw.js", {"scope": scope, "cache": cache, "shell": [static(p) for p in shell]}
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = "no-cache"
    return response
