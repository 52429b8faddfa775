"""Service beyond the property: what closing an order of a code does to the connection or the meter
(cut and reconnection levels, meter actions, sewer availability), the cuts with their level and
reconnection, an order's dependencies and opinions (parecer), paying bodies with their centralised
units and invoices, and the sewer-installation release letters with their deadline and fine."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .domain.cuts import EFFECT_LABELS, LEVEL_LABELS, CutLevel, Effect

__all__ = [
    "CentralizedInvoice",
    "CodeEffect",
    "CutRecord",
    "OrderDependency",
    "OrderOpinion",
    "PayingBody",
    "PayingBodyMember",
    "SewerReleaseLetter",
]


class CodeEffect(models.Model):
    """A code whose executed closing acts on the field: cuts or reconnects at a level, installs,
    swaps or removes the meter, or attests sewer availability (a release letter follows)."""

    code = models.OneToOneField(
        "service.ServiceCode", on_delete=models.CASCADE, related_name="effect", verbose_name="código"
    )
    effect = models.CharField("efeito no encerramento", max_length=24, choices=list(EFFECT_LABELS.items()))

    class Meta:
        verbose_name = "efeito do código de serviço"

    def __str__(self) -> str:
        return f"{self.code_id}: {EFFECT_LABELS[Effect(self.effect)]}"


class CutRecord(models.Model):
    """A cut of a connection at its level, by the order that executed it; the reconnection order of
    the same level closes it (reconnected_on). One open cut per connection."""

    class Phase(models.TextChoices):
        CUT = "cut", "Cortada"
        RECONNECTION_ORDERED = "reconnection_ordered", "Religação emitida"
        RECONNECTED = "reconnected", "Religada"

    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, related_name="cut_records", verbose_name="imóvel"
    )
    connection = models.ForeignKey(
        "registry.ServiceConnection", on_delete=models.PROTECT, related_name="cut_records"
    )
    level = models.CharField("nível", max_length=12, choices=list(LEVEL_LABELS.items()))
    phase = models.CharField("fase", max_length=24, choices=Phase.choices, default=Phase.CUT)
    cut_order = models.ForeignKey(
        "service.ServiceOrder",
        on_delete=models.PROTECT,
        related_name="cut_records",
        verbose_name="OS de corte",
    )
    cut_on = models.DateField("cortada em")
    reconnection_order = models.ForeignKey(
        "service.ServiceOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reconnected_cuts",
        verbose_name="OS de religação",
    )
    reconnected_on = models.DateField("religada em", null=True, blank=True)

    class Meta:
        ordering = ["-cut_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(reconnected_on__isnull=True),
                name="one_open_cut_per_connection",
            )
        ]

    def __str__(self) -> str:
        return f"{LEVEL_LABELS[CutLevel(self.level)]} em {self.cut_on:%d/%m/%Y}"


class OrderDependency(models.Model):
    """Desdobramento com dependência (3.2.13.11.5): `order` runs only after `depends_on` is executed."""

    order = models.ForeignKey("service.ServiceOrder", on_delete=models.CASCADE, related_name="dependencies")
    depends_on = models.ForeignKey(
        "service.ServiceOrder", on_delete=models.PROTECT, related_name="dependents"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "depends_on"], name="order_dependency_once")]

    def __str__(self) -> str:
        return f"{self.order_id} depende de {self.depends_on_id}"


class OrderOpinion(models.Model):
    """Parecer: the opinion given when an order is cancelled or closed."""

    order = models.ForeignKey("service.ServiceOrder", on_delete=models.CASCADE, related_name="opinions")
    action = models.CharField(max_length=20)
    text = models.TextField("parecer")
    actor = models.CharField(max_length=150)
    at = models.DateTimeField()

    class Meta:
        ordering = ["order_id", "at", "id"]

    def __str__(self) -> str:
        return f"parecer ({self.action}) em {self.at:%d/%m/%Y}"


class PayingBody(models.Model):
    """Órgão centralizador / pagador: pays in one document the bills of the properties under it."""

    code = models.PositiveIntegerField("código", unique=True)
    name = models.CharField("nome", max_length=200)
    name_search = models.CharField(max_length=200, editable=False, default="")
    cnpj = models.CharField("CNPJ", max_length=14, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("telefone", max_length=20, blank=True)
    address = models.CharField("endereço", max_length=200, blank=True)
    due_day = models.PositiveSmallIntegerField(
        "dia de vencimento", default=10, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    is_active = models.BooleanField("ativo", default=True)
    # h-bill, seed 001 3.2.7.10 / S4.4-05 (ADR 0221): the rates the body withholds on its grouped
    # invoice; only a body with a CNPJ may have one (services.units_bodies refuses otherwise)
    federal_retention_percent = models.DecimalField(
        "retenção federal (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    municipal_retention_percent = models.DecimalField(
        "retenção municipal (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "órgão pagador"
        verbose_name_plural = "órgãos pagadores"

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class PayingBodyMember(models.Model):
    """A property centralised under a body from `start` (until `end`); one open membership each."""

    body = models.ForeignKey(PayingBody, on_delete=models.PROTECT, related_name="members")
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="paying_bodies")
    start = models.DateField("desde")
    end = models.DateField("até", null=True, blank=True)

    class Meta:
        ordering = ["body_id", "property_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["property"], condition=Q(end__isnull=True), name="property_one_open_paying_body"
            )
        ]

    def __str__(self) -> str:
        return f"imóvel {self.property_id} no órgão {self.body_id}"


class CentralizedInvoice(models.Model):
    """A body's invoice of a reference month: one payable document whose lines are the members'
    bills (which stay individual); a due-date change replaces the document."""

    class Status(models.TextChoices):
        OPEN = "open", "Em aberto"
        PAID = "paid", "Paga"
        CANCELLED = "cancelled", "Cancelada"

    body = models.ForeignKey(PayingBody, on_delete=models.PROTECT, related_name="invoices")
    reference = models.DateField("referência", help_text="primeiro dia do mês")
    document = models.ForeignKey(
        "collection.PaymentDocument", on_delete=models.PROTECT, related_name="+", verbose_name="documento"
    )
    due_date = models.DateField("vencimento")
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    # h-bill (ADR 0221): the members' bills summed, and what the body withholds; the document is the net
    gross = models.DecimalField("valor bruto", max_digits=12, decimal_places=2, default=Decimal("0.00"))
    federal_retention = models.DecimalField(
        "retenção federal", max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    municipal_retention = models.DecimalField(
        "retenção municipal", max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    retention_base = models.DecimalField(
        "base da retenção", max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    federal_rate = models.DecimalField("alíquota federal (%)", max_digits=5, decimal_places=2, null=True)
    municipal_rate = models.DecimalField("alíquota municipal (%)", max_digits=5, decimal_places=2, null=True)

    class Meta:
        ordering = ["-reference", "body_id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "reference"], name="centralized_invoice_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.reference:%m/%Y}"


class SewerReleaseLetter(models.Model):
    """Carta de liberação de instalação de esgoto (3.2.11.32): after an order attests that the sewer
    network is available, the commercial unit must connect by the deadline; past it, unconnected, a
    notification is recorded and the fine goes to the property's next bill."""

    class Status(models.TextChoices):
        OPEN = "open", "No prazo"
        CONNECTED = "connected", "Ligação executada"
        FINED = "fined", "Prazo vencido: multa lançada"
        CANCELLED = "cancelled", "Cancelada"

    number = models.PositiveIntegerField("número", unique=True)
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, related_name="sewer_letters", verbose_name="imóvel"
    )
    order = models.ForeignKey(
        "service.ServiceOrder", on_delete=models.PROTECT, related_name="sewer_letters", verbose_name="OS"
    )
    issued_on = models.DateField("emitida em")
    deadline = models.DateField("prazo para ligar")
    fine = models.DecimalField(
        "multa (R$)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    status = models.CharField("situação", max_length=10, choices=Status.choices, default=Status.OPEN)
    notified_at = models.DateTimeField("notificada em", null=True, blank=True)
    charge = models.OneToOneField(
        "service.PendingCharge", on_delete=models.PROTECT, null=True, blank=True, related_name="sewer_letter"
    )
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-number"]
        verbose_name = "carta de liberação de esgoto"

    def __str__(self) -> str:
        return f"Carta {self.number}"
