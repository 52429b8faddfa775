"""The agency's own data in each utility's schema: its settings, protocols, pending e-mail changes,
the chosen due day and the citizen API tokens.

`ServiceRequest` is the minimal protocol of the virtual agency until the service module
(atendimento) lands; it keeps the fields that module's registro de atendimento will need.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from . import domain

property_ = property  # the ServiceRequest field named "property" shadows the builtin in its class body


def _default_roles() -> list[str]:
    return ["owner", "bill_payer", "user"]


def _default_due_days() -> list[int]:
    return list(domain.DEFAULT_DUE_DAY_OPTIONS)


def _default_request_types() -> list[str]:
    return [t.code for t in domain.SERVICE_REQUEST_TYPES]


def _default_units() -> list[str]:
    return list(domain.DEFAULT_UNITS)


class AgencySettings(models.Model):
    """One row per utility (pk 1): how citizens sign in and what the agency offers."""

    SIGN_IN_MODES = list(domain.SignInMode.LABELS.items())

    sign_in_mode = models.CharField(
        "modo de entrada",
        max_length=40,
        choices=SIGN_IN_MODES,
        default=domain.SignInMode.ACCOUNT_CHECK_DIGIT_AND_DOCUMENT,
    )
    sign_in_roles = models.JSONField(
        "vínculos que podem entrar com CPF/CNPJ",
        default=_default_roles,
        help_text="owner, bill_payer, user (registry PropertyRelation.Role)",
    )
    due_day_options = models.JSONField("dias de vencimento oferecidos", default=_default_due_days)
    due_day_min_interval_days = models.PositiveSmallIntegerField(
        "intervalo mínimo entre trocas de vencimento (dias)", default=0
    )
    request_types = models.JSONField("tipos de solicitação oferecidos", default=_default_request_types)
    landing_text = models.TextField(
        "texto de apresentação",
        blank=True,
        default=(
            "Pela agência virtual você consulta o cadastro do seu imóvel, acompanha seus pedidos, "
            "solicita serviços e fala com a ouvidoria, sem ir ao atendimento presencial."
        ),
    )
    service_hours = models.CharField("horário do atendimento presencial", max_length=200, blank=True)
    ombudsman_email = models.EmailField("e-mail da ouvidoria (avisos de protocolo)", blank=True)
    web_idle_minutes = models.PositiveSmallIntegerField("sessão da agência expira após (min)", default=15)
    totem_idle_seconds = models.PositiveSmallIntegerField("totem: saída automática após (s)", default=90)
    attachment_max_bytes = models.PositiveIntegerField("tamanho máximo de anexo (bytes)", default=5_000_000)
    attachment_max_files = models.PositiveSmallIntegerField("anexos por protocolo", default=3)
    online_agreements = models.BooleanField(
        "parcelamento firmado pela agência",
        default=False,
        help_text="O cidadão titular pode firmar o parcelamento simulado, com a guia da entrada.",
    )
    units = models.JSONField(
        "setores que recebem protocolos",
        default=_default_units,
        help_text="Para onde o atendimento encaminha os protocolos (tramitação).",
    )
    disabled_services = models.JSONField(
        "serviços desligados",
        default=list,
        blank=True,
        help_text="Códigos de domain.AGENCY_SERVICES que esta concessionária não oferece (VA-08).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "configuração da agência virtual"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="agency_settings_singleton")]

    def __str__(self) -> str:
        return "Configuração da agência virtual"

    def clean(self) -> None:
        problem = domain.due_day_options_problem(list(self.due_day_options or []))
        if problem:
            raise ValidationError({"due_day_options": problem})
        unknown = set(self.request_types or []) - set(domain.ALL_TYPES)
        if unknown:
            raise ValidationError({"request_types": f"Tipos desconhecidos: {', '.join(sorted(unknown))}."})
        if set(self.sign_in_roles or []) - {"owner", "bill_payer", "user"} or not self.sign_in_roles:
            raise ValidationError(
                {
                    "sign_in_roles": "Escolha quem pode entrar: proprietário, responsável pela conta "
                    "e/ou usuário (inquilino)."
                }
            )
        problem = domain.units_problem(list(self.units or []))
        if problem:
            raise ValidationError({"units": problem})
        problem = domain.disabled_services_problem(self.disabled_services)
        if problem:
            raise ValidationError({"disabled_services": problem})

    @property_
    def enabled_services(self) -> frozenset[str]:
        """The codes of the services this utility's agency offers (VA-08)."""
        return domain.enabled_services(self.disabled_services or [])

    def offers(self, code: str) -> bool:
        return code in self.enabled_services

    @classmethod
    def current(cls) -> AgencySettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class ProtocolCounter(models.Model):
    """The utility's yearly protocol series (one per schema, shared by every request kind)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ServiceRequest(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", "Solicitação de serviço"
        OMBUDSMAN = "ombudsman", "Ouvidoria"
        AGENCY_PROBLEM = "agency_problem", "Problema na agência virtual"

    class Status(models.TextChoices):
        RECEIVED = "received", "Pendente de recebimento"
        PENDING = "pending", "Pendente"
        IN_PROGRESS = "in_progress", "Em andamento"
        CLOSED = "closed", "Encerrado"

    class Channel(models.TextChoices):
        WEB = "web", "Agência virtual"
        TOTEM = "totem", "Totem de autoatendimento"
        API = "api", "Aplicativo (API)"
        COUNTER = "counter", "Balcão (atendimento presencial)"

    protocol = models.CharField("protocolo", max_length=12, unique=True)
    kind = models.CharField("natureza", max_length=16, choices=Kind.choices)
    type_code = models.CharField("tipo", max_length=40)
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # who asked, as they were when they asked (the registry may change later)
    requester_name = models.CharField("nome do solicitante", max_length=200)
    requester_document = models.CharField("CPF/CNPJ do solicitante", max_length=14, blank=True)
    requester_email = models.EmailField("e-mail do solicitante", blank=True)
    requester_phone = models.CharField("telefone do solicitante", max_length=11, blank=True)
    description = models.TextField("descrição", blank=True)
    reference_point = models.CharField("ponto de referência", max_length=200, blank=True)
    channel = models.CharField("canal", max_length=8, choices=Channel.choices)
    status = models.CharField(
        "situação", max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    expected_on = models.DateField("data prevista", null=True, blank=True)
    # the sector that holds the protocol now, and when it confirmed receiving it (VA-33 "pendente de
    # recebimento" until then); every move is also a ServiceRequestEvent
    unit = models.CharField("setor atual", max_length=120, blank=True, db_index=True)
    received_at = models.DateTimeField("recebido em", null=True, blank=True)
    received_by = models.CharField("recebido por", max_length=150, blank=True)
    # VA-26: the customer whose CPF/CNPJ the request asks to change, and the number asked for; the
    # registry changes only when a staff user approves it on the desk
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    new_document = models.CharField("novo CPF/CNPJ pedido", max_length=14, blank=True)
    closed_at = models.DateTimeField("encerrado em", null=True, blank=True)
    closing_reason = models.CharField("motivo do encerramento", max_length=200, blank=True)
    context = models.JSONField("contexto", default=dict, blank=True, help_text="URL, navegador")
    created_at = models.DateTimeField("aberto em", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["property", "-created_at"], name="portal_request_property"),
            models.Index(fields=["requester_document", "-created_at"], name="portal_request_document"),
        ]
        verbose_name = "protocolo da agência virtual"

    def __str__(self) -> str:
        return self.protocol

    @property_
    def type_label(self) -> str:
        t = domain.ALL_TYPES.get(self.type_code)
        return t.label if t else self.type_code


def attachment_path(instance: ServiceRequestAttachment, filename: str) -> str:
    # the tenant storage prefixes the schema; the protocol keeps one request's files together
    return f"portal/requests/{instance.request.protocol}/{filename}"


class ServiceRequestAttachment(models.Model):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class ServiceRequestEvent(models.Model):
    """Routing and status history of a protocol (VA-24, VA-25), oldest first."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=ServiceRequest.Status.choices)
    from_unit = models.CharField("do setor", max_length=120, blank=True)
    unit = models.CharField("setor", max_length=120, blank=True)
    note = models.CharField(max_length=300, blank=True)
    actor = models.CharField(max_length=150)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class EmailChange(models.Model):
    """A new e-mail waiting for its owner to follow the link sent to it (VA-28)."""

    customer = models.ForeignKey("registry.Customer", on_delete=models.CASCADE, related_name="+")
    new_email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.new_email}"


class CitizenToken(models.Model):
    """A short-lived bearer token of the citizen API; only its SHA-256 is stored. Separate from the
    staff ApiToken: a citizen token never authenticates a staff endpoint, nor the reverse."""

    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    document = models.CharField(max_length=14, blank=True)
    property_ids = models.JSONField(default=list)
    signed_property_id = models.BigIntegerField()
    verified_holder = models.BooleanField(default=False)
    can_request = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="portal_token_expiry")]

    def __str__(self) -> str:
        return f"{self.prefix}… (imóvel {self.signed_property_id})"
