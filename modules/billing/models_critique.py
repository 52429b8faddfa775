"""The critique's rule set and the minimum invoice values (ADR 0226): rows the utility's billing
staff keep, read by every run (services.critique)."""

from __future__ import annotations

from django.db import models

from .domain.critique import RULE_KIND_LABELS


class CritiqueRule(models.Model):
    """A rule that holds a bill in critique (domain.critique): the kind says what the threshold is
    (R$, m³ or a percentage of the property's average); a category narrows it to one category."""

    name = models.CharField("nome", max_length=120)
    kind = models.CharField(
        "tipo", max_length=30, choices=[(k.value, v) for k, v in RULE_KIND_LABELS.items()]
    )
    threshold = models.DecimalField("limite", max_digits=12, decimal_places=2)
    category = models.ForeignKey(
        "registry.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField("ativa", default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "regra de crítica"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(threshold__gte=0), name="critique_rule_threshold")
        ]

    def __str__(self) -> str:
        return self.name


class InvoiceMinimum(models.Model):
    """One row per utility (pk 1): the least a bill must come to for it to be issued (seed 001
    3.2.7.12.3 for a bill issued on its own, 3.2.7.12.4 in the group's run); 0 = no minimum. A bill
    below it is not issued: what it would carry from other modules stays for the next bill."""

    single_bill = models.DecimalField(
        "valor mínimo da fatura avulsa (R$)", max_digits=10, decimal_places=2, default=0
    )
    run_bill = models.DecimalField(
        "valor mínimo da fatura no faturamento do grupo (R$)", max_digits=10, decimal_places=2, default=0
    )
    updated_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "valor mínimo de fatura"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="invoice_minimum_singleton"),
            models.CheckConstraint(
                condition=models.Q(single_bill__gte=0, run_bill__gte=0), name="invoice_minimum_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return "Valores mínimos de fatura"

    @classmethod
    def current(cls) -> InvoiceMinimum:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj  # type: ignore[no-any-return]  # Django is untyped here
