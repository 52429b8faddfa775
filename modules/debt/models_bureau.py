"""Credit bureau listing (negativação, seed 001 3.2.9.16–17): the utility's policy, the listings
staff commit, one record per property listed and the movement files exchanged with the bureau.

A record walks: notified (prior written notice, CDC art. 43 §2) → inclusion_sent → listed or
refused; once its bills are paid or negotiated → exclusion_pending (due within 5 business days, STJ
Súmula 548) → exclusion_sent → excluded. A record whose debt ends before it is sent is cancelled
(never listed); undoing a listing deletes records that were never sent.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class BureauPolicy(models.Model):
    """One row per utility (pk 1), changeable at any time; each listing keeps a copy of the values it
    ran with (`BureauListing.policy`), so what decided a listing is never lost."""

    min_overdue_count = models.PositiveSmallIntegerField(
        "mínimo de faturas ou parcelas vencidas", default=1, validators=[MinValueValidator(1)]
    )
    min_debt = models.DecimalField("débito mínimo", max_digits=10, decimal_places=2, default="50.00")
    min_days_overdue = models.PositiveSmallIntegerField(
        "mínimo de dias em atraso", default=30, validators=[MaxValueValidator(3650)]
    )
    group_ids = models.JSONField("grupos de faturamento", default=list, blank=True)
    neighbourhood_ids = models.JSONField("bairros", default=list, blank=True)
    localities = models.JSONField("localidades", default=list, blank=True)
    notice_days = models.PositiveSmallIntegerField(
        "prazo do aviso prévio (dias)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    exclusion_business_days = models.PositiveSmallIntegerField(
        "prazo para pedir a exclusão (dias úteis)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    class Meta:
        verbose_name = "política de negativação"

    def __str__(self) -> str:
        return "Política de negativação"

    @classmethod
    def current(cls) -> BureauPolicy:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class BureauListing(models.Model):
    class Status(models.TextChoices):
        COMMITTED = "committed", "Confirmado"
        UNDONE = "undone", "Desfeito"

    as_of = models.DateField("data da seleção")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMMITTED)
    policy = models.JSONField(help_text="the policy values the selection ran with")
    count = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"lote de negativação {self.pk}"


class BureauRecord(models.Model):
    class Status(models.TextChoices):
        NOTIFIED = "notified", "Aviso prévio enviado"
        INCLUSION_SENT = "inclusion_sent", "Inclusão enviada"
        LISTED = "listed", "Negativado"
        REFUSED = "refused", "Inclusão recusada"
        CANCELLED = "cancelled", "Cancelado antes do envio"
        EXCLUSION_PENDING = "exclusion_pending", "Exclusão a enviar"
        EXCLUSION_SENT = "exclusion_sent", "Exclusão enviada"
        EXCLUDED = "excluded", "Excluído"

    listing = models.ForeignKey(BureauListing, on_delete=models.PROTECT, related_name="records")
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOTIFIED)
    document = models.CharField(max_length=14)
    name = models.CharField(max_length=200)
    bill_ids = models.JSONField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    oldest_due = models.DateField()
    notified_on = models.DateField("aviso prévio em")
    listable_on = models.DateField("pode ser enviado a partir de")
    settled_on = models.DateField(null=True, blank=True)
    exclusion_due = models.DateField("exclusão até", null=True, blank=True)
    protocol = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # running the selection twice lists nobody twice: one open record per property
            models.UniqueConstraint(
                fields=["property"],
                condition=Q(
                    status__in=["notified", "inclusion_sent", "listed", "exclusion_pending", "exclusion_sent"]
                ),
                name="bureau_one_open_record_per_property",
            )
        ]

    def __str__(self) -> str:
        return f"negativação {self.pk} ({self.get_status_display()})"


class BureauMovement(models.Model):
    class Status(models.TextChoices):
        GENERATED = "generated", "Gerado (aguardando envio)"
        SENT = "sent", "Enviado"
        RETURNED = "returned", "Retorno processado"

    generated_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.GENERATED)
    content = models.TextField()
    bureau_id = models.CharField(max_length=60, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_content = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"movimento de negativação {self.pk}"


class BureauMovementLine(models.Model):
    class Kind(models.TextChoices):
        INCLUSION = "I", "Inclusão"
        EXCLUSION = "E", "Exclusão"

    class Result(models.TextChoices):
        WAITING = "", "Aguardando retorno"
        ACCEPTED = "A", "Aceita"
        REFUSED = "R", "Recusada"

    movement = models.ForeignKey(BureauMovement, on_delete=models.CASCADE, related_name="lines")
    record = models.ForeignKey(BureauRecord, on_delete=models.PROTECT, related_name="lines")
    line = models.PositiveIntegerField()
    kind = models.CharField(max_length=1, choices=Kind.choices)
    result = models.CharField(max_length=1, choices=Result.choices, blank=True, default="")
    protocol = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["movement", "line"]
        constraints = [models.UniqueConstraint(fields=["movement", "line"], name="bureau_line_once")]

    def __str__(self) -> str:
        return f"linha {self.line} do movimento {self.movement_id}"
