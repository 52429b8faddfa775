"""Fraud hunting (seed 002 S6.3, examples §3.5): the utility's rules with their thresholds, and the
queue of findings the auditors close with a reason."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def default_conflicts() -> list[list[str]]:
    # S6.3-03: who can issue bills should not be able to reverse their payments, and so on
    return [
        ["billing.runs:add", "collection.payments:delete"],
        ["billing.bills:change", "collection.payments:delete"],
        ["access.users:add", "common.audit:view"],
    ]


class FraudRules(models.Model):
    """One row per utility (S6.3-01..03): thresholds are the utility's, none are in the tender."""

    repeat_count = models.PositiveSmallIntegerField(
        "repetições suspeitas (mesmo usuário, mesmo imóvel)", default=3, validators=[MinValueValidator(2)]
    )
    repeat_days = models.PositiveSmallIntegerField(
        "em quantos dias", default=30, validators=[MinValueValidator(1)]
    )
    repeat_actions = models.JSONField(
        "ações vigiadas", default=list, help_text="códigos de ação da auditoria (prefixos)"
    )
    name_threshold = models.DecimalField(
        "semelhança mínima de nomes",
        max_digits=3,
        decimal_places=2,
        default=0.85,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    conflicts = models.JSONField("pares de permissões conflitantes", default=default_conflicts)

    class Meta:
        verbose_name = "regras de caça-fraude"

    def __str__(self) -> str:
        return "Regras de caça-fraude"

    @classmethod
    def current(cls) -> FraudRules:
        rules = cls.objects.order_by("pk").first()
        if rules is None:
            rules = cls(
                repeat_actions=["billing.rebill", "billing.bill_cancel", "collection.payment_reverse"]
            )
        return rules


class FraudFinding(models.Model):
    class Rule(models.TextChoices):
        REPEATED = "repeated", "Mesmo usuário repetindo a operação no mesmo imóvel"
        SIMILAR_NAME = "similar_name", "Titular com nome semelhante ao de um usuário"
        CONFLICT = "conflict", "Permissões conflitantes (segregação de funções)"

    class Status(models.TextChoices):
        OPEN = "open", "Aberta"
        CLOSED = "closed", "Encerrada"

    rule = models.CharField("regra", max_length=20, choices=Rule.choices)
    key = models.CharField(max_length=200, unique=True, help_text="what makes the finding one: rerun-safe")
    summary = models.CharField("achado", max_length=300)
    detail = models.JSONField(default=dict)
    found_at = models.DateTimeField("encontrada em", auto_now_add=True)
    status = models.CharField("situação", max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=150, blank=True)
    close_reason = models.TextField("justificativa", blank=True)

    class Meta:
        ordering = ["status", "-found_at"]
        verbose_name = "achado de caça-fraude"

    def __str__(self) -> str:
        return self.summary
