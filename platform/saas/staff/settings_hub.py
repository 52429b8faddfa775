"""The settings hub (/configuracoes/): every settings screen of the staff menu's "Configurações"
section the user may open, with what each one configures. Drawn from the menu table
(saas.navigation), so a module's new settings screen appears here when it adds its menu entry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render

from ..navigation import settings_items_for


@login_required
def hub_view(request: HttpRequest) -> HttpResponse:
    items = settings_items_for(request.user)
    if not items:  # gated by the functions of the screens it lists: none granted, nothing to show
        return HttpResponseForbidden(render(request, "access/forbidden.html").content)
    return render(request, "staff/settings_hub.html", {"items": items})
