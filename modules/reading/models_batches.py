"""Reading in the field (seed 001 3.2.4.4, seed 002 §12.3–§12.5): readers (leituristas) and their
devices, the reading batch (massa de leitura) of a group and month with its routes and the frozen
item of every property to read, the device events a sync applied (keyed by the id the device gave
them, so a replayed batch changes nothing), photos, positions, messages to a reader and the log of
every file exchanged with a collector or a contractor (ADR 0200).

Positions are personal data (LGPD, Lei 13.709/2018): only the back office's monitor reads them.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models


def default_readable_statuses() -> list[str]:
    """Active and vacant units are read; demolished and inactive ones are not visited."""
    return ["active", "vacant"]


__all__ = [
    "BatchItem",
    "BatchRoute",
    "CollectorExchange",
    "Device",
    "DevicePosition",
    "FieldReadingSettings",
    "LocalityType",
    "Reader",
    "ReaderMessage",
    "ReadingBatch",
    "ReadingEvent",
    "ReadingPhoto",
    "RouteLocality",
]


class Reader(models.Model):
    """Leiturista (S12.5-02): a staff user with an employee number and the activities allowed."""

    # DO_NOTHING as the neighbours (TeamMember.user): the user table is also the vendor's
    user = models.OneToOneField(
        "access.User", on_delete=models.DO_NOTHING, related_name="+", verbose_name="usuário"
    )
    employee_number = models.CharField("matrícula do funcionário", max_length=20, unique=True)
    reads = models.BooleanField("faz leitura", default=True)
    active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["employee_number"]
        verbose_name = "leiturista"

    def __str__(self) -> str:
        return self.employee_number


class Device(models.Model):
    """A reader's phone or collector, named by the id the app generated; what its last sync told."""

    code = models.CharField("identificação do aparelho", max_length=64, unique=True)
    label = models.CharField("descrição", max_length=80, blank=True)
    reader = models.ForeignKey(
        Reader,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name="leiturista",
    )
    active = models.BooleanField("ativo", default=True)
    last_seen_at = models.DateTimeField("último contato", null=True, blank=True)
    battery_percent = models.PositiveSmallIntegerField("bateria (%)", null=True, blank=True)
    last_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_position_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "aparelho de leitura"

    def __str__(self) -> str:
        return self.label or self.code


