"""Service (atendimento): the service-code catalogue with its policies and price table, materials and
kits, sectors, field teams with their members over time, vehicles; service orders, what was executed
and used on them, and the charges they leave for the property's next bill.

Prices are effective-dated rows (valid_from); the one in force on a date is the latest that started
on or before it, so a change never rewrites what an executed order was charged.
"""

from __future__ import annotations

import builtins

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .domain.deadlines import UNIT_LABELS, DeadlineUnit
from .domain.orders import STATUS_LABELS, OrderStatus

UNITS = [
    ("un", "unidade"),
    ("m", "metro"),
    ("m2", "metro quadrado"),
    ("m3", "metro cúbico"),
    ("kg", "quilograma"),
    ("l", "litro"),
    ("h", "hora"),
    ("vb", "verba"),
]


DEADLINE_UNITS = [(u.value, UNIT_LABELS[u]) for u in DeadlineUnit]


class Sector(models.Model):
    """Setor de execução / de controle: where an order of a code lands (its queue)."""

    name = models.CharField("nome", max_length=100, unique=True)
    email = models.EmailField("e-mail do setor", blank=True)
    is_active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "setor"

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    code = models.CharField("código", max_length=20, unique=True)
    description = models.CharField("descrição", max_length=200)
    unit = models.CharField("unidade", max_length=4, choices=UNITS, default="un")
    is_active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "material"

    def __str__(self) -> str:
        return f"{self.code} — {self.description}"


