"""3.2.14.10 (ADR 0224): the water-quality tables the utility publishes on its bills, open to anyone
on the agency and the totem, newest month first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from modules.billing import selectors as billing_selectors
from modules.common.clock import tenant_today

from .base import render_page
from .tariffs import _public

COLUMNS = ("Parâmetro", "Análises exigidas", "Análises realizadas", "Em conformidade", "Padrão")


@require_GET
def water_quality(request: HttpRequest) -> HttpResponse:
    _public(request)
    tables = billing_selectors.quality_tables_published(tenant_today())
    return render_page(
        request,
        "portal/services/water_quality.html",
        {"tables": tables, "columns": COLUMNS},
    )
