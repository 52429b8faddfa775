"""Hydrometry (hidrometria): meters, their installations on water connections, movements, calibrations."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from modules.registry.models import ServiceConnection

from .domain import meters as rules


class MeteringPolicy(models.Model):
    """One row per utility: calibration validity (Inmetro: 5 years), the expiry alert lead time and
    how calibration photos are kept (S9.6-02: a size compatible with the repository). Edited by staff
    (services.metering_policy_update, audited)."""

    validity_years = models.PositiveSmallIntegerField("validade da aferição (anos)", default=5)
    alert_days = models.PositiveSmallIntegerField("antecedência do alerta (dias)", default=90)
    photo_max_px = models.PositiveSmallIntegerField("maior lado da foto guardada (pixels)", default=1600)
    photo_quality = models.PositiveSmallIntegerField("qualidade JPEG da foto guardada (%)", default=80)

    class Meta:
        verbose_name = "política de hidrometria"

    def __str__(self) -> str:
        return f"validade {self.validity_years} anos, alerta {self.alert_days} dias"

    @classmethod
    def current(cls) -> MeteringPolicy:
        policy = cls.objects.order_by("id").first()
        return policy or cls()


class Meter(models.Model):
    STATUS_CHOICES = list(rules.STATUSES.items())

    number = models.CharField("número", max_length=20, unique=True)
    manufacturer = models.CharField("fabricante", max_length=60)
    model = models.CharField("modelo", max_length=60, blank=True)
    capacity = models.DecimalField("vazão nominal/capacidade (m³/h)", max_digits=6, decimal_places=2)
    diameter_mm = models.PositiveSmallIntegerField("diâmetro (mm)")
    metrological_class = models.CharField(
        "classe metrológica", max_length=1, choices=[(c, c) for c in rules.METROLOGICAL_CLASSES]
    )
    manufacture_year = models.PositiveSmallIntegerField("ano de fabricação")
    dials = models.PositiveSmallIntegerField("ponteiros/dígitos", default=5)
    min_flow = models.DecimalField(
        "vazão mínima (m³/h)", max_digits=8, decimal_places=3, null=True, blank=True
    )
    max_flow = models.DecimalField(
        "vazão máxima (m³/h)", max_digits=8, decimal_places=3, null=True, blank=True
    )
    jet = models.CharField(
        "jato", max_length=6, blank=True, choices=[("single", "Unijato"), ("multi", "Multijato")]
    )
    mechanism = models.CharField(
        "transmissão",
        max_length=10,
        blank=True,
        choices=[("mechanical", "Mecânica"), ("magnetic", "Magnética")],
    )
    acquired_on = models.DateField("data de aquisição", null=True, blank=True)
    invoice_number = models.CharField("nota fiscal", max_length=30, blank=True)
    calibrated_on = models.DateField("última aferição", null=True, blank=True)
    status = models.CharField("situação", max_length=12, choices=STATUS_CHOICES, default=rules.STOCK)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_flow__isnull=True)
                | Q(max_flow__isnull=True)
                | Q(min_flow__lt=models.F("max_flow")),
                name="meter_min_below_max",
            )
        ]
        indexes = [models.Index(fields=["status", "calibrated_on"], name="meter_status_calibrated")]
        verbose_name = "hidrômetro"

    def __str__(self) -> str:
        return self.number


class Installation(models.Model):
    """A meter on a water connection from `installed_on` until `removed_on` (open while installed).

    Two partial unique indexes make "one active meter per connection" and "a meter on one connection
    at a time" hold even under concurrent requests.
    """

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="installations")
    connection = models.ForeignKey(ServiceConnection, on_delete=models.PROTECT, related_name="installations")
    installed_on = models.DateField("data de instalação")
    initial_reading = models.PositiveIntegerField("leitura de instalação")
    seal = models.CharField("lacre", max_length=30, blank=True)
    removed_on = models.DateField("data de retirada", null=True, blank=True)
    final_reading = models.PositiveIntegerField("leitura de retirada", null=True, blank=True)
    removal_reason = models.CharField("motivo da retirada", max_length=200, blank=True)
    removal_destination = models.CharField(max_length=12, blank=True)
    installed_by = models.CharField(max_length=150)
    removed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-installed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(removed_on__isnull=True),
                name="installation_one_per_connection",
            ),
            models.UniqueConstraint(
                fields=["meter"], condition=Q(removed_on__isnull=True), name="installation_one_per_meter"
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("installed_on")),
                name="installation_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} em {self.connection_id} desde {self.installed_on}"


class Movement(models.Model):
    """Every status change of a meter, in order (§3.2.3.3): the trail is never rewritten."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="movements")
    status_from = models.CharField(max_length=12, blank=True)
    status_to = models.CharField(max_length=12)
    on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    installation = models.ForeignKey(Installation, on_delete=models.SET_NULL, null=True, blank=True)
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.status_from} -> {self.status_to} em {self.on}"


class Calibration(models.Model):
    class Requester(models.TextChoices):
        UTILITY = "utility", "Concessionária"
        CITIZEN = "citizen", "Cidadão"

    class Result(models.TextChoices):
        APPROVED = "approved", "Aprovado"
        REJECTED = "rejected", "Reprovado"

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="calibrations")
    on = models.DateField("data da aferição")
    requester = models.CharField("solicitante", max_length=10, choices=Requester.choices)
    result = models.CharField("resultado", max_length=10, choices=Result.choices)
    error_qmin = models.DecimalField(
        "erro em Qmín (%)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    error_qt = models.DecimalField("erro em Qt (%)", max_digits=6, decimal_places=2, null=True, blank=True)
    error_qmax = models.DecimalField(
        "erro em Qmáx (%)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    laboratory = models.CharField("laboratório/empresa", max_length=120, blank=True)
    notes = models.TextField("observações", blank=True)
    actor = models.CharField(max_length=150)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"aferição {self.on} {self.result}"


class CalibrationPhoto(models.Model):
    calibration = models.ForeignKey(Calibration, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="metering/calibrations/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.image.name
