"""Payment exceptions (issue #18, ADR 0236): the credit or debit a payment leaves for the property's
next bill (a duplicate, a difference, a payment of a cancelled bill), and the transfer of a payment
from one property's bill to another's with its trail. The monthly closing of collection
(`CollectionClosing`, ADR 0237) freezes a month's figures."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from modules.common.models import NamedByKind
from modules.common.typed import TextChoices


class PaymentAdjustment(NamedByKind):
    """A credit (the payer paid more, twice, or for a cancelled bill) or a debit (paid less) that the
    property's next bill carries as its own line (billing's item source `collection.adjustment`)."""

    class Kind(TextChoices):
        CREDIT = "credit", "Crédito na próxima fatura"
        DEBIT = "debit", "Débito na próxima fatura"

    class Cause(TextChoices):
        DUPLICATE = "duplicate", "Pagamento em duplicidade"
        DIFFERENCE = "difference", "Diferença de valor"
        CANCELLED = "cancelled", "Pagamento de documento cancelado"
        TRANSFER = "transfer", "Diferença na transferência entre imóveis"
        UNKNOWN = "unknown", "Pagamento não identificado"

    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey("collection.Payment", on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    cause = models.CharField(max_length=10, choices=Cause.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    description = models.CharField(max_length=200)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_adjustment_positive")]


class PaymentTransfer(NamedByKind):
    """A payment moved from one bill to another (3.2.8.11): the first reopens, the second is settled."""

    payment = models.ForeignKey("collection.Payment", on_delete=models.PROTECT, related_name="transfers")
    from_bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="+")
    to_bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="+")
    from_property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    to_property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class CollectionClosing(NamedByKind):
    """The monthly closing of collection (3.2.8.12, ADR 0237): scheduled for a date and time staff
    choose, run once, then frozen. `figures` is the snapshot (by agent, channel and day; bills billed,
    collected and outstanding by situation; bank credits reconciled with the files; corrections of
    months closed before); `digest` is its SHA-256, so any later change would show."""

    class Status(TextChoices):
        SCHEDULED = "scheduled", "Agendado"
        CLOSED = "closed", "Fechado"

    month = models.DateField("mês", unique=True, help_text="first day of the month")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_for = models.DateTimeField("executar em")
    closed_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict)
    digest = models.CharField(max_length=64, blank=True)
    billed = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    collected = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    outstanding = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    payments_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    bank_difference = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    corrections_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    requested_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
