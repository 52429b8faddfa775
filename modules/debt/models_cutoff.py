"""The cut-off side of collection (seed 001 3.2.9.7–3.2.9.15, issue #16): the utility's cut-off
policy by effective date (the federal floor of Lei 14.015/2020 plus its own notice parameters), the
cut notices issued from it, the blocks that keep a unit out of the ladder and the history of every
collection action on a property (shown on the attendant's timeline).

The cut and reconnection orders themselves are service orders (modules/service, CutRecord): a notice
only keeps the id of the order it led to."""

from __future__ import annotations

import builtins

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from modules.common.models import NamedByKind

__all__ = ["CollectionBlock", "CollectionEvent", "CutNotice", "CutoffPolicy"]


class CutoffPolicy(NamedByKind):
    """A version of the utility's cut-off policy from `effective_from`; the one in force on a day is
    the latest that started on or before it, and a fresh utility reads the defaults (`in_force`)."""

    class Priority(models.TextChoices):
        LOCATION = "location", "Estrutura de localização (localidade, setor, rota)"
        NOTICE_DUE = "notice_due", "Vencimento do aviso (mais antigo primeiro)"
        AMOUNT = "amount", "Maior valor do aviso"

    effective_from = models.DateField("vigência a partir de", unique=True)
    # the federal floor (Lei 14.015/2020), widened by the municipality
    notice_days = models.PositiveSmallIntegerField(
        "dias do aviso até o corte", default=15, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    forbidden_weekdays = models.JSONField("dias da semana sem início de corte", default=list)
    forbid_holiday_eve = models.BooleanField("sem corte na véspera de feriado", default=True)
    observe_optional_holidays = models.BooleanField(
        "sem corte no Carnaval e em Corpus Christi (pontos facultativos)", default=True
    )
    business_start = models.TimeField("início do horário comercial", default="08:00")
    business_end = models.TimeField("fim do horário comercial", default="17:00")
    # the notice parameters (3.2.9.7.1–.11)
    min_overdue_bills = models.PositiveSmallIntegerField("mínimo de contas vencidas", default=1)
    min_debt = models.DecimalField("débito mínimo", max_digits=12, decimal_places=2, default="0.01")
    min_days_overdue = models.PositiveSmallIntegerField("mínimo de dias de atraso", default=15)
    notice_message = models.TextField("mensagem do aviso de corte", blank=True, default="")
    notice_fee = models.DecimalField(
        "taxa do aviso de corte (0 = sem cobrança)", max_digits=10, decimal_places=2, default="0.00"
    )
    allow_multiple_pending = models.BooleanField("permite mais de um aviso pendente", default=False)
    notify_already_cut = models.BooleanField("avisa unidades já cortadas", default=False)
    print_barcode = models.BooleanField("imprime código de barras no aviso", default=True)
    # 3.2.9.8: the notices are issued with the group's reading batch and go to the device with it
    notices_with_reading_batch = models.BooleanField("emite os avisos com a carga de leitura", default=False)
    protected_categories = models.JSONField(
        "categorias protegidas (nunca selecionadas)", default=list, blank=True
    )
    # the cut-order policy (3.2.9.12.x)
    order_priority = models.CharField(
        "prioridade das ordens de corte", max_length=12, choices=Priority.choices, default=Priority.NOTICE_DUE
    )
    max_orders_per_day = models.PositiveIntegerField("máximo de ordens de corte por dia", default=50)
    min_notice_amount = models.DecimalField(
        "valor mínimo do aviso para a ordem", max_digits=12, decimal_places=2, default="0.01"
    )
    order_message = models.TextField("mensagem da ordem de corte", blank=True, default="")
    second_level_after_days = models.PositiveSmallIntegerField(
        "dias após o corte no cavalete para o corte no ramal", default=30
    )
    # the reminder step (e-mail and SMS to the holder) before any notice
    reminder_days_overdue = models.PositiveSmallIntegerField("dias de atraso para o lembrete", default=3)
    # the ladder's steps the daily task runs (codes of modules/debt/ladder.py), in the ladder's order
    daily_steps = models.JSONField("etapas executadas diariamente", default=list, blank=True)
    # 3.2.9.12.6: per cut level ("meter_stand" = 1st, "branch" = 2nd), the weekdays and the hours in
    # which its orders are generated: {"meter_stand": {"weekdays": [0, 1], "hours": ["08:00", "12:00"]}};
    # a level left out is generated on every day the law allows, at any hour
    level_windows = models.JSONField("janelas de geração das ordens por nível", default=dict, blank=True)
    reconnection_hours = models.PositiveSmallIntegerField(
        "prazo da religação após o pagamento (horas)", default=24
    )
    created_by = models.CharField(max_length=150, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "política de corte"


class CutNotice(NamedByKind):
    """Aviso de corte: the bills it lists, the day from which the unit may be cut (the policy's
    earliest legal day after delivery) and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pendente"
        ORDERED = "ordered", "Ordem de corte emitida"
        SETTLED = "settled", "Quitado (pagamento ou parcelamento)"
        CANCELLED = "cancelled", "Cancelado"

    class Kind(models.TextChoices):
        CUT = "cut", "Aviso de corte"
        # 3.2.9.7.4: overdue bills with no water charge, only other services: a debt notice, which
        # never becomes a cut order and is not charged
        DEBT = "debt", "Aviso de débito"

    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, related_name="cut_notices", verbose_name="imóvel"
    )
    kind = models.CharField("tipo", max_length=4, choices=Kind.choices, default=Kind.CUT)
    policy = models.ForeignKey(
        CutoffPolicy, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField("situação", max_length=10, choices=Status.choices, default=Status.PENDING)
    issued_on = models.DateField("emitido em")
    delivered_on = models.DateField("entregue em")
    cut_from = models.DateField("corte a partir de")
    bill_ids = models.JSONField("contas", default=list)
    bills = models.PositiveSmallIntegerField("quantidade de contas")
    amount = models.DecimalField("valor", max_digits=12, decimal_places=2)
    fee = models.DecimalField("taxa do aviso", max_digits=10, decimal_places=2, default="0.00")
    message = models.TextField("mensagem", blank=True, default="")
    order_id = models.BigIntegerField("OS de corte", null=True, blank=True)
    # the payable document (collection) whose FEBRABAN barcode settles the listed bills (3.2.9.7.11)
    document = models.ForeignKey(
        "collection.PaymentDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_on = models.DateField("encerrado em", null=True, blank=True)
    closed_reason = models.TextField("motivo", blank=True, default="")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "aviso de corte"
        constraints = [
            # the daily selection run twice issues nothing more
            models.UniqueConstraint(fields=["property", "issued_on"], name="cut_notice_once_a_day"),
        ]
        indexes = [models.Index(fields=["status", "cut_from"])]

    @builtins.property
    def number(self) -> str:
        return f"{self.issued_on:%Y}/{self.pk:06d}" if self.pk else ""


class CollectionBlock(NamedByKind):
    """3.2.9.15: a unit kept out of the notices, the cut orders or both until the block ends."""

    class Scope(models.TextChoices):
        NOTICES = "notices", "Avisos de corte"
        ORDERS = "orders", "Ordens de corte"
        BOTH = "both", "Avisos e ordens de corte"

    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, related_name="collection_blocks", verbose_name="imóvel"
    )
    scope = models.CharField("bloqueia", max_length=8, choices=Scope.choices, default=Scope.BOTH)
    starts_on = models.DateField("a partir de")
    ends_on = models.DateField("até", null=True, blank=True)
    reason = models.TextField("parecer")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "bloqueio de cobrança"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="collection_block_period",
            )
        ]


class CollectionEvent(NamedByKind):
    """One collection action on a property (a reminder sent, a notice issued or cancelled, a block, a
    cut order): the attendant's timeline reads these; `citizen` ones are shown in the agency."""

    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, related_name="collection_events", verbose_name="imóvel"
    )
    at = models.DateTimeField("quando")
    step = models.CharField("etapa", max_length=20)
    action = models.CharField("ação", max_length=40)
    summary = models.CharField("resumo", max_length=300)
    citizen = models.BooleanField("visível ao cidadão", default=False)
    actor = models.CharField(max_length=150)
    # the ladder's idempotency: one event per (step, key) – a run on the same day writes nothing more
    key = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "ação de cobrança"
        constraints = [
            models.UniqueConstraint(
                fields=["property", "step", "key"], condition=~Q(key=""), name="collection_event_once"
            )
        ]
        indexes = [models.Index(fields=["property", "-at"])]
