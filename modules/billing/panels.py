"""Billing's section of the 360° property page (registry.panels): the condominium's master and
dependent meters (S14.8-01), the tariff exemptions (3.2.13.10.13) and the sewer-billing notice
(3.2.13.10.7). The forms post to billing's views, which check the functions."""

from __future__ import annotations

from typing import Any

from .domain.exceptions import SERVICE_TYPE_LABELS
from .domain.pricing import EXEMPTIBLE_KINDS, ITEM_KIND_LABELS
from .services.billing_exceptions import KINDS, exceptions_of, parameter_text
from .services.condo import dependents_of, master_of
from .services.exemptions import exemptions_of


def property_panel(prop: Any) -> tuple[str, dict[str, Any]]:
    return (
        "billing/_property_panel.html",
        {
            "master": master_of(prop.pk),
            "dependents": dependents_of(prop.pk),
            "exemptions": exemptions_of(prop.pk),
            "components": [(k.value, ITEM_KIND_LABELS[k]) for k in EXEMPTIBLE_KINDS],
            "has_sewer": any(c.kind == "sewer" for c in prop.connections.all()),
            # h-bill: billing exceptions (S4.7, ADR 0220), each with its parameter as people read it
            "billing_exceptions": [(e, parameter_text(e)) for e in exceptions_of(prop.pk)],
            "exception_kinds": [(k.value, label) for k, label in _kind_labels()],
            "service_types": [(k.value, label) for k, label in SERVICE_TYPE_LABELS.items()],
        },
    )


def _kind_labels() -> list[tuple[Any, str]]:
    from .domain.exceptions import EXCEPTION_LABELS

    return [(k, EXCEPTION_LABELS[k]) for k in KINDS]
