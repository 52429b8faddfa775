"""Around the order engine (issue #14, 3.2.11): batch openings, quality inspections and rework,
opening notices by e-mail, opening terms, the forecast material sent to the inventory, and
contractors (empreiteiras) with their contracts, penalties and monthly measurement (medição)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .models import Sector, ServiceCode, ServiceOrder, Team

__all__ = [
    "BatchOpening",
    "BatchOpeningItem",
    "Contract",
    "ContractPrice",
    "Contractor",
    "ContractorMember",
    "ContractorTeam",
    "InventoryRequest",
    "Measurement",
    "OpeningNotice",
    "OrderTerm",
    "QualityInspection",
    "SectorRecipient",
]


class BatchOpening(models.Model):
    """Abertura em lote (3.2.11.24): one selection of properties, one code, one key. The key is what
    makes a re-submitted form (or a retried API call) open nothing more."""

    key = models.CharField("chave do lote", max_length=64, unique=True)
    code = models.ForeignKey(ServiceCode, on_delete=models.PROTECT, related_name="+", verbose_name="código")
    filters = models.JSONField("filtros", default=dict)
    description = models.TextField("descrição", blank=True)
    count = models.PositiveIntegerField("ordens abertas", default=0)
    opened_at = models.DateTimeField("aberto em")
    opened_by = models.CharField("aberto por", max_length=150)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = "abertura em lote"

    def __str__(self) -> str:
        return f"lote {self.key}"


class BatchOpeningItem(models.Model):
    batch = models.ForeignKey(BatchOpening, on_delete=models.CASCADE, related_name="items")
    order = models.OneToOneField(ServiceOrder, on_delete=models.PROTECT, related_name="batch_item")

    class Meta:
        ordering = ["batch_id", "id"]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.order_id}"


class QualityInspection(models.Model):
    """Vistoria de qualidade of an executed order (3.2.11.13): unsatisfactory regenerates a rework."""

    class Result(models.TextChoices):
        SATISFACTORY = "satisfactory", "Satisfatória"
        UNSATISFACTORY = "unsatisfactory", "Insatisfatória"

    order = models.ForeignKey(
        ServiceOrder, on_delete=models.CASCADE, related_name="inspections", verbose_name="ordem de serviço"
    )
    result = models.CharField("resultado", max_length=16, choices=Result.choices)
    note = models.CharField("parecer", max_length=300, blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="equipe original",
    )
    rework = models.OneToOneField(
        ServiceOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rework_of_inspection",
        verbose_name="retrabalho",
    )
    at = models.DateTimeField("em")
    by = models.CharField("por", max_length=150)

    class Meta:
        ordering = ["order_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_result_display()} em {self.at:%d/%m/%Y}"


class OpeningNotice(models.Model):
    """3.2.11.6: this code e-mails its execution sector's recipients when an order opens."""

    code = models.OneToOneField(
        ServiceCode, on_delete=models.CASCADE, related_name="opening_notice", verbose_name="código"
    )
    is_active = models.BooleanField("envia e-mail na abertura", default=True)

    def __str__(self) -> str:
        return f"aviso de abertura de {self.code_id}"


class SectorRecipient(models.Model):
    sector = models.ForeignKey(
        Sector, on_delete=models.CASCADE, related_name="recipients", verbose_name="setor"
    )
    email = models.EmailField("e-mail")

    class Meta:
        ordering = ["sector_id", "email"]
        constraints = [models.UniqueConstraint(fields=["sector", "email"], name="sector_recipient_once")]

    def __str__(self) -> str:
        return self.email


class OrderTerm(models.Model):
    """The term (termo) an opening generated (3.2.11.1.18): its text as rendered on opening, so the
    PDF is the same whenever it is printed, and the template version it came from."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField("documento", max_length=60)
    title = models.CharField("título", max_length=200)
    body_html = models.TextField("texto")
    template_id_used = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return self.title


class InventoryRequest(models.Model):
    """The forecast material of an opening sent to the utility's inventory (3.2.11.10): one per order
    (the idempotency key), with the lines sent and what the inventory answered."""

    class State(models.TextChoices):
        PENDING = "pending", "A enviar"
        SENT = "sent", "Enviada"
        FAILED = "failed", "Falhou"

    order = models.OneToOneField(ServiceOrder, on_delete=models.CASCADE, related_name="inventory_request")
    lines = models.JSONField(default=list)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    reservation = models.CharField("reserva no almoxarifado", max_length=60, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reserva da OS {self.order_id}: {self.state}"


# --- contractors (empreiteiras, 3.2.11.26) ----------------------------------------------------------


class Contractor(models.Model):
    name = models.CharField("razão social", max_length=150, unique=True)
    cnpj = models.CharField("CNPJ", max_length=14, blank=True)
    is_active = models.BooleanField("ativa", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "empreiteira"

    def __str__(self) -> str:
        return self.name


class ContractorTeam(models.Model):
    """A field team that belongs to a contractor: scheduled like the utility's own teams."""

    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="teams")
    team = models.OneToOneField(Team, on_delete=models.PROTECT, related_name="contractor_link")

    def __str__(self) -> str:
        return f"{self.team_id} de {self.contractor_id}"


