"""The utility (tenant) and its hosts, in the public schema. Configuration is data, never code."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Informe a cor no formato #RRGGBB.")


class ProvisioningState(models.TextChoices):
    REQUESTED = "requested", "Solicitada"
    SCHEMA_CREATED = "schema_created", "Esquema criado"
    MIGRATED = "migrated", "Migrada"
    SEEDED = "seeded", "Dados iniciais carregados"
    ACTIVE = "active", "Ativa"
    FAILED = "failed", "Falhou"


class Tenant(TenantMixin):
    name = models.CharField("nome", max_length=120)
    legal_name = models.CharField("razão social", max_length=200, blank=True)
    cnpj = models.CharField("CNPJ", max_length=14, blank=True)
    city = models.CharField("município", max_length=120, blank=True)
    state = models.CharField("UF", max_length=2, blank=True)
    address = models.CharField("endereço", max_length=250, blank=True)
    phone = models.CharField("telefone", max_length=30, blank=True)
    email = models.EmailField("e-mail", blank=True)
    website = models.URLField("site", blank=True)
    whatsapp = models.CharField("WhatsApp", max_length=30, blank=True)
    timezone = models.CharField("fuso horário", max_length=60, default="America/Sao_Paulo")
    locale = models.CharField("idioma", max_length=10, default="pt-BR")
    primary_color = models.CharField(
        "cor principal", max_length=7, default="#1351B4", validators=[hex_colour]
    )
    secondary_color = models.CharField(
        "cor secundária", max_length=7, default="#0C326F", validators=[hex_colour]
    )
    logo_svg = models.TextField("logotipo (SVG)", blank=True)
    privacy_notice = models.TextField("aviso de privacidade", blank=True)
    terms_of_use = models.TextField("termos de uso", blank=True)
    febraban_company_code = models.CharField("código FEBRABAN da empresa", max_length=4, blank=True)
    # created "from the template of" another utility: provisioning imports that utility's
    # configuration document as its last step (tenants.provisioning, ADR 0156)
    template = models.ForeignKey(
        "self",
        verbose_name="criada a partir do modelo de",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    provisioning_state = models.CharField(
        max_length=20, choices=ProvisioningState.choices, default=ProvisioningState.REQUESTED, db_index=True
    )
    provisioning_resume_from = models.CharField(max_length=20, blank=True)
    provisioning_error = models.TextField(blank=True)
    provisioning_attempts = models.PositiveIntegerField(default=0)
    # when the beat sweep last retried it on its own (tenants.healing); shown in the ops console
    provisioning_retried_at = models.DateTimeField(null=True, blank=True)
    provisioned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The state machine creates and migrates the schema itself (tenants.provisioning).
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        verbose_name = "concessionária"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.provisioning_state == ProvisioningState.ACTIVE

    @property
    def primary_domain(self) -> str:
        domain = self.domains.filter(is_primary=True).first()
        return domain.domain if domain else ""


class Domain(DomainMixin):
    class Meta:
        verbose_name = "domínio"

    def __str__(self) -> str:
        return self.domain
