"""The lines of a guia avulsa (stand-alone slip, ADR 0228): what a document that is not a bill
charges — a service, a debt outside the bill, a loss charge — each with its amount and, when another
module raised it, its source row. The document (PaymentDocument, kind service_charge) carries the
barcode and the validity; its amount is the sum of its lines."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from modules.common.models import NamedByKind


class DocumentItem(NamedByKind):
    document = models.ForeignKey("collection.PaymentDocument", on_delete=models.CASCADE, related_name="items")
    description = models.CharField("descrição", max_length=200)
    amount = models.DecimalField("valor", max_digits=12, decimal_places=2)
    source = models.CharField(max_length=40, blank=True, help_text="e.g. service.loss_charge")
    source_id = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["document_id", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="document_item_positive")]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class CreditMove(NamedByKind):
    """A use of a credit (PaymentAdjustment of kind credit, ADR 0236 → 0228) other than carrying it
    to the next bill (its BillItem says that): refunded to the payer, or offset against open bills of
    the property, which it settles. The balance is the amount less these moves and the live bill
    items; a move larger than the balance is refused, naming the field."""

    class Kind(models.TextChoices):
        REFUND = "refund", "Devolvido ao pagador"
        OFFSET = "offset", "Compensado em faturas em aberto"

    credit = models.ForeignKey("collection.PaymentAdjustment", on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    bills = models.JSONField(default=list, blank=True)  # ids of the bills an offset settled
    reason = models.CharField(max_length=300)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["credit_id", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="credit_move_positive")]