class ContractorMember(models.Model):
    """A contractor's worker (no login in the utility's system) in one of its teams."""

    team = models.ForeignKey(ContractorTeam, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("nome", max_length=150)
    cpf = models.CharField("CPF", max_length=11, blank=True)
    role = models.CharField("função", max_length=60, blank=True)

    class Meta:
        ordering = ["team_id", "name"]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    class Pricing(models.TextChoices):
        FIXED = "fixed", "Valor fixo mensal"
        PER_SERVICE = "per_service", "Por serviço executado"

    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField("número", max_length=30, unique=True)
    starts_on = models.DateField("início da vigência")
    ends_on = models.DateField("fim da vigência")
    pricing = models.CharField("forma de pagamento", max_length=12, choices=Pricing.choices)
    monthly_value = models.DecimalField(
        "valor mensal (R$)", max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    # penalties (3.2.11.26.3): either, both or none
    penalty_per_day = models.DecimalField(
        "multa por dia de atraso (R$)", max_digits=12, decimal_places=2, default=0
    )
    late_threshold_percent = models.DecimalField(
        "tolerância de ordens atrasadas (%)",
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    late_penalty_percent = models.DecimalField(
        "multa sobre o valor quando acima da tolerância (%)",
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["contractor_id", "-starts_on"]
        verbose_name = "contrato"

    def __str__(self) -> str:
        return self.number


class ContractPrice(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="prices")
    code = models.ForeignKey(ServiceCode, on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(
        "preço (R$)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["contract_id", "code__code"]
        constraints = [models.UniqueConstraint(fields=["contract", "code"], name="contract_price_once")]

    def __str__(self) -> str:
        return f"{self.code_id}: R$ {self.price}"


class Measurement(models.Model):
    """Medição of a contract in a month: what is payable, the penalties and the net, with the
    executed orders it counted (`lines`) so the page and the PDF show how it was reached."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="measurements")
    month = models.DateField("mês de referência")  # the 1st of the month
    gross = models.DecimalField("valor bruto", max_digits=14, decimal_places=2)
    penalty_delay = models.DecimalField("multa por atraso", max_digits=14, decimal_places=2)
    penalty_late_share = models.DecimalField("multa por percentual atrasado", max_digits=14, decimal_places=2)
    net = models.DecimalField("valor líquido", max_digits=14, decimal_places=2)
    orders = models.PositiveIntegerField("ordens executadas")
    late_orders = models.PositiveIntegerField("ordens atrasadas")
    late_days = models.PositiveIntegerField("dias de atraso")
    lines = models.JSONField(default=list)
    computed_at = models.DateTimeField()
    computed_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["contract_id", "-month"]
        constraints = [models.UniqueConstraint(fields=["contract", "month"], name="measurement_once")]

    def __str__(self) -> str:
        return f"medição {self.contract_id} {self.month:%m/%Y}"


class ClosingForm(models.Model):
    """The fields a code's closing asks for (3.2.11.8), as a list of {name, label, kind, required,
    choices} (domain/closing.py checks it); none: the closing asks only the common data."""

    code = models.OneToOneField(
        ServiceCode, on_delete=models.CASCADE, related_name="closing_form", verbose_name="código"
    )
    fields = models.JSONField("campos", default=list)

    def __str__(self) -> str:
        return f"encerramento de {self.code_id}"


class OrderClosingData(models.Model):
    """What an executed closing reported in the code's own fields."""

    order = models.OneToOneField(ServiceOrder, on_delete=models.CASCADE, related_name="closing_data")
    values = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"dados do encerramento da OS {self.order_id}"


__all__ += ["ClosingForm", "OrderClosingData"]
