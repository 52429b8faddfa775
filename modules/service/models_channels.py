"""Attendance channels (issue 14, seed 002 §10.1 and seed 001 3.2.15.11–.12, 3.2.16): queue tickets
(senhas) per attendance unit with a call display, and the CTI link to the utility's telephony
(Asterisk): call events, screen-pop, IVR answers, supply outages by area, outbound campaigns.

A ticket keeps the priority its queue had when it was issued, so a change of a queue's rule applies
to the next ticket only (3.2.15.11). Numbers run per unit and per day (S10.1-03).
"""

from __future__ import annotations

import builtins

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from modules.common.fields import EncryptedTextField

from .domain.tickets import PRIORITY_LABELS, REASON_LABELS, STATUS_LABELS, TicketStatus

__all__ = [
    "AttendanceUnit",
    "Call",
    "CallEvent",
    "Campaign",
    "CampaignTarget",
    "ChannelSettings",
    "DisplayItem",
    "SmsMessage",
    "SupplyOutage",
    "Ticket",
    "TicketQueue",
    "TicketSequence",
]


class AttendanceUnit(models.Model):
    """Posto de atendimento / agência / Casa do Cidadão: a separately controlled set of queues."""

    code = models.SlugField("código (endereço das telas)", max_length=30, unique=True)
    name = models.CharField("nome", max_length=100)
    address = models.CharField("endereço", max_length=200, blank=True)
    # 0: strict priority (every priority ticket before any normal one); N: after N priority calls in
    # a row, a waiting normal ticket is called (domain/tickets.py, ADR 0182)
    priority_streak = models.PositiveSmallIntegerField(
        "chamadas prioritárias seguidas antes de uma normal",
        default=2,
        validators=[MaxValueValidator(20)],
        help_text="0 = prioridade absoluta.",
    )
    is_active = models.BooleanField("ativo", default=True)
    # the totem's heartbeat (3.2.15.14): its page pings every 30 s; staff see when it was last seen
    kiosk_seen_at = models.DateTimeField("totem visto por último em", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "unidade de atendimento"
        verbose_name_plural = "unidades de atendimento"

    def __str__(self) -> str:
        return self.name


PRIORITY_CHOICES = [(level, label) for level, label in PRIORITY_LABELS.items()]


class TicketQueue(models.Model):
    """A queue of a unit: its prefix on the ticket ("P012") and its priority rule."""

    unit = models.ForeignKey(
        AttendanceUnit, on_delete=models.CASCADE, related_name="queues", verbose_name="unidade"
    )
    name = models.CharField("nome", max_length=80)
    prefix = models.CharField(
        "prefixo",
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{1,3}$", "Use de 1 a 3 letras maiúsculas.")],
    )
    priority = models.PositiveSmallIntegerField("prioridade", choices=PRIORITY_CHOICES, default=0)
    position = models.PositiveSmallIntegerField("ordem no totem", default=0)
    is_active = models.BooleanField("ativa", default=True)

    class Meta:
        ordering = ["unit_id", "position", "id"]
        verbose_name = "fila de senhas"
        verbose_name_plural = "filas de senhas"
        constraints = [models.UniqueConstraint(fields=["unit", "prefix"], name="ticket_queue_prefix_once")]

    def __str__(self) -> str:
        return f"{self.prefix} — {self.name}"


class TicketSequence(models.Model):
    """The last number given in a unit on a day: each unit numbers its own tickets (S10.1-03)."""

    unit = models.ForeignKey(AttendanceUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="ticket_sequence_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.last}"


TICKET_STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in TicketStatus]


class Ticket(models.Model):
    """Senha: issued at the totem or at the desk, called to a desk (guichê), finished or not shown.
    Waiting time is called_at − issued_at, service time finished_at − called_at (S10.1-07)."""

    unit = models.ForeignKey(
        AttendanceUnit, on_delete=models.PROTECT, related_name="tickets", verbose_name="unidade"
    )
    queue = models.ForeignKey(
        TicketQueue, on_delete=models.PROTECT, related_name="tickets", verbose_name="fila"
    )
    day = models.DateField("dia")
    number = models.PositiveIntegerField("número")
    prefix = models.CharField("prefixo", max_length=3)
    priority = models.PositiveSmallIntegerField("prioridade", choices=PRIORITY_CHOICES)
    # the legal priority the citizen claimed (domain/tickets.py PriorityReason); `priority` is the
    # higher of the queue's level and this reason's, fixed at issue
    priority_reason = models.CharField(
        "motivo da prioridade",
        max_length=12,
        choices=[(r.value, label) for r, label in REASON_LABELS.items()],
        default="none",
    )
    status = models.CharField("situação", max_length=10, choices=TICKET_STATUS_CHOICES, default="waiting")
    origin = models.CharField(
        "origem", max_length=6, choices=[("totem", "Totem"), ("desk", "Balcão")], default="totem"
    )
    note = models.CharField("descrição curta (balcão)", max_length=300, blank=True)
    issued_at = models.DateTimeField("emitida em")
    issued_by = models.CharField("emitida por", max_length=150)
    called_at = models.DateTimeField("chamada em", null=True, blank=True)
    last_called_at = models.DateTimeField("última chamada em", null=True, blank=True)
    calls = models.PositiveSmallIntegerField("chamadas", default=0)
    # DO_NOTHING: the user model is also the vendor's in the public schema (see TeamMember)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="chamada por",
    )
    desk = models.CharField("guichê", max_length=20, blank=True)
    finished_at = models.DateTimeField("encerrada em", null=True, blank=True)
    # who the ticket is for, when known (a desk ticket, or what the attendant finds): the hook that
    # opens the attendance reads these (services/tickets.py, on_ticket_called)
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["unit_id", "day", "number"]
        verbose_name = "senha"
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "number"], name="ticket_number_per_unit_day")
        ]
        indexes = [models.Index(fields=["unit", "status", "day"], name="ticket_waiting")]

    def __str__(self) -> str:
        return self.label

    @builtins.property
    def label(self) -> str:
        return f"{self.prefix}{self.number:03d}"

    @builtins.property
    def waiting_seconds(self) -> int | None:
        if self.called_at is None:
            return None
        return int((self.called_at - self.issued_at).total_seconds())

    @builtins.property
    def service_seconds(self) -> int | None:
        if self.called_at is None or self.finished_at is None:
            return None
        return int((self.finished_at - self.called_at).total_seconds())


