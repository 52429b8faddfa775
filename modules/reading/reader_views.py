"""The reader's phone app under /leitura/app/ (ADR 0227): the page, its service worker (scope
/leitura/app/) and its web app manifest; the app reads and syncs through the reading API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static

from modules.access.views import function_required
from modules.common.http import offline_service_worker

SHELL = [
    "common/offline_store.js",
    "reading/reader/app.js",
    "reading/reader/tariff.js",
    "reading/reader/escpos.js",
    "reading/reader/app.css",
    "reading/reader/icon.svg",
]


@function_required("reading.field")
def reader_app_view(request: HttpRequest) -> HttpResponse:
    # the administrator's panel (printer, wiping the phone's data) is for who manages the batches
    is_admin = bool(request.user.can("reading.batches", "change"))  # type: ignore[union-attr]
    return render(
        request,
        "reading/reader/app.html",
        {"user_name": request.user.get_username(), "is_admin": is_admin},
    )


def reader_service_worker_view(request: HttpRequest) -> HttpResponse:
    """Served from /leitura/app/ so its scope covers the app; no data of the utility in it."""
    return offline_service_worker(scope="/leitura/app/", cache="leitura-app-v1", shell=SHELL)


def reader_manifest_view(request: HttpRequest) -> HttpResponse:
    body = render_to_string(
        "reading/reader/manifest.webmanifest", {"icon": static("reading/reader/icon.svg")}
    )
    return HttpResponse(body, content_type="application/manifest+json; charset=utf-8")
