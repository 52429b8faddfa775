"""What hydrometry adds to the registry: the meter-number search key and the meter panel of the 360° page."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from .domain.meters import normalize_meter_number
from .models import Installation
from .selectors import installation_history


def meter_number_key(query: str) -> QuerySet[Any] | None:
    code = normalize_meter_number(query)
    if len(code) < 4 or not re.search(r"\d", code) or not re.fullmatch(r"[A-Z0-9]+", code):
        return None
    return Installation.objects.filter(meter__number=code, removed_on__isnull=True).values_list(
        "connection__property_id"
    )


def meter_panel(prop: Any) -> tuple[str, dict[str, Any]]:
    rows = []
    for sc in prop.connections.all():
        if sc.kind == "water":
            rows.extend(installation_history(connection_id=sc.pk))
    active = next((r for r in rows if r.removed_on is None), None)
    return "metering/_property_panel.html", {"installations": rows, "active": active}