class DisplayItem(models.Model):
    """What the call display shows between calls (S10.1-04): institutional videos, images and text
    messages, in order; a unit's own items, or every unit's when `unit` is blank. Files are served by
    the app (the display's policy loads media from its own origin only)."""

    class Kind(models.TextChoices):
        VIDEO = "video", "Vídeo"
        IMAGE = "image", "Imagem"
        TEXT = "text", "Mensagem"

    unit = models.ForeignKey(
        AttendanceUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="display_items",
        verbose_name="unidade",
    )
    kind = models.CharField("tipo", max_length=5, choices=Kind.choices)
    url = models.CharField("endereço do arquivo (/static/… ou /media/…)", max_length=300, blank=True)
    text = models.CharField("texto", max_length=300, blank=True)
    seconds = models.PositiveSmallIntegerField(
        "segundos na tela", default=15, validators=[MinValueValidator(3)]
    )
    position = models.PositiveSmallIntegerField("ordem", default=0)
    is_active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "conteúdo do painel"

    def __str__(self) -> str:
        return self.text or self.url


class ChannelSettings(models.Model):
    """The utility's telephony and messaging accounts (one row): the shared secret its telephony
    system signs events and IVR requests with, the SMS gateway and the dialer provider."""

    cti_secret = EncryptedTextField("segredo compartilhado da telefonia", blank=True)
    sms_base_url = models.URLField("gateway de SMS: endereço", blank=True)
    sms_token = EncryptedTextField("gateway de SMS: chave", blank=True)
    sms_sender = models.CharField("gateway de SMS: remetente", max_length=20, blank=True)
    dialer_base_url = models.URLField("discador: endereço", blank=True)
    dialer_token = EncryptedTextField("discador: chave", blank=True)
    default_ddd = models.CharField(
        "DDD local (números sem DDD)",
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[1-9][1-9]$", "DDD de dois dígitos, sem zero.")],
    )

    class Meta:
        verbose_name = "telefonia e mensagens"

    def __str__(self) -> str:
        return "telefonia e mensagens"

    @classmethod
    def current(cls) -> ChannelSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class CallEvent(models.Model):
    """One event the telephony system posted, kept as received; its id makes a resend harmless."""

    event_id = models.CharField(max_length=80, unique=True)
    call_id = models.CharField(max_length=80, db_index=True)
    kind = models.CharField(max_length=12)
    at = models.DateTimeField()
    caller = models.CharField(max_length=20, blank=True)
    agent = models.CharField(max_length=150, blank=True)
    queue = models.CharField(max_length=60, blank=True)
    received_at = models.DateTimeField()
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.call_id}"


