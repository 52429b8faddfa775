"""Loss charges (perdas, ADR 0228): the types (fraud, leak, broken seal) the utility keeps, the fine
table by type, degree and validity, the rule that opens inspection orders for units cut too long,
and the loss charge recorded when an inspection order closes with a loss found — with its photos,
police report and the fine posted to the property's next bill (a PendingCharge)."""

from __future__ import annotations

from django.db import models

from .domain.losses import DEGREE_LABELS, NATURE_LABELS

__all__ = ["LossCharge", "LossFine", "LossSettings", "LossType"]


class LossType(models.Model):
    code = models.CharField("código", max_length=10, unique=True)
    name = models.CharField("nome", max_length=120)
    nature = models.CharField(
        "natureza", max_length=12, choices=[(k.value, v) for k, v in NATURE_LABELS.items()]
    )
    active = models.BooleanField("ativo", default=True)

    class Meta:
        verbose_name = "tipo de perda"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


DEGREE_CHOICES = [(k.value, v) for k, v in DEGREE_LABELS.items()]


class LossFine(models.Model):
    """The fine of a (type, degree) from a date on: a new value is a new row, never an edit."""

    loss_type = models.ForeignKey(LossType, on_delete=models.PROTECT, related_name="fines")
    degree = models.CharField("grau", max_length=10, choices=DEGREE_CHOICES)
    valid_from = models.DateField("vigência a partir de")
    amount = models.DecimalField("multa (R$)", max_digits=12, decimal_places=2)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "multa por perda"
        ordering = ["loss_type_id", "degree", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["loss_type", "degree", "valid_from"], name="loss_fine_once_per_start"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="loss_fine_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.loss_type_id} {self.degree} {self.valid_from}"


class LossSettings(models.Model):
    """One row per utility (pk 1): after how many days a cut unit gets a fraud-inspection order
    (0: never), and the service code those orders are opened with."""

    long_cut_days = models.PositiveSmallIntegerField("dias de corte para inspeção", default=0)
    inspection_code = models.ForeignKey(
        "service.ServiceCode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "configuração de perdas"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="loss_settings_singleton")]

    def __str__(self) -> str:
        return "Configuração de perdas"

    @classmethod
    def current(cls) -> LossSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj  # type: ignore[no-any-return]  # Django is untyped here


class LossCharge(models.Model):
    """A loss found by an inspection order: its type and degree, the fine the table gave, the police
    report (boletim de ocorrência) and photos, and the charge that puts the fine on the next bill."""

    order = models.OneToOneField("service.ServiceOrder", on_delete=models.PROTECT, related_name="loss_charge")
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="loss_charges")
    loss_type = models.ForeignKey(LossType, on_delete=models.PROTECT, related_name="charges")
    degree = models.CharField("grau", max_length=10, choices=DEGREE_CHOICES)
    fine = models.DecimalField("multa (R$)", max_digits=12, decimal_places=2)
    fine_row = models.ForeignKey(LossFine, on_delete=models.PROTECT, related_name="+")
    police_report = models.CharField("boletim de ocorrência", max_length=40, blank=True)
    photos = models.ManyToManyField("service.FieldPhoto", related_name="+", blank=True)
    notes = models.TextField("observações", blank=True)
    charge = models.OneToOneField("service.PendingCharge", on_delete=models.PROTECT, related_name="+")
    found_on = models.DateField("constatada em")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "cobrança de perda"
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return f"Perda {self.pk} do imóvel {self.property_id}"
