"""The consumption review (revisão de consumo, seed 001 3.2.6): a protocol of the type
"consumption_review" (a `ServiceRequest`, so the desk, the follow-up queue and the agency see it as
any other) with its form, its own Year/Number series, the phase it is in with the phase's deadline,
the visit order sent to the field, the bill changed inside the case and the report (laudo) sent by
e-mail at the closing. Every move is a `ReviewEvent` (3.2.6.3)."""

from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Q

from .domain import reviews as rules

property_ = builtins.property  # the "property" field shadows the builtin in the class body

REVIEW_PROTOCOL_TYPE = "consumption_review"
REVIEW_VISIT_CODE = "REVC"


class ReviewSettings(models.Model):
    """One row per utility (pk 1): the phases of its review process with their deadlines, the
    service code of the field visit, how long a visit takes on the agenda (3.2.6.6, 3.2.6.7)."""

    phases = models.JSONField(
        "fases", default=list, help_text="Lista ordenada de {code, label, days}; vazia: as fases padrão."
    )
    visit_code = models.CharField("código de serviço da vistoria", max_length=20, default=REVIEW_VISIT_CODE)
    visit_minutes = models.PositiveSmallIntegerField("duração da vistoria (minutos)", default=60)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "configuração da revisão de consumo"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="service_review_settings_singleton")]

    def __str__(self) -> str:
        return "Configuração da revisão de consumo"


class ReviewCounter(models.Model):
    """The utility's yearly series of review numbers (3.2.6.2.1: 2024/0001, 2024/0002, 2025/0001)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ConsumptionReview(models.Model):
    class Origin(models.TextChoices):
        CUSTOMER = "customer", rules.ORIGIN_LABELS["customer"]
        INTERNAL = "internal", rules.ORIGIN_LABELS["internal"]
        READING = "reading", rules.ORIGIN_LABELS["reading"]

    class Outcome(models.TextChoices):
        NONE = "", "—"
        UPHELD = rules.UPHELD, rules.OUTCOME_LABELS[rules.UPHELD]
        REJECTED = rules.REJECTED, rules.OUTCOME_LABELS[rules.REJECTED]

    year = models.PositiveSmallIntegerField("ano")
    number = models.PositiveIntegerField("número")
    protocol = models.OneToOneField(
        "service.ServiceRequest", on_delete=models.PROTECT, related_name="review", verbose_name="protocolo"
    )
    origin = models.CharField("origem", max_length=10, choices=Origin.choices)
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.DateField("mês/ano da conta revisada", help_text="first day of the month")
    bill = models.ForeignKey(
        "billing.Bill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="conta",
    )
    reading = models.ForeignKey(
        "reading.Reading", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.CharField("endereço completo", max_length=300)
    requested_on = models.DateField("data da solicitação")
    requester_name = models.CharField("proponente", max_length=200)
    requester_email = models.EmailField("e-mail para o laudo", blank=True)
    residents = models.PositiveSmallIntegerField("número de moradores")
    has_pool = models.BooleanField("possui piscina", default=False)
    pool_liters = models.PositiveIntegerField("volume da piscina (litros)", null=True, blank=True)
    has_washing_machine = models.BooleanField("possui máquina de lavar roupa", default=False)
    has_water_tank = models.BooleanField("possui caixa d'água", default=False)
    tank_liters = models.PositiveIntegerField("capacidade da caixa d'água (litros)", null=True, blank=True)
    other_source = models.CharField(
        "outra fonte de água",
        max_length=10,
        blank=True,
        choices=[(k, v) for k, v in rules.OTHER_SOURCES.items()],
    )
    description = models.TextField("descrição da ocorrência")
    phase = models.CharField("fase", max_length=20)
    phase_since = models.DateField("na fase desde")
    phase_due_on = models.DateField("prazo da fase")
    visit_order = models.ForeignKey(
        "service.ServiceOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visit_at = models.DateTimeField("vistoria agendada para", null=True, blank=True)
    visit_technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="técnico da vistoria",
    )
    visit_report = models.TextField("relato da vistoria", blank=True)
    outcome = models.CharField("resultado", max_length=10, choices=Outcome.choices, blank=True)
    conclusion = models.TextField("parecer (laudo)", blank=True)
    new_bill = models.ForeignKey(
        "billing.Bill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="conta refaturada",
    )
    closed_at = models.DateTimeField("encerrada em", null=True, blank=True)
    closed_by = models.CharField("encerrada por", max_length=150, blank=True)
    emailed_to = models.EmailField("laudo enviado para", blank=True)
    emailed_at = models.DateTimeField("laudo enviado em", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = "revisão de consumo"
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="service_review_year_number")]
        indexes = [models.Index(fields=["phase", "phase_due_on"], name="service_review_phase")]

    def __str__(self) -> str:
        return self.control

    @property_
    def control(self) -> str:
        return rules.format_control(self.year, self.number)

    @property_
    def is_closed(self) -> bool:
        return self.phase == rules.CLOSED

    def other_source_label(self) -> str:
        return rules.OTHER_SOURCES.get(self.other_source, self.other_source)


class ReviewEvent(models.Model):
    """One step of a case, written by the service that made it (3.2.6.3): who, when, from which phase
    to which, and what they noted."""

    review = models.ForeignKey(ConsumptionReview, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=20)
    from_phase = models.CharField(max_length=20, blank=True)
    to_phase = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


__all__ = ["ConsumptionReview", "ReviewCounter", "ReviewEvent", "ReviewSettings"]