class Call(models.Model):
    """A call as its events left it: when it entered the queue, was answered or abandoned, and who
    the caller is when the number matched one customer's property (3.2.16.3, .5)."""

    call_id = models.CharField("chamada", max_length=80, unique=True)
    caller = models.CharField("número de origem", max_length=20, blank=True)
    queue = models.CharField("fila", max_length=60, blank=True)
    agent = models.CharField("atendente", max_length=150, blank=True)
    started_at = models.DateTimeField("início")
    ringing_at = models.DateTimeField("na fila desde", null=True, blank=True)
    answered_at = models.DateTimeField("atendida em", null=True, blank=True)
    ended_at = models.DateTimeField("encerrada em", null=True, blank=True)
    abandoned = models.BooleanField("abandonada", default=False)
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["agent", "answered_at"], name="call_agent_answered")]

    def __str__(self) -> str:
        return self.call_id


class SupplyOutage(models.Model):
    """Falta de água localizada: the area (neighbourhoods, streets, commercial sectors) and the
    interval; open-ended while `ends_at` is blank. The IVR tells callers from the area (3.2.16.2)."""

    description = models.CharField("problema", max_length=200)
    starts_at = models.DateTimeField("início")
    expected_end_at = models.DateTimeField("previsão de normalização", null=True, blank=True)
    ends_at = models.DateTimeField("normalizado em", null=True, blank=True)
    neighbourhoods = models.ManyToManyField("registry.Neighbourhood", blank=True, related_name="+")
    streets = models.ManyToManyField("registry.Street", blank=True, related_name="+")
    sectors = models.ManyToManyField("registry.Sector", blank=True, related_name="+")
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = "falta de água"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="supply_outage_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.description


class Campaign(models.Model):
    """Campanha ativa (3.2.16.4): a filter over the registry builds the call list, the dialer
    provider places the calls, each target keeps its outcome."""

    class Kind(models.TextChoices):
        SURVEY = "survey", "Pesquisa de satisfação"
        PREVENTIVE = "preventive", "Aviso de manutenção preventiva"
        DEBT = "debt", "Lembrete de débito"

    class Status(models.TextChoices):
        DRAFT = "draft", "Em preparação"
        DIALING = "dialing", "Discando"
        DONE = "done", "Concluída"

    name = models.CharField("nome", max_length=100)
    kind = models.CharField("tipo", max_length=10, choices=Kind.choices)
    message = models.CharField("mensagem (roteiro)", max_length=500)
    filters = models.JSONField("filtros", default=dict)
    status = models.CharField("situação", max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "campanha de ligações"

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "Aguardando discagem"
        DIALING = "dialing", "Discando"
        ANSWERED = "answered", "Atendida"
        NO_ANSWER = "no_answer", "Não atendida"
        BUSY = "busy", "Ocupado"
        FAILED = "failed", "Falhou"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("registry.Customer", on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(max_length=20)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    dialer_call_id = models.CharField(max_length=80, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    answer = models.CharField("resposta (pesquisa)", max_length=20, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign_id", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "property"], name="campaign_target_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.phone}"


class SmsMessage(models.Model):
    """An SMS the utility sent (the 2nd copy the IVR sends, 3.2.16.1): what, to whom, the gateway's id."""

    phone = models.CharField(max_length=20)
    text = models.CharField(max_length=640)
    purpose = models.CharField(max_length=30)
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_id = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=10, default="sent")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"SMS para {self.phone}"
