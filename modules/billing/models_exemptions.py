"""Tariff exemptions (isenções, seed 001 3.2.13.10.13): a property exempt from one bill component
(water, sewer, the fixed charges or service fees) during a window of reference months, with the
reason. The billing run prices the bill as usual and zeroes the exempt component's lines in the
months inside the window only; two windows of the same component never overlap."""

from __future__ import annotations

from django.db import models

from .domain.pricing import EXEMPTIBLE_KINDS, ITEM_KIND_LABELS


class TariffExemption(models.Model):
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="exemptions")
    component = models.CharField(
        "componente", max_length=12, choices=[(k.value, ITEM_KIND_LABELS[k]) for k in EXEMPTIBLE_KINDS]
    )
    valid_from = models.DateField("a partir da referência", help_text="first day of the first exempt month")
    valid_until = models.DateField(
        "até a referência", null=True, blank=True, help_text="first day of the last exempt month; none: open"
    )
    reason = models.TextField("motivo")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "isenção tarifária"
        ordering = ["property_id", "component", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="exemption_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"Isenção de {self.get_component_display()} do imóvel {self.property_id}"
