"""The citizen's choice of notices and channels per property, its consent trail (LGPD), the
devices that receive Web Push, the mobile number's confirmation codes, and every notice sent
(ADR 0207). One utility's rows live in its own schema."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .domain import events as ev


def _default_offered() -> list[str]:
    return list(ev.EVENTS)


class NotificationSettings(models.Model):
    """One row per utility (pk 1): which notices it offers, when, and its WhatsApp and Web Push
    providers (SMS goes through the attendance channels' gateway, ChannelSettings)."""

    offered_events = models.JSONField("avisos oferecidos", default=_default_offered)
    due_soon_days = models.PositiveSmallIntegerField("lembrete de vencimento: dias antes", default=3)
    debt_notice_days = models.PositiveSmallIntegerField("aviso de débito: dias após o vencimento", default=5)
    whatsapp_base_url = models.URLField("WhatsApp: endereço do provedor", blank=True)
    whatsapp_token = models.CharField("WhatsApp: chave de acesso", max_length=200, blank=True)
    vapid_private_key = models.TextField("Web Push: chave privada VAPID (PEM)", blank=True)
    vapid_subject = models.CharField(
        "Web Push: contato do remetente", max_length=200, blank=True, help_text="mailto: ou https:"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "configuração dos avisos ao cidadão"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="notification_settings_singleton")]

    def __str__(self) -> str:
        return "Configuração dos avisos ao cidadão"

    @classmethod
    def current(cls) -> NotificationSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class Subscription(models.Model):
    """What the citizen of this property chose: the channels, the notices, the digital bill, and
    the mobile number they confirmed with a code."""

    property = models.OneToOneField("registry.Property", on_delete=models.CASCADE, related_name="+")
    email = models.BooleanField(default=False)
    sms = models.BooleanField(default=False)
    whatsapp = models.BooleanField(default=False)
    push = models.BooleanField(default=False)
    events = models.JSONField(default=list)
    mobile = models.CharField("celular confirmado", max_length=16, blank=True)
    mobile_confirmed_at = models.DateTimeField(null=True, blank=True)
    digital_bill = models.BooleanField("conta digital (sem papel)", default=False)
    digital_bill_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "escolha de avisos"

    def __str__(self) -> str:
        return f"Avisos do imóvel {self.property_id}"

    def channels(self) -> dict[str, bool]:
        return {c: bool(getattr(self, c)) for c in ev.CHANNELS}


class ConsentRecord(models.Model):
    """One opt-in or opt-out (LGPD art. 8: consent is proven by whoever relies on it): which channel,
    notice or the digital bill, on or off, when, and from where."""

    class Subject(models.TextChoices):
        CHANNEL = "channel", "Canal"
        EVENT = "event", "Aviso"
        DIGITAL_BILL = "digital_bill", "Conta digital"

    property = models.ForeignKey("registry.Property", on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=14, choices=Subject.choices)
    code = models.CharField(max_length=40)
    opted_in = models.BooleanField()
    source = models.CharField(max_length=20)  # web, api, totem, staff
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["property", "at"], name="notif_consent_property_at")]

    def __str__(self) -> str:
        return f"{self.code} {'sim' if self.opted_in else 'não'}"


class PushDevice(models.Model):
    """A browser's push subscription (RFC 8030 endpoint and its RFC 8291 keys) for this property."""

    property = models.ForeignKey("registry.Property", on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1000)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    gone_at = models.DateTimeField(null=True, blank=True)  # the push service answered 404/410

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["property", "endpoint"], name="notif_push_device_once")
        ]

    def __str__(self) -> str:
        return self.endpoint[:60]


class MobileCode(models.Model):
    """A code sent by SMS to confirm a mobile number; only its hash is kept. Three wrong answers
    block the property's confirmations for a while (`blocked_until`)."""

    property = models.ForeignKey("registry.Property", on_delete=models.CASCADE, related_name="+")
    mobile = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.property_id} {self.mobile}"


class Delivery(models.Model):
    """One notice to one property on one channel. (property, event, ref, channel) is unique: the
    same fact never reaches the same citizen twice on a channel, however often the release, the
    scan or the task runs again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Na fila"
        SENDING = "sending", "Enviando"
        SENT = "sent", "Enviado"
        FAILED = "failed", "Falhou"
        SKIPPED = "skipped", "Sem destino"

    property = models.ForeignKey("registry.Property", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=24, choices=list(ev.EVENT_LABELS.items()))
    ref = models.CharField("fato", max_length=60)  # e.g. "bill:123", "payment:9", "outage:4"
    channel = models.CharField(max_length=10, choices=list(ev.CHANNEL_LABELS.items()))
    destination = models.CharField(max_length=1000, blank=True)
    subject = models.CharField(max_length=200)
    text = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    attach_bill = models.ForeignKey(
        "billing.Bill", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_id = models.CharField(max_length=120, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "aviso enviado"
        constraints = [
            models.UniqueConstraint(
                fields=["property", "event", "ref", "channel"], name="notif_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="notif_delivery_status")]

    def __str__(self) -> str:
        return f"{self.event} {self.channel} {self.property_id}"
