"""Field work on a phone (3.2.12): the utility's field settings, crew badges, each code's own closing
form, the device events a sync applied (keyed by the id the device gave them, so a replayed batch
changes nothing), what a field closing captured beyond the order, photos, positions and the notices
left to customers.

Positions are personal data (LGPD, Lei 13.709/2018): they are kept for the utility's retention days
and pruned every night (tasks.field_positions_prune); only the back office's field monitor reads them.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .models import ServiceOrder, Team

__all__ = [
    "Badge",
    "FieldClosing",
    "FieldEvent",
    "FieldNotice",
    "FieldPhoto",
    "FieldSettings",
    "OrderCrew",
    "Position",
]


class FieldSettings(models.Model):
    """One row per utility (pk 1): how long positions are kept and how often the app syncs."""

    position_retention_days = models.PositiveSmallIntegerField(
        "dias de guarda das posições",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    sync_interval_seconds = models.PositiveIntegerField(
        "intervalo de envio automático (segundos)",
        default=300,
        validators=[MinValueValidator(30), MaxValueValidator(3600)],
    )
    stop_speed_kmh = models.DecimalField(
        "velocidade de parada (km/h)", max_digits=5, decimal_places=1, default=3
    )
    stop_min_seconds = models.PositiveIntegerField("parada mínima (segundos)", default=120)

    def __str__(self) -> str:
        return f"campo: posições por {self.position_retention_days} dias"


class Badge(models.Model):
    """Crachá: the code printed as a barcode or QR on a staff member's badge (3.2.12.12)."""

    code = models.CharField("código do crachá", max_length=40, unique=True)
    # DO_NOTHING for the same reason as TeamMember.user: the user table is also the vendor's
    user = models.ForeignKey(
        "access.User", on_delete=models.DO_NOTHING, related_name="+", verbose_name="usuário"
    )
    is_active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "crachá"

    def __str__(self) -> str:
        return self.code


class FieldEvent(models.Model):
    """A device event the server applied; its primary key is the id the device generated, so a
    replayed event is found and reported as already applied (3.2.12.11)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    device_id = models.CharField("aparelho", max_length=64)
    kind = models.CharField("tipo", max_length=12)
    order = models.ForeignKey(
        ServiceOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="field_events"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    username = models.CharField("usuário", max_length=150)
    at = models.DateTimeField("no aparelho em")
    received_at = models.DateTimeField("recebido em")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "received_at"]
        indexes = [models.Index(fields=["team", "at"], name="field_event_team_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class FieldClosing(models.Model):
    """What the phone captured at closing beyond the order itself (3.2.12.3): the vehicle, the
    distance and travel, the time without pauses. The answers to the code's own closing form are the
    order engine's (`OrderClosingData`, checked against `ClosingForm` by `order_close_in`)."""

    order = models.OneToOneField(ServiceOrder, on_delete=models.CASCADE, related_name="field_closing")
    event = models.OneToOneField(FieldEvent, on_delete=models.PROTECT, related_name="+")
    vehicle_plate = models.CharField("placa", max_length=7, blank=True)
    distance_km = models.DecimalField(
        "quilometragem percorrida", max_digits=8, decimal_places=1, null=True, blank=True
    )
    travel_minutes = models.PositiveIntegerField("tempo de deslocamento (min)", null=True, blank=True)
    execution_minutes = models.PositiveIntegerField("tempo de execução sem pausas (min)", null=True)
    destination = models.CharField("destino (não executada)", max_length=12, blank=True)
    followup = models.ForeignKey(
        ServiceOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"fechamento de campo da OS {self.order_id}"


class OrderCrew(models.Model):
    """Who executed the order, read from their badges (3.2.12.12)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="crew")
    user = models.ForeignKey("access.User", on_delete=models.DO_NOTHING, related_name="+")
    badge = models.CharField(max_length=40)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["order_id", "added_at"]
        constraints = [models.UniqueConstraint(fields=["order", "user"], name="order_crew_once")]

    def __str__(self) -> str:
        return f"{self.badge} na OS {self.order_id}"


class FieldPhoto(models.Model):
    """A photo taken in the field, with where and when, linked to the order and its property."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="photos")
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, null=True, related_name="field_photos"
    )
    event = models.OneToOneField(FieldEvent, on_delete=models.PROTECT, related_name="+")
    image = models.FileField(upload_to="service/field/photos/%Y/%m/")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField("tirada em")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    caption = models.CharField("legenda", max_length=200, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"foto da OS {self.order_id}"


class Position(models.Model):
    """A GPS fix of a team's phone. Personal data: pruned after the utility's retention days."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="positions")
    username = models.CharField(max_length=150)
    device_id = models.CharField(max_length=64)
    event = models.OneToOneField(FieldEvent, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    speed_kmh = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    accuracy_m = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["team_id", "at"]
        indexes = [models.Index(fields=["team", "at"], name="position_team_at")]

    def __str__(self) -> str:
        return f"equipe {self.team_id} em {self.at:%d/%m/%Y %H:%M}"


class FieldNotice(models.Model):
    """A notice left to the customer from the field, with the photos, as a PDF (3.2.12.10)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="field_notices")
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, null=True, related_name="field_notices"
    )
    event = models.OneToOneField(FieldEvent, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("texto do aviso")
    photos = models.ManyToManyField(FieldPhoto, related_name="notices", blank=True)
    pdf = models.FileField(upload_to="service/field/notices/%Y/%m/")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"aviso da OS {self.order_id}"
