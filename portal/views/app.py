"""The agency as an installable app (issue 23, ADR 0206): the utility's web manifest (its name,
colours and icons), the service worker that keeps the app shell and the bills the citizen already
opened for when the phone is offline, the offline page, and the brand icons as PNG.

Each utility answers on its own host, so its service worker, caches and manifest belong to its own
origin: nothing a browser keeps for one utility is ever offered on another's host. Inside one
origin the worker keeps what *this* citizen viewed and drops it when anyone signs in or out
(static/portal/js/sw.js), so the next person on a shared phone never sees it."""

from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET
from PIL import Image, ImageDraw, ImageFont

from modules.common.clock import current_tenant

from .. import domain
from .base import render_page

SW_SOURCE = Path(__file__).resolve().parents[1] / "static" / "portal" / "js" / "sw.js"
ICON_SIZES = (192, 512)
FONT = Path(__file__).resolve().parents[1] / "static" / "portal" / "vendor" / "fonts"


def shell_urls() -> list[str]:
    """What the worker keeps on install: the offline page and the files every page loads."""
    return [
        reverse("agencia:offline"),
        static("portal/vendor/fonts/raleway.css"),
        static("portal/vendor/govbr-ds/core.min.css"),
        static("portal/css/agency.css"),
        static("portal/js/agency.js"),
        reverse("agencia:app_icon", args=[192]),
    ]


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    tenant = current_tenant()
    brand = domain.brand_colours(tenant.primary_color, tenant.secondary_color)
    icons = [
        {"src": reverse("agencia:app_icon", args=[size]), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in ICON_SIZES
    ]
    icons.append(
        {
            "src": reverse("agencia:app_icon", args=[512]),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        }
    )
    body = {
        "id": reverse("agencia:sign_in"),
        "name": f"{tenant.name} – Agência virtual",
        "short_name": tenant.name[:12],
        "description": f"Contas, pagamentos e pedidos da {tenant.name}, também sem internet.",
        "lang": "pt-BR",
        "start_url": reverse("agencia:sign_in"),
        "scope": reverse("agencia:sign_in"),
        "display": "standalone",
        "theme_color": brand.primary,
        "background_color": "#FFFFFF",
        "icons": icons,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


@lru_cache(maxsize=1)
def _sw_source(mtime: float) -> str:
    return SW_SOURCE.read_text(encoding="utf-8")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served under /agencia/ so its scope is the agency (not /static/); the shell list carries the
    static files' current URLs, so a deploy changes the script and the browser installs it again."""
    source = _sw_source(SW_SOURCE.stat().st_mtime)
    shell = json.dumps(shell_urls())
    version = hashlib.sha256((shell + source).encode()).hexdigest()[:12]
    body = f"const SHELL = {shell};\nconst VERSION = {json.dumps(version)};\n{source}"
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("agencia:sign_in")
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page it cannot reach: the bills this citizen already opened on
    this device (listed by agency.js from the worker's cache) and how to get back."""
    return render_page(request, "portal/offline.html", {})


@require_GET
def app_icon(request: HttpRequest, size: int) -> HttpResponse:
    """The utility's icon for the home screen: its initials on its primary colour (a PNG, which
    every launcher accepts; the SVG logo stays the favicon)."""
    if size not in ICON_SIZES:
        raise Http404
    tenant = current_tenant()
    png = _icon_png(tenant.name, tenant.primary_color, domain.text_colour_on(tenant.primary_color), size)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha() and len(w) > 2]
    return "".join(w[0] for w in words[:2]).upper() or name[:2].upper()


@lru_cache(maxsize=64)
def _icon_png(name: str, colour: str, text_colour: str, size: int) -> bytes:
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font_path = FONT / "raleway-latin-600-normal.woff2"
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype(str(font_path), size // 3)
    except OSError:  # a FreeType without WOFF2 support
        font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size / 2), initials(name), fill=text_colour, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
