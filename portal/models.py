"""The agency's own data in each utility's schema: its settings, protocols, pending e-mail changes,
the chosen due day and the citizen API tokens.

The protocols (`ServiceRequest` and its files, events and yearly series) moved to the service module
(modules/service/models_desk.py, ADR 0181); the agency opens and reads them through its services.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from modules.service.models_desk import attachment_path  # noqa: F401 - migration 0001 names it here

from . import domain


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
        from modules.service.models import ProtocolType

        known = set(ProtocolType.objects.values_list("code", flat=True)) or set(domain.ALL_TYPES)
        unknown = set(self.request_types or []) - known
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

    @property
    def enabled_services(self) -> frozenset[str]:
        """The codes of the services this utility's agency offers (VA-08)."""
        return domain.enabled_services(self.disabled_services or [])

    def offers(self, code: str) -> bool:
        return code in self.enabled_services

    @classmethod
    def current(cls) -> AgencySettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


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
