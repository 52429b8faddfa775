"""Condominiums with individualized metering (seed 002 §14.8): each unit's property (dependent, with
its own meter) linked to the property of the condominium's main large-capacity meter (master). The
master's bill charges only the common area: its consumption less the dependents' (ADR 0190)."""

from __future__ import annotations

from django.db import models


class CondominiumDependent(models.Model):
    """One unit of an individualized condominium. A dependent has one master (the one-to-one); a
    master is never a dependent and a dependent never a master (services.condo refuses both)."""

    master = models.ForeignKey(
        "registry.Property",
        on_delete=models.PROTECT,
        related_name="condo_dependents",
        verbose_name="principal",
    )
    dependent = models.OneToOneField(
        "registry.Property", on_delete=models.PROTECT, related_name="condo_master", verbose_name="dependente"
    )
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "dependente de condomínio"
        ordering = ["master_id", "dependent_id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(master=models.F("dependent")), name="condo_dependent_not_its_own_master"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dependent_id} → {self.master_id}"
