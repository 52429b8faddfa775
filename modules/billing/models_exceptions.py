"""Billing exceptions of a property (exceções de faturamento, seed 002 §4.7; ADR 0220): one kind with
its parameter in a window of reference months, with the reason and who set it. The billing run reads
those in force in the month (services.pricing) and the pure pricing applies them
(domain.exceptions); two of the same family never overlap (services.billing_exceptions)."""

from __future__ import annotations

from django.db import models

from .domain.exceptions import EXCEPTION_LABELS, SERVICE_TYPE_LABELS, ExceptionKind


class BillingExceptionRow(models.Model):
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, related_name="billing_exceptions"
    )
    kind = models.CharField(
        "tipo",
        max_length=16,
        choices=[(k.value, EXCEPTION_LABELS[k]) for k in ExceptionKind if k != "exempt"],
    )
    volume_m3 = models.PositiveIntegerField("volume limite (m³)", null=True, blank=True)
    percent = models.DecimalField(
        "percentual de esgoto", max_digits=6, decimal_places=2, null=True, blank=True
    )
    day = models.PositiveSmallIntegerField("dia de vencimento", null=True, blank=True)
    service_type = models.CharField(
        "tipo de faturamento",
        max_length=32,
        blank=True,
        default="",
        choices=[(k.value, v) for k, v in SERVICE_TYPE_LABELS.items()],
    )
    valid_from = models.DateField("a partir da referência", help_text="first day of the first month")
    valid_until = models.DateField(
        "até a referência", null=True, blank=True, help_text="first day of the last month; none: open"
    )
    reason = models.TextField("motivo")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "exceção de faturamento"
        ordering = ["property_id", "kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="billing_exception_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} do imóvel {self.property_id}"