class ReadingBatch(models.Model):
    """Massa de leitura: one per group and reference month, frozen when it is generated."""

    class Status(models.TextChoices):
        OPEN = "open", "Em campo"
        CLOSED = "closed", "Processada"

    group = models.ForeignKey("registry.BillingGroup", on_delete=models.PROTECT, related_name="+")
    reference = models.DateField("referência")
    status = models.CharField("situação", max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField("gerada em")
    created_by = models.CharField("gerada por", max_length=150)
    closed_at = models.DateTimeField("processada em", null=True, blank=True)
    items_count = models.PositiveIntegerField("imóveis", default=0)

    class Meta:
        ordering = ["-reference", "group_id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "reference"], name="reading_batch_group_month")
        ]
        verbose_name = "carga de leitura"

    def __str__(self) -> str:
        return f"carga {self.pk} {self.reference:%m/%Y}"


class BatchRoute(models.Model):
    """A route of the batch and who reads it (the reader and the device it was handed to)."""

    batch = models.ForeignKey(ReadingBatch, on_delete=models.CASCADE, related_name="routes")
    route = models.ForeignKey("registry.Route", on_delete=models.PROTECT, related_name="+")
    code = models.PositiveIntegerField("rota")
    reader = models.ForeignKey(Reader, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, null=True, blank=True, related_name="routes")
    items_count = models.PositiveIntegerField("imóveis", default=0)
    # the route's locality type when the batch was generated, as it was (3.2.4.2)
    locality = models.CharField("tipo de localidade", max_length=60, blank=True, default="")

    class Meta:
        ordering = ["batch_id", "code"]
        constraints = [models.UniqueConstraint(fields=["batch", "code"], name="batch_route_once")]

    def __str__(self) -> str:
        return f"carga {self.batch_id} rota {self.code}"


class BatchItem(models.Model):
    """What the device needs of a property, frozen at generation (3.2.4.4.1): a category change after
    it does not change the item. `expected_low`/`expected_high` is the window from the average
    (3.2.4.4.4); `reread` marks a property sent back to the field (3.2.4.6)."""

    batch = models.ForeignKey(ReadingBatch, on_delete=models.CASCADE, related_name="items")
    route = models.ForeignKey(BatchRoute, on_delete=models.CASCADE, related_name="items")
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField("sequência")
    account_number = models.CharField("matrícula", max_length=12)
    address = models.CharField("endereço", max_length=300)
    status = models.CharField("situação do imóvel", max_length=12)
    categories = models.JSONField("categorias e economias", default=list)
    economies = models.PositiveSmallIntegerField("economias", default=0)
    meter_number = models.CharField("hidrômetro", max_length=30, blank=True)
    dials = models.PositiveSmallIntegerField("dígitos", null=True)
    previous_value = models.PositiveIntegerField("leitura anterior", null=True)
    last_readings = models.JSONField("últimas leituras", default=list)
    average_m3 = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    expected_low = models.PositiveIntegerField("leitura mínima esperada", null=True)
    expected_high = models.PositiveIntegerField("leitura máxima esperada", null=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    reread = models.BooleanField("releitura", default=False)
    reread_reason = models.CharField("motivo da releitura", max_length=200, blank=True)

    class Meta:
        ordering = ["route_id", "sequence", "property_id"]
        constraints = [models.UniqueConstraint(fields=["batch", "property"], name="batch_item_once")]

    def __str__(self) -> str:
        return f"{self.account_number} na carga {self.batch_id}"


class ReadingEvent(models.Model):
    """A device's reading event and what the server answered; its primary key is the device's id,
    so a replayed event is found and reported as a duplicate with its first answer (ADR 0200)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Aceita"
        REFUSED = "refused", "Recusada"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="events")
    item = models.ForeignKey(BatchItem, on_delete=models.CASCADE, null=True, related_name="events")
    reading = models.ForeignKey(
        "reading.Reading", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    property_id_sent = models.BigIntegerField("imóvel enviado")
    value = models.PositiveIntegerField("leitura", null=True)
    occurrence_code = models.CharField("ocorrência", max_length=10, blank=True)
    read_at = models.DateTimeField("lida em (aparelho)")
    received_at = models.DateTimeField("recebida em")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    outcome = models.CharField("resultado", max_length=10, choices=Outcome.choices)
    code = models.CharField("código", max_length=40, blank=True)
    reason = models.CharField("motivo", max_length=300, blank=True)
    device_total = models.DecimalField(
        "total da conta no aparelho", max_digits=12, decimal_places=2, null=True
    )
    server_total = models.DecimalField(
        "total da conta no servidor", max_digits=12, decimal_places=2, null=True
    )
    username = models.CharField("usuário", max_length=150)

    class Meta:
        ordering = ["received_at", "read_at"]
        indexes = [models.Index(fields=["device", "read_at"], name="reading_event_device_at")]

    def __str__(self) -> str:
        return f"{self.outcome} {self.id}"


class ReadingPhoto(models.Model):
    """A photo of a reading, sent before its event (the event's id names it)."""

    event_id = models.UUIDField("evento")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+")
    image = models.FileField(upload_to="reading/photos/%Y/%m/")
    content_type = models.CharField(max_length=20)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["event_id"], name="reading_photo_event")]

    def __str__(self) -> str:
        return f"foto do evento {self.event_id}"


class DevicePosition(models.Model):
    """A GPS fix of a reader's device, from its events."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="positions")
    at = models.DateTimeField()
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)

    class Meta:
        ordering = ["device_id", "at"]
        indexes = [models.Index(fields=["device", "at"], name="device_position_at")]

    def __str__(self) -> str:
        return f"{self.device_id} em {self.at:%d/%m/%Y %H:%M}"


class ReaderMessage(models.Model):
    """A message from the back office to a device: handed over in its next package or sync answer,
    acknowledged by the device in a later sync (3.2.4.18.5)."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="messages")
    text = models.CharField("mensagem", max_length=500)
    created_by = models.CharField("enviada por", max_length=150)
    created_at = models.DateTimeField("enviada em")
    delivered_at = models.DateTimeField("entregue em", null=True, blank=True)
    acknowledged_at = models.DateTimeField("lida em", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class CollectorExchange(models.Model):
    """Every file exchanged with a collector or a contractor (S12.3-02): what, its hash and counts."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Arquivo de carga"
        IMPORT = "import", "Arquivo de retorno"

    batch = models.ForeignKey(ReadingBatch, on_delete=models.CASCADE, related_name="exchanges")
    route_code = models.PositiveIntegerField("rota", null=True)
    kind = models.CharField("tipo", max_length=8, choices=Kind.choices)
    sha256 = models.CharField(max_length=64)
    records = models.PositiveIntegerField("registros")
    accepted = models.PositiveIntegerField("aceitos", default=0)
    errors = models.JSONField("erros", default=list)
    actor = models.CharField("usuário", max_length=150)
    at = models.DateTimeField("em")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:8]}"


class FieldReadingSettings(models.Model):
    """One row per utility (pk 1): the readers' rotation (S12.5-03: a reader does not read the same
    route more than `max_consecutive_cycles` months in a row without an audited override; 0 turns
    the control off) and how long the devices' positions are kept (LGPD)."""

    max_consecutive_cycles = models.PositiveSmallIntegerField("ciclos seguidos na mesma rota", default=2)
    position_retention_days = models.PositiveSmallIntegerField("dias de guarda das posições", default=90)
    # the registry situations read in the field (3.2.4.4.2): the others do not enter the batch
    readable_statuses = ArrayField(
        models.CharField(max_length=12), default=default_readable_statuses, verbose_name="situações lidas"
    )

    class Meta:
        verbose_name = "configuração da leitura em campo"

    def __str__(self) -> str:
        return f"rodízio {self.max_consecutive_cycles}, posições {self.position_retention_days} dias"


class LocalityType(models.Model):
    """A type of locality (urbana, rural, distrito …) whose routes are read with their own expected
    window (3.2.4.2): the −low % … +high % of the average that replace the consumption regulation's
    when the batch is generated (blank: the regulation's)."""

    code = models.CharField("código", max_length=10, unique=True)
    name = models.CharField("nome", max_length=60)
    high_percent = models.DecimalField(
        "acima da média (%)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    low_percent = models.DecimalField(
        "abaixo da média (%)", max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "tipo de localidade"

    def __str__(self) -> str:
        return self.name


class RouteLocality(models.Model):
    """The locality type of a route (registry's route; reading's parameter)."""

    route = models.OneToOneField("registry.Route", on_delete=models.CASCADE, related_name="+")
    locality_type = models.ForeignKey(LocalityType, on_delete=models.PROTECT, related_name="routes")

    def __str__(self) -> str:
        return f"rota {self.route_id}: {self.locality_type_id}"
