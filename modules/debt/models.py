"""Debt (cobrança): installment policies and agreements, and the certificates issued on a property.

A bill folded into an agreement stays as it is (billing owns it); `AgreementBill.active` says it is
negotiated, and at most one live agreement may hold a bill (partial unique index). Cancelling the
agreement switches its rows off, which restores the bills as open debts.
"""

from __future__ import annotations

import builtins

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from modules.common.models import NamedByKind

# a statement's late charges are priced up to its last day and its barcode carries that day: a far
# one is a mistake (the staff API bounds a typed date the same way)
VALIDITY_DAYS = (MinValueValidator(1), MaxValueValidator(365))


class DebtSettings(models.Model):
    """One row per utility (pk 1): how long the debt documents it issues are valid. Staff pages, the
    staff API and the citizens' agency read the same values."""

    # VA-14: DESO's extrato issued 22/04/2019 reads NÃO RECEBER APÓS 29/04/2019
    statement_valid_days = models.PositiveSmallIntegerField(
        "validade do extrato de débitos (dias)", default=7, validators=VALIDITY_DAYS
    )
    certificate_valid_days = models.PositiveSmallIntegerField(
        "validade da certidão negativa ou positiva com efeito de negativa (dias)",
        default=30,
        validators=VALIDITY_DAYS,
    )

    class Meta:
        verbose_name = "parâmetros de cobrança"

    def __str__(self) -> str:
        return "Parâmetros de cobrança"

    @classmethod
    def current(cls) -> DebtSettings:
        """The utility's row, or the defaults while nobody has saved one."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class InstallmentPolicyVersion(NamedByKind):
    effective_from = models.DateField("vigência a partir de", unique=True)
    resolution = models.CharField("resolução", max_length=200, blank=True)
    monthly_rate = models.DecimalField("juros do parcelamento (mensal)", max_digits=8, decimal_places=6)
    max_installments = models.PositiveSmallIntegerField("máximo de parcelas")
    # Who may grant what: up to this count the attendant's function suffices; beyond it, the
    # function debt.agreements_extended is required.
    standard_max_installments = models.PositiveSmallIntegerField("máximo sem autorização especial")
    min_down_payment_rate = models.DecimalField(
        "entrada mínima (fração)", max_digits=6, decimal_places=4, default=0
    )
    down_payment_required = models.BooleanField("entrada obrigatória", default=False)
    min_installment = models.DecimalField("parcela mínima", max_digits=10, decimal_places=2, default="0.01")
    min_debt = models.DecimalField("débito mínimo", max_digits=10, decimal_places=2, default="0.01")
    fine_discount_rate = models.DecimalField("desconto na multa", max_digits=6, decimal_places=4, default=0)
    interest_discount_rate = models.DecimalField(
        "desconto nos juros", max_digits=6, decimal_places=4, default=0
    )
    rounding = models.CharField(
        "arredondamento da parcela",
        max_length=10,
        choices=[("truncate", "Truncar"), ("half_up", "Arredondar")],
        default="half_up",
    )
    leftover = models.CharField(
        "diferença de arredondamento na parcela",
        max_length=5,
        choices=[("first", "Primeira"), ("last", "Última")],
        default="last",
    )
    down_payment_days = models.PositiveSmallIntegerField("prazo para pagar a entrada (dias)", default=5)
    cancel_after_unpaid = models.PositiveSmallIntegerField("cancelar após parcelas vencidas", default=3)
    # Seed 003's simulator asks "Com reativação de ligação de água?": yes adds this service fee to the
    # debt (débitos a cobrar: serviços) before the installment table. A rule of the utility, dated
    # with the rest of its installment policy.
    reactivation_fee = models.DecimalField(
        "taxa de reativação de ligação de água", max_digits=10, decimal_places=2, default="0.00"
    )

    # 3.2.9.1.8: printed on the negotiation term above "pela concessionária"
    representative_name = models.CharField("representante da empresa no termo", max_length=120, blank=True)
    # 3.2.9.1.10–13: re-plans (reparcelamentos). A customer "with an infraction" is one with an
    # irregularity fine on the property (debt.infractions hook; none are registered yet).
    max_replans = models.PositiveSmallIntegerField("máximo de reparcelamentos por cliente", default=3)
    replan_max_installments = models.PositiveSmallIntegerField(
        "máximo de parcelas no reparcelamento (sem infração)", default=12
    )
    replan_max_installments_infraction = models.PositiveSmallIntegerField(
        "máximo de parcelas no reparcelamento (com infração)", default=6
    )
    replan_min_down_payment_rate_infraction = models.DecimalField(
        "entrada mínima no reparcelamento com infração (fração)",
        max_digits=6,
        decimal_places=4,
        default="0.3000",
    )

    class Meta:
        ordering = ["-effective_from"]


class Agreement(models.Model):
    class Status(models.TextChoices):
        AWAITING_DOWN_PAYMENT = "awaiting", "Aguardando entrada"
        ACTIVE = "active", "Em andamento"
        COMPLETED = "completed", "Quitado"
        CANCELLED = "cancelled", "Cancelado"

    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="agreements")
    policy = models.ForeignKey(InstallmentPolicyVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    as_of = models.DateField()
    bills_total = models.DecimalField(max_digits=12, decimal_places=2)
    fines = models.DecimalField(max_digits=12, decimal_places=2)
    interest = models.DecimalField(max_digits=12, decimal_places=2)
    previous_agreements = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    discount = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    down_payment = models.DecimalField(max_digits=12, decimal_places=2)
    count = models.PositiveSmallIntegerField()
    monthly_rate = models.DecimalField(max_digits=8, decimal_places=6)
    installment_value = models.DecimalField(max_digits=12, decimal_places=2)
    down_payment_document = models.ForeignKey(
        "collection.PaymentDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"parcelamento {self.number}"

    @builtins.property  # the `property` field shadows the builtin in this class body
    def number(self) -> str:
        return f"{self.created_at:%Y}/{self.pk:06d}" if self.created_at else str(self.pk)


class AgreementBill(NamedByKind):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="bills")
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="+")
    original = models.DecimalField(max_digits=12, decimal_places=2)
    fine = models.DecimalField(max_digits=12, decimal_places=2)
    interest = models.DecimalField(max_digits=12, decimal_places=2)
    correction = models.DecimalField(max_digits=12, decimal_places=2)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bill"], condition=Q(active=True), name="bill_in_one_live_agreement"
            )
        ]


class Installment(NamedByKind):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    interest = models.DecimalField(max_digits=12, decimal_places=2)
    amortization = models.DecimalField(max_digits=12, decimal_places=2)
    balance = models.DecimalField(max_digits=12, decimal_places=2)
    # VA-16 (ADR 0213): an installment not yet on a bill paid ahead by its booklet slip; billing then
    # never puts it on a bill
    paid_document = models.ForeignKey(
        "collection.PaymentDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="installment_number_once")
        ]


class Certificate(NamedByKind):
    class Kind(models.TextChoices):
        NEGATIVE = "negativa", "Certidão negativa de débitos"
        POSITIVE_WITH_NEGATIVE_EFFECT = (
            "positiva_com_efeito_de_negativa",
            "Certidão positiva com efeito de negativa",
        )
        ANNUAL_DECLARATION = "declaracao_anual", "Declaração anual de quitação de débitos"
        ACTIVE_DEBT = "certidao_divida_ativa", "Certidão de dívida ativa"

    code = models.CharField(max_length=24, unique=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="certificates")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    issued_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    statement = models.JSONField(help_text="what the certificate states, exactly as printed")
    issued_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


from .models_active_debt import ActiveDebtBook as ActiveDebtBook  # noqa: E402
from .models_active_debt import ActiveDebtCertificate as ActiveDebtCertificate  # noqa: E402
from .models_active_debt import ActiveDebtEntry as ActiveDebtEntry  # noqa: E402
from .models_active_debt import ActiveDebtEvent as ActiveDebtEvent  # noqa: E402
from .models_active_debt import ActiveDebtNotice as ActiveDebtNotice  # noqa: E402
from .models_active_debt import ActiveDebtSettings as ActiveDebtSettings  # noqa: E402
from .models_bureau import *  # noqa: E402,F403
from .models_cutoff import *  # noqa: E402,F403
