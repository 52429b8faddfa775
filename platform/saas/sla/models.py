"""Vendor-side SLA data, in the public schema only: contracts, probe results, outages, incidents
(chamados) and vendor invoices. Every row names its utility (tenant); nothing here lives in a
tenant schema, so a utility's staff reach it only through views that filter by their own tenant."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tenants.models import Tenant

from .domain.priorities import DEFAULT_RESOLUTION_HOURS, PRIORITIES, RESPONSE_MINUTES


def default_resolution_hours() -> dict[str, int | None]:
    return dict(DEFAULT_RESOLUTION_HOURS)


class Contract(models.Model):
    """The service contract of one utility: what it pays per month and what the vendor promises."""

    tenant = models.OneToOneField(Tenant, on_delete=models.PROTECT, related_name="sla_contract")
    monthly_value = models.DecimalField("valor mensal do serviço (VMS)", max_digits=14, decimal_places=2)
    start_date = models.DateField("início do contrato")
    availability_target = models.DecimalField(
        "disponibilidade mínima (%)", max_digits=6, decimal_places=3, default=Decimal("99.982")
    )
    annual_downtime_minutes = models.PositiveIntegerField("indisponibilidade máxima anual (min)", default=95)
    response_minutes = models.PositiveIntegerField("prazo de atendimento (min)", default=RESPONSE_MINUTES)
    resolution_hours = models.JSONField(
        "prazos de solução por prioridade (h)", default=default_resolution_hours
    )
    maintenance_excluded = models.BooleanField(
        "janelas de manutenção acordadas não contam como indisponibilidade", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "contrato"

    def __str__(self) -> str:
        return f"Contrato {self.tenant}"


class MaintenanceWindow(models.Model):
    """A maintenance window agreed in advance with the utility; excluded only if the contract says so."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="maintenance_windows")
    start = models.DateTimeField()
    end = models.DateTimeField()
    description = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="mw_end_after")
        ]

    def __str__(self) -> str:
        return f"{self.tenant} {self.start:%Y-%m-%d %H:%M}"


class ProbeResult(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="probe_results")
    at = models.DateTimeField(db_index=True)
    slot = models.CharField(
        max_length=20, blank=True, help_text="the beat slot, so a redelivery adds nothing"
    )
    ok = models.BooleanField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    applied = models.BooleanField(default=True, help_text="false when it arrived after a newer result")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["tenant", "-at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "slot"], condition=~models.Q(slot=""), name="probe_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tenant} {self.at:%Y-%m-%d %H:%M:%S} {'ok' if self.ok else 'falha'}"


class OutageSource(models.TextChoices):
    PROBE = "probe", "Monitoramento automático"
    MANUAL = "manual", "Registro manual"


class Outage(models.Model):
    """A period of unavailability of one utility's service. `end` is empty while it lasts."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="outages")
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=OutageSource.choices)
    cause = models.TextField(blank=True)
    excluded = models.BooleanField(default=False)
    exclusion_reason = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="outage_end_after",
            ),
            models.CheckConstraint(
                condition=models.Q(excluded=False) | ~models.Q(exclusion_reason=""),
                name="outage_exclusion_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant} {self.start:%Y-%m-%d %H:%M}"


class ProbeMonitor(models.Model):
    """Per-utility state of the probe fold; its row is locked while a result is applied."""

    tenant = models.OneToOneField(Tenant, on_delete=models.PROTECT, related_name="probe_monitor")
    last_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True)
    open_outage = models.ForeignKey(
        Outage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"monitor {self.tenant}"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Aberto"
    ACKNOWLEDGED = "acknowledged", "Em atendimento"
    RESOLVED = "resolved", "Resolvido (aguardando aceite)"
    CLOSED = "closed", "Encerrado"


class IncidentChannel(models.TextChoices):
    PORTAL = "portal", "Sistema (concessionária)"
    API = "api", "API"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Telefone"
    MONITORING = "monitoring", "Monitoramento (alerta automático)"
    OTHER = "other", "Outro"


class Incident(models.Model):
    """A chamado. Opened by the vendor team or by a utility's staff; always tagged with the utility."""

    protocol = models.CharField(max_length=20, unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="incidents")
    priority = models.PositiveSmallIntegerField(
        choices=[(p.level, f"{p.level} – {p.name}") for p in PRIORITIES],
        validators=[MinValueValidator(0), MaxValueValidator(6)],
    )
    description = models.TextField()
    channel = models.CharField(max_length=10, choices=IncidentChannel.choices, default=IncidentChannel.API)
    opened_at = models.DateTimeField(db_index=True)
    opened_by = models.CharField(max_length=150)
    opened_by_utility = models.BooleanField(default=False)
    status = models.CharField(max_length=15, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    response_due = models.DateTimeField()
    resolution_due = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    solution = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.CharField(max_length=150, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=150, blank=True)
    # Alertmanager's fingerprint when a monitoring alert opened the chamado: a re-sent alert finds it
    alert_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["tenant", "status", "priority"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(priority__lte=6), name="incident_priority_0_6")
        ]

    def __str__(self) -> str:
        return self.protocol


class VendorInvoice(models.Model):
    """The vendor's monthly invoice (documento de cobrança) to one utility, frozen when issued."""

    number = models.CharField(max_length=20, unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="vendor_invoices")
    month = models.DateField(help_text="first day of the reference month")
    issued_at = models.DateTimeField()
    issued_by = models.CharField(max_length=150)
    due_date = models.DateField()
    monthly_value = models.DecimalField(max_digits=14, decimal_places=2)
    unavailable_seconds = models.DecimalField(max_digits=14, decimal_places=6)
    discount = models.DecimalField(max_digits=14, decimal_places=2)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    interruptions = models.JSONField(default=list, help_text="the counted intervals, as issued")

    class Meta:
        ordering = ["-month", "tenant__name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "month"], name="invoice_tenant_month")]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(VendorInvoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position")]

    def __str__(self) -> str:
        return f"{self.invoice} #{self.position}"
