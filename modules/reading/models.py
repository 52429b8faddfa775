"""Reading (leitura): the utility's municipal holidays, the monthly reading schedule of each billing
group, reading occurrences (anormalidades) and the readings themselves with the consumption they
determine.

A reading row is the month's fact for one property: the dial value (or none, with an occurrence),
and the consumption the domain rules drew from it (measured, average, minimum, fixed) with the
deviation flags. Flagged readings wait for review (`review = pending`) and reach the bill critique.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models

from .domain.consumption import (
    CONSUMPTION_KIND_LABELS,
    OCCURRENCE_ACTION_LABELS,
    ConsumptionKind,
    OccurrenceAction,
    consumption_kind_label,
    flag_labels,
)


class Holiday(models.Model):
    """A municipal holiday (national and state ones come from the `holidays` package)."""

    date = models.DateField("data", unique=True)
    name = models.CharField("nome", max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = "feriado municipal"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class ScheduleSettings(models.Model):
    """One row per billing group: the nominal reading day, the margin around it and the days that
    lead from the reading to the batch, the billing and the due date (S12.1-02, BR-35). Edited by
    staff (services.schedule_settings_update, audited); months already generated keep their dates."""

    group = models.OneToOneField(
        "registry.BillingGroup", on_delete=models.CASCADE, related_name="schedule_settings"
    )
    nominal_day = models.PositiveSmallIntegerField("dia nominal de leitura", default=5)
    margin_days = models.PositiveSmallIntegerField("margem (dias)", default=2)
    route_business_days = models.PositiveSmallIntegerField("dias úteis por rota", default=1)
    due_calendar_days = models.PositiveSmallIntegerField("dias até o vencimento", default=10)
    batch_lead_business_days = models.PositiveSmallIntegerField(
        "dias úteis entre a geração da carga e a leitura", default=1
    )
    billing_lag_business_days = models.PositiveSmallIntegerField(
        "dias úteis entre a última leitura e o faturamento", default=1
    )

    class Meta:
        verbose_name = "configuração do cronograma"

    def __str__(self) -> str:
        return f"grupo {self.group_id} dia {self.nominal_day}"


class ReadingSchedule(models.Model):
    """A group's reading window in a reference month, with the billing, automatic-debit and due dates
    derived from it (S12.1-01): the direct-debit remittance asks the bank to debit the month's bills on
    `debit_date` (generated on the due date; moved by hand between the billing and the due date)."""

    group = models.ForeignKey("registry.BillingGroup", on_delete=models.CASCADE, related_name="schedules")
    reference = models.DateField("referência", help_text="first day of the reference month")
    reading_start = models.DateField("início da leitura")
    reading_end = models.DateField("fim da leitura")
    billing_date = models.DateField("faturamento")
    due_date = models.DateField("vencimento")
    debit_date = models.DateField("débito automático")
    # a manual adjustment (S12.1-02 "pequenos ajustes"): who, when and why; the audit row keeps the dates
    adjusted_by = models.CharField("ajustado por", max_length=150, blank=True)
    adjusted_at = models.DateTimeField("ajustado em", null=True, blank=True)
    adjustment_reason = models.CharField("motivo do ajuste", max_length=300, blank=True)

    class Meta:
        ordering = ["reference", "group__code"]
        constraints = [
            models.UniqueConstraint(fields=["group", "reference"], name="reading_schedule_group_month")
        ]

    def __str__(self) -> str:
        return f"grupo {self.group_id} {self.reference:%m/%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.debit_date is None:  # unless told otherwise, the bank debits on the due date
            self.debit_date = self.due_date
        super().save(*args, **kwargs)


class Occurrence(models.Model):
    """Reading occurrence (anormalidade de leitura) and what it tells the consumption rules (S12.8-02)."""

    code = models.CharField("código", max_length=10, unique=True)
    description = models.CharField("descrição", max_length=120)
    action = models.CharField(
        "ação",
        max_length=10,
        choices=[(a.value, OCCURRENCE_ACTION_LABELS[a]) for a in OccurrenceAction],
        default="normal",
    )
    review = models.BooleanField("enviar para análise", default=False)
    photo_required = models.BooleanField("foto obrigatória", default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "ocorrência de leitura"

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class ReviewStatus(models.TextChoices):
    NONE = "", "—"
    PENDING = "pending", "Em análise"
    ACCEPTED = "accepted", "Aceita"


class Reading(models.Model):
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="readings")
    reference = models.DateField("referência")
    read_on = models.DateField("data da leitura")
    previous_value = models.PositiveIntegerField("leitura anterior", null=True, blank=True)
    value = models.PositiveIntegerField("leitura", null=True, blank=True)
    occurrence = models.ForeignKey(Occurrence, on_delete=models.PROTECT, null=True, blank=True)
    installation = models.ForeignKey(
        "metering.Installation", on_delete=models.PROTECT, null=True, blank=True, related_name="readings"
    )
    consumption_kind = models.CharField(
        max_length=10,
        choices=[(k.value, CONSUMPTION_KIND_LABELS[k]) for k in ConsumptionKind],
        default="measured",
    )
    consumption_m3 = models.PositiveIntegerField("consumo (m³)")
    average_m3 = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    flags = ArrayField(models.CharField(max_length=12), default=list, blank=True)
    review = models.CharField(max_length=10, choices=ReviewStatus.choices, blank=True, default="")
    source = models.CharField(max_length=10, default="api")  # api, file, staff, seed, device, amr
    actor = models.CharField(max_length=150)
    # from the field (S12.4-02): the device, the instant on its clock and where
    device_code = models.CharField("aparelho", max_length=64, blank=True, default="")
    read_at = models.DateTimeField("lida em (aparelho)", null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reference", "property_id"]
        constraints = [
            models.UniqueConstraint(fields=["property", "reference"], name="reading_one_per_property_month")
        ]
        indexes = [models.Index(fields=["reference", "review"])]

    def __str__(self) -> str:
        return f"{self.property_id} {self.reference:%m/%Y}: {self.consumption_m3} m³"

    # plain methods (templates call them): `property` is a field's name on this model
    def flag_labels(self) -> list[str]:
        return flag_labels(self.flags)

    def consumption_kind_label(self) -> str:
        return consumption_kind_label(self.consumption_kind)


class ReadingRevision(models.Model):
    """A reading as it stood before a correction (S12.8: the collector's reading is evidence and is
    never lost). Revision 1 is what the field brought; the current value lives in `Reading`."""

    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    reference = models.DateField("referência")
    revision = models.PositiveSmallIntegerField("revisão")
    read_on = models.DateField("data da leitura")
    value = models.PositiveIntegerField("leitura", null=True, blank=True)
    occurrence_code = models.CharField("ocorrência", max_length=10, blank=True)
    consumption_kind = models.CharField(
        max_length=10, choices=[(k.value, CONSUMPTION_KIND_LABELS[k]) for k in ConsumptionKind]
    )
    consumption_m3 = models.PositiveIntegerField("consumo (m³)")
    flags = ArrayField(models.CharField(max_length=12), default=list, blank=True)
    source = models.CharField("origem", max_length=10)
    recorded_by = models.CharField("registrada por", max_length=150)
    recorded_at = models.DateTimeField("registrada em")
    replaced_by = models.CharField("corrigida por", max_length=150)
    replaced_at = models.DateTimeField("corrigida em", auto_now_add=True)
    reason = models.TextField("motivo da correção", blank=True)

    class Meta:
        ordering = ["property_id", "reference", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "reference", "revision"], name="reading_revision_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.property_id} {self.reference:%m/%Y} rev. {self.revision}: {self.value}"


from .models_batches import *  # noqa: E402,F403
from .models_reader import *  # noqa: E402,F403
