"""Bills and their items (rubricas): the record every later module settles, negotiates or prints.

A bill belongs to one property and one reference month; at most one bill per property and month is
alive (not cancelled) — the database enforces it, so a re-run can never issue a second one. Cancel
and rebill keeps the history (`replaces`).
"""

from __future__ import annotations

from django.db import models


class BillStatus(models.TextChoices):
    DRAFT = "draft", "Em crítica"
    RELEASED = "released", "Emitida"
    PAID = "paid", "Paga"
    CANCELLED = "cancelled", "Cancelada"


class ItemKind(models.TextChoices):
    WATER = "water", "Água"
    SEWER = "sewer", "Esgoto"
    FIXED = "fixed", "Tarifa fixa"
    SERVICE = "service", "Serviço"
    INSTALLMENT = "installment", "Parcela de acordo"
    CREDIT = "credit", "Crédito"
    LATE_CHARGE = "late_charge", "Acréscimos por impontualidade"
    ADJUSTMENT = "adjustment", "Ajuste"


class Bill(models.Model):
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="bills")
    reference = models.DateField("referência", help_text="first day of the reference month")
    due_date = models.DateField("vencimento")
    status = models.CharField(
        max_length=12, choices=BillStatus.choices, default=BillStatus.DRAFT, db_index=True
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    consumption_m3 = models.IntegerField("consumo faturado (m³)", null=True, blank=True)
    barcode = models.CharField(max_length=44, blank=True, db_index=True)
    typeable_line = models.CharField(max_length=48, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reference", "property_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "reference"],
                condition=~models.Q(status="cancelled"),
                name="bill_one_alive_per_property_month",
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="bill_total_not_negative"),
        ]
        indexes = [models.Index(fields=["property", "status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.property_id} {self.reference:%m/%Y} R$ {self.total}"


class BillItem(models.Model):
    """One line of a bill. Items that come from another module name their source row, so the same
    installment, credit or late charge can never be billed twice (see hooks.py)."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=12, choices=ItemKind.choices)
    description = models.CharField(max_length=200)
    category = models.CharField(max_length=20, blank=True)
    band = models.CharField(max_length=40, blank=True)
    quantity_m3 = models.IntegerField(null=True, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=40, blank=True, help_text="e.g. debt.installment")
    source_id = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["bill_id", "position", "id"]
        indexes = [models.Index(fields=["source", "source_id"])]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"