class MaterialPrice(models.Model):
    """Tabela de preços de materiais com vigência (3.2.11.27.2)."""

    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="prices", verbose_name="material"
    )
    valid_from = models.DateField("vigência a partir de")
    price = models.DecimalField(
        "preço (R$)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["material_id", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["material", "valid_from"], name="material_price_once")]

    def __str__(self) -> str:
        return f"{self.material_id} desde {self.valid_from:%d/%m/%Y}: R$ {self.price}"


class Kit(models.Model):
    """Materials a service is expected to use, defined in advance (3.2.11.9)."""

    code = models.CharField("código", max_length=20, unique=True)
    description = models.CharField("descrição", max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = "kit de materiais"

    def __str__(self) -> str:
        return f"{self.code} — {self.description}"


class KitItem(models.Model):
    kit = models.ForeignKey(
        Kit, on_delete=models.CASCADE, related_name="items", verbose_name="kit de materiais"
    )
    material = models.ForeignKey(
        Material, on_delete=models.PROTECT, related_name="+", verbose_name="material"
    )
    quantity = models.DecimalField(
        "quantidade", max_digits=10, decimal_places=3, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["kit_id", "material__code"]
        constraints = [models.UniqueConstraint(fields=["kit", "material"], name="kit_material_once")]

    def __str__(self) -> str:
        return f"{self.quantity} × material {self.material_id}"


class BillingType(models.TextChoices):
    MANDATORY = "mandatory", "Obrigatório"
    OPTIONAL = "optional", "Opcional"
    VARIABLE = "variable", "Variável"
    NOT_BILLABLE = "not_billable", "Não faturável"


MAX_PRINT_LAYOUTS = 6  # 3.2.11.1.16: up to six layouts of the order form


class ServiceCode(models.Model):
    """Código de serviço: the 18 policies of 3.2.11.1 as data the utility edits at any time."""

    code = models.CharField("código", max_length=20, unique=True)
    description = models.CharField("descrição", max_length=200)
    group = models.CharField("grupo", max_length=60, blank=True)
    billing_type = models.CharField("tipo de cobrança", max_length=12, choices=BillingType.choices)
    unit = models.CharField("unidade", max_length=4, choices=UNITS, default="un")
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="codes",
        verbose_name="setor de controle",
    )
    max_installments = models.PositiveSmallIntegerField(
        "máximo de parcelas", default=1, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    charges_interest = models.BooleanField("cobra juros no parcelamento", default=False)
    taxable = models.BooleanField("incide imposto", default=False)
    down_payment_required = models.BooleanField("exige entrada", default=False)
    min_down_payment_percent = models.DecimalField(
        "entrada mínima (%)",
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    deadline_value = models.PositiveIntegerField("prazo de execução", validators=[MinValueValidator(1)])
    deadline_unit = models.CharField("unidade do prazo", max_length=14, choices=DEADLINE_UNITS)
    priority = models.PositiveSmallIntegerField("prioridade", default=5, help_text="1 é a mais urgente")
    crew_size = models.PositiveSmallIntegerField("equipe prevista (pessoas)", default=1)
    max_postponements = models.PositiveSmallIntegerField("máximo de prorrogações", default=0)
    print_layouts = models.JSONField("layouts de impressão", default=list, blank=True)
    accounting_rubric = models.CharField("rubrica contábil", max_length=30, blank=True)
    opening_term = models.CharField(
        "termo gerado na abertura", max_length=100, blank=True, help_text="em branco: nenhum"
    )
    needs_approval = models.BooleanField("abre suspensa até aprovação", default=False)
    charges_materials = models.BooleanField("cobra materiais", default=False)
    is_cut = models.BooleanField("é corte (grandes consumidores só por equipe especial)", default=False)
    kit = models.ForeignKey(
        Kit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="codes",
        verbose_name="kit de materiais",
    )
    is_active = models.BooleanField("ativo", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "código de serviço"

    def __str__(self) -> str:
        return f"{self.code} — {self.description}"


class ServicePrice(models.Model):
    """Tabela de preços de serviços com vigência (3.2.11.21)."""

    code = models.ForeignKey(
        ServiceCode, on_delete=models.CASCADE, related_name="prices", verbose_name="código de serviço"
    )
    valid_from = models.DateField("vigência a partir de")
    price = models.DecimalField(
        "preço (R$)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["code_id", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="service_price_once")]

    def __str__(self) -> str:
        return f"{self.code_id} desde {self.valid_from:%d/%m/%Y}: R$ {self.price}"


class Team(models.Model):
    name = models.CharField("nome", max_length=100, unique=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="teams", verbose_name="setor"
    )
    special = models.BooleanField("equipe especial (corte de grandes consumidores)", default=False)
    is_active = models.BooleanField("ativa", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "equipe"

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A staff user in a team from `start` to `end` (open-ended when blank)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name="equipe")
    # DO_NOTHING, not PROTECT: the user model is also the vendor's in the public schema, where this
    # table does not exist, and Django's delete collector would query it there. Staff users are
    # deactivated, not deleted; deleting one still in a team fails on the database's foreign key.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", verbose_name="usuário"
    )
    start = models.DateField("início")
    end = models.DateField("fim", null=True, blank=True)

    class Meta:
        ordering = ["team_id", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="member_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"usuário {self.user_id} na equipe {self.team_id} desde {self.start:%d/%m/%Y}"


class Vehicle(models.Model):
    plate = models.CharField("placa", max_length=7, unique=True)
    description = models.CharField("descrição", max_length=100, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="vehicles", verbose_name="equipe"
    )
    is_active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["plate"]
        verbose_name = "veículo"

    def __str__(self) -> str:
        return self.plate


class OrderSequence(models.Model):
    """The last order number given in a year: numbers are sequential per year (2026/000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


ORDER_STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in OrderStatus]


class ServiceOrder(models.Model):
    """Ordem de serviço on a property; a street or a commercial customer as target come later (the
    columns are here, nullable, so the engine need not change)."""

    year = models.PositiveSmallIntegerField("ano")
    number = models.PositiveIntegerField("número")
    code = models.ForeignKey(
        ServiceCode, on_delete=models.PROTECT, related_name="orders", verbose_name="código de serviço"
    )
    property = models.ForeignKey(
        "registry.Property",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_orders",
        verbose_name="imóvel",
    )
    street = models.ForeignKey(
        "registry.Street",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="logradouro",
    )
    customer = models.ForeignKey(
        "registry.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cliente",
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="orders", verbose_name="setor"
    )
    status = models.CharField("situação", max_length=24, choices=ORDER_STATUS_CHOICES)
    priority = models.PositiveSmallIntegerField("prioridade")
    opened_at = models.DateTimeField("aberta em")
    opened_by = models.CharField("aberta por", max_length=150)
    due_at = models.DateTimeField("prazo")
    postponements = models.PositiveSmallIntegerField("prorrogações", default=0)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="orders", verbose_name="equipe"
    )
    scheduled_for = models.DateField("programada para", null=True, blank=True)
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="veículo"
    )
    executed_at = models.DateTimeField("executada em", null=True, blank=True)
    closed_at = models.DateTimeField("encerrada em", null=True, blank=True)
    closed_by = models.CharField("encerrada por", max_length=150, blank=True)
    reason = models.CharField("motivo (não execução ou cancelamento)", max_length=300, blank=True)
    notes = models.TextField("observações", blank=True)
    description = models.TextField("descrição da solicitação", blank=True)
    # 3.2.11.11 and .13: an order broken down at opening, or regenerated as rework of an unsatisfactory one
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="ordem de origem",
    )
    link = models.CharField(
        "vínculo",
        max_length=10,
        blank=True,
        choices=[("breakdown", "Desdobramento"), ("rework", "Retrabalho")],
    )

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = "ordem de serviço"
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="order_number_per_year")]
        indexes = [models.Index(fields=["status", "priority", "due_at"], name="order_queue")]

    def __str__(self) -> str:
        return self.label

    @builtins.property
    def label(self) -> str:
        return f"{self.year}/{self.number:06d}"


class OrderEvent(models.Model):
    """The order's history as its page shows it: every move, by whom, with what."""

    order = models.ForeignKey(
        ServiceOrder, on_delete=models.CASCADE, related_name="events", verbose_name="ordem de serviço"
    )
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["order_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} em {self.at:%d/%m/%Y %H:%M}"


class ExecutedService(models.Model):
    order = models.ForeignKey(
        ServiceOrder,
        on_delete=models.CASCADE,
        related_name="executed_services",
        verbose_name="ordem de serviço",
    )
    code = models.ForeignKey(
        ServiceCode, on_delete=models.PROTECT, related_name="+", verbose_name="código de serviço"
    )
    quantity = models.DecimalField(max_digits=10, decimal_places=3)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)

    def __str__(self) -> str:
        return f"{self.quantity} × serviço {self.code_id}"


class MaterialUsage(models.Model):
    order = models.ForeignKey(
        ServiceOrder, on_delete=models.CASCADE, related_name="materials_used", verbose_name="ordem de serviço"
    )
    material = models.ForeignKey(
        Material, on_delete=models.PROTECT, related_name="+", verbose_name="material"
    )
    quantity = models.DecimalField(max_digits=10, decimal_places=3)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)

    def __str__(self) -> str:
        return f"{self.quantity} × material {self.material_id}"


class PendingCharge(models.Model):
    """What an executed order leaves for the property's next bill: a service or a material charge.
    billing's run reads it through the item source `service.charge` (apps.py) and writes it with
    source "service.charge" and this row's id; once on a bill that is not cancelled it is no longer
    offered."""

    class Kind(models.TextChoices):
        SERVICE = "service", "Serviço"
        MATERIAL = "material", "Material"

    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, related_name="service_charges", verbose_name="imóvel"
    )
    order = models.ForeignKey(
        ServiceOrder, on_delete=models.PROTECT, related_name="charges", verbose_name="ordem de serviço"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["property_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.description}: R$ {self.amount}"


class AutomaticEvent(models.TextChoices):
    """The events of the lower modules (metering, reading) that may open an order by themselves."""

    METER_INSTALLED = "meter_installed", "Hidrômetro instalado"
    METER_REMOVED = "meter_removed", "Hidrômetro retirado"
    METER_SWAPPED = "meter_swapped", "Hidrômetro trocado"
    METER_EXPIRING = "meter_expiring", "Validade da aferição vencendo"
    READING_OCCURRENCE = "reading_occurrence", "Ocorrência de leitura"
    CONSUMPTION_REVIEW = "consumption_review", "Consumo em análise (crítica)"


class AutomaticRule(models.Model):
    """Abertura automática: an event (with the occurrence code, for a reading occurrence) opens an
    order of this service code. One rule per event and occurrence."""

    event = models.CharField("evento", max_length=30, choices=AutomaticEvent.choices)
    occurrence = models.CharField("ocorrência de leitura", max_length=10, blank=True, default="")
    code = models.ForeignKey(
        ServiceCode,
        on_delete=models.PROTECT,
        related_name="automatic_rules",
        verbose_name="código de serviço",
    )

    class Meta:
        ordering = ["event", "occurrence"]
        verbose_name = "regra de abertura automática"
        verbose_name_plural = "regras de abertura automática"
        constraints = [
            models.UniqueConstraint(fields=["event", "occurrence"], name="automatic_rule_once"),
            models.CheckConstraint(
                condition=Q(event="reading_occurrence", occurrence__gt="")
                | (~Q(event="reading_occurrence") & Q(occurrence="")),
                name="automatic_rule_occurrence_only_for_readings",
            ),
        ]

    def __str__(self) -> str:
        label = AutomaticEvent(self.event).label
        return f"{label} {self.occurrence}".strip()


class AutomaticOpening(models.Model):
    """The order an event opened, keyed by the event's source ("metering.installation:123"): the
    unique key is what makes a replayed event, or a second nightly run, open nothing more."""

    source = models.CharField("origem", max_length=80, unique=True)
    event = models.CharField("evento", max_length=30, choices=AutomaticEvent.choices)
    order = models.OneToOneField(
        ServiceOrder,
        on_delete=models.PROTECT,
        related_name="automatic_opening",
        verbose_name="ordem de serviço",
    )
    opened_at = models.DateTimeField("aberta em")

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.source


from .models_channels import *  # noqa: E402,F403
from .models_connections import *  # noqa: E402,F403
from .models_connections2 import *  # noqa: E402,F403
from .models_desk import *  # noqa: E402,F403
from .models_field import *  # noqa: E402,F403
from .models_losses import *  # noqa: E402,F403
from .models_news import *  # noqa: E402,F403
from .models_orders import *  # noqa: E402,F403
from .models_review import *  # noqa: E402,F403
from .models_units import *  # noqa: E402,F403
