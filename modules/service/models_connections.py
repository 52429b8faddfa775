"""New connections (ligações novas, seed002 §8): the request made at the counter with its document
checklist, the feasibility and execution orders it opens, its budget and how the fee is settled,
and the configurable workflow (definition with ordered steps, one instance per request)."""

from __future__ import annotations

from django.db import models

__all__ = [
    "ConnectionDocument",
    "ConnectionRequest",
    "WorkflowDefinition",
    "WorkflowInstance",
    "WorkflowStep",
]


class ConnectionDocument(models.Model):
    """One item of the document checklist for a kind of connection (data, not code)."""

    kind = models.CharField("tipo de ligação", max_length=10)
    name = models.CharField("documento", max_length=120)
    position = models.PositiveSmallIntegerField("ordem", default=1)
    required = models.BooleanField("obrigatório", default=True)

    class Meta:
        ordering = ["kind", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="connection_document_kind_name")]

    def __str__(self) -> str:
        return self.name


class WorkflowDefinition(models.Model):
    """A configurable workflow (e.g. new water connection: registration → feasibility → budget →
    execution → first bill)."""

    name = models.CharField("nome", max_length=120, unique=True)
    kind = models.CharField("tipo de ligação", max_length=10, default="water")
    active = models.BooleanField("ativo", default=True)
    # S8.4-03: the area (água or esgoto) the orders of this request type belong to
    area = models.CharField(
        "área", max_length=6, choices=[("water", "Água"), ("sewer", "Esgoto")], default="water"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkflowStep(models.Model):
    """A step: opens an order of `service_code`, or is a manual checkpoint (`checkpoint`)."""

    class Checkpoint(models.TextChoices):
        REGISTRATION = "registration", "Registro do pedido"
        FEASIBILITY = "feasibility", "Viabilidade"
        BUDGET = "budget", "Orçamento e pagamento"
        EXECUTION = "execution", "Execução da ligação"
        ACTIVATION = "activation", "Ativação pela área que encerrou a OS"
        FIRST_BILL = "first_bill", "Primeira conta"

    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField("ordem")
    title = models.CharField("etapa", max_length=120)
    checkpoint = models.CharField("marco", max_length=14, choices=Checkpoint.choices)
    service_code = models.CharField("código de serviço a abrir", max_length=20, blank=True)

    class Meta:
        ordering = ["definition_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "position"], name="workflow_step_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class ConnectionRequest(models.Model):
    class Kind(models.TextChoices):
        WATER = "water", "Água"
        SEWER = "sewer", "Esgoto"
        BOTH = "both", "Água e esgoto"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Solicitada"
        FEASIBILITY = "feasibility", "Em viabilidade"
        BUDGET = "budget", "Orçamento"
        AWAITING_PAYMENT = "awaiting_payment", "Aguardando pagamento"
        EXECUTION = "execution", "Em execução"
        PROVISIONAL = "provisional", "Provisória"
        ACTIVE = "active", "Ativa"
        REFUSED = "refused", "Recusada"
        CANCELLED = "cancelled", "Cancelada"

    class Settlement(models.TextChoices):
        NONE = "", "—"
        BILL = "bill", "Na próxima conta"
        PAID = "paid", "Pago no balcão"

    year = models.PositiveSmallIntegerField("ano")
    number = models.PositiveIntegerField("número")
    requester_name = models.CharField("requerente", max_length=150)
    requester_document = models.CharField("CPF/CNPJ", max_length=14)
    requester_rg = models.CharField("RG", max_length=20, blank=True)
    phone = models.CharField("telefone", max_length=20, blank=True)
    phone_is_owner = models.BooleanField("o telefone é do requerente", default=True)
    citizen_name = models.CharField("cidadão atendido", max_length=150, blank=True)
    street = models.ForeignKey("registry.Street", on_delete=models.PROTECT, verbose_name="logradouro")
    street_number = models.CharField("número", max_length=10)
    municipal_inscription = models.CharField("inscrição municipal", max_length=30, blank=True)
    kind = models.CharField("tipo", max_length=10, choices=Kind.choices)
    status = models.CharField("situação", max_length=20, choices=Status.choices, default=Status.REQUESTED)
    documents = models.JSONField("documentos conferidos", default=dict, blank=True)
    target = models.ForeignKey(
        "registry.Property",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="imóvel criado",
    )
    feasibility_order = models.ForeignKey(
        "service.ServiceOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    execution_order = models.ForeignKey(
        "service.ServiceOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fee = models.DecimalField("taxa", max_digits=12, decimal_places=2, null=True, blank=True)
    settlement = models.CharField(
        "quitação da taxa", max_length=4, choices=Settlement.choices, default="", blank=True
    )
    installments = models.PositiveSmallIntegerField("parcelas", default=1)
    reason = models.CharField("motivo", max_length=300, blank=True)
    # S8.4-04: the CDC's service type (billing's ServiceType), S8.1-06 the billing collection form,
    # S8.5-05 what the activation confirmed (utilização = category, economias)
    service_type = models.CharField("tipo de serviço do CDC", max_length=30, blank=True, default="")
    collection_form = models.CharField("forma de cobrança", max_length=30, blank=True, default="normal")
    usage = models.CharField("utilização", max_length=10, blank=True, default="")
    economies = models.PositiveSmallIntegerField("economias", null=True, blank=True)
    activated_by = models.CharField("ativada por", max_length=150, blank=True, default="")
    created_at = models.DateTimeField("registrada em")
    created_by = models.CharField("registrada por", max_length=150)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="connection_request_number")]

    def __str__(self) -> str:
        return f"Ligação nova {self.label}"

    @property
    def label(self) -> str:
        return f"{self.number:06d}/{self.year}"


class WorkflowInstance(models.Model):
    """A request's walk through its workflow: the position of the current step."""

    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.PROTECT)
    request = models.OneToOneField(ConnectionRequest, on_delete=models.CASCADE, related_name="workflow")
    position = models.PositiveSmallIntegerField("etapa atual", default=1)
    log = models.JSONField("histórico", default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.definition} · etapa {self.position}"
