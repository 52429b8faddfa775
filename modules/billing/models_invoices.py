"""The second copy's fee (TR S10.12-01): the amount in force from a date (effective-dated, audited),
and each fee charged for a 2ª via printed by staff, put on the property's next bill (a billing item
source) unless waived by a profile that may waive it."""

from __future__ import annotations

from django.db import models


class SecondCopyFeeVersion(models.Model):
    valid_from = models.DateField("vigência a partir de", unique=True)
    amount = models.DecimalField("taxa de 2ª via (R$)", max_digits=8, decimal_places=2)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="second_copy_fee_not_negative")
        ]

    def __str__(self) -> str:
        return f"2ª via R$ {self.amount} desde {self.valid_from:%d/%m/%Y}"


class SecondCopyCharge(models.Model):
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="second_copies")
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    waived = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"2ª via da fatura {self.bill_id}"
