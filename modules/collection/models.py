"""Collection (arrecadação): collecting agents, payments and their settlement of bills, bank return
files, payable documents (guias: debt statements, agreement down payments, gateway selections), the
Pagar.me charges and webhook events, and the late-charge policy with its index series.

Settling is guarded by the database, not by care: a bill has at most one live settlement and a
document at most one applied payment (partial unique indexes), so no replay, race or duplicate file
can settle anything twice.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from modules.common.fields import EncryptedTextField
from modules.common.models import NamedByKind
from modules.common.typed import TextChoices


class CollectingAgent(models.Model):
    """Who collects for the utility: a bank (its FEBRABAN code, A.05) and its convênio (A.03), a
    lottery network or correspondent, the online gateway, the utility's own counter. A convênio
    belongs to one agent: the return file's header names the agent by both."""

    class Kind(TextChoices):
        BANK = "bank", "Banco"
        LOTTERY = "lottery", "Casa lotérica"
        CORRESPONDENT = "correspondent", "Correspondente bancário"
        GATEWAY = "gateway", "Intermediador de pagamento on-line"
        COUNTER = "counter", "Caixa próprio"

    code = models.CharField("código", max_length=10, unique=True, help_text="código do banco (3 dígitos)")
    name = models.CharField("nome", max_length=120)
    kind = models.CharField("canal", max_length=14, choices=Kind.choices, default=Kind.BANK)
    agreement_code = models.CharField("convênio", max_length=20, blank=True)
    contract_number = models.CharField("contrato", max_length=40, blank=True)
    contract_start = models.DateField("início do contrato", null=True, blank=True)
    contract_end = models.DateField("fim do contrato", null=True, blank=True)
    fee_per_payment = models.DecimalField("tarifa por pagamento", max_digits=8, decimal_places=2, default=0)
    credit_days = models.PositiveSmallIntegerField("dias para crédito (float)", default=1)
    # the directory the bank's files are dropped in (a mounted SFTP/VAN folder): polled on a schedule,
    # each file imported once and moved to processados/ or recusados/ (ADR 0238)
    inbox_dir = models.CharField("pasta de entrada dos arquivos", max_length=300, blank=True, default="")
    # who hears of each file the inbox handled (the finance team): addresses separated by commas
    report_emails = models.CharField(
        "e-mails do resultado dos arquivos", max_length=500, blank=True, default=""
    )
    active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement_code"], condition=~Q(agreement_code=""), name="agent_agreement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class ReturnFile(NamedByKind):
    """One imported return file. A file is imported once: by its bytes (`sha256`), by what it says
    whatever its line ends or blanks (`content_sha256`, ADR 0030), and by its agent's NSA (A.08, +1
    per file): the two unique constraints let only one of two concurrent posts of a file commit.
    `duplicate_of` marks only files imported twice before those rules (migration 0006): they stay
    for the history and for reversing their payments, outside the constraints."""

    agent = models.ForeignKey(CollectingAgent, on_delete=models.PROTECT, related_name="return_files")
    sha256 = models.CharField(max_length=64, unique=True)
    content_sha256 = models.CharField("SHA-256 do conteúdo normalizado", max_length=64)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    filename = models.CharField(max_length=200, blank=True)
    sequence = models.PositiveIntegerField("NSA")
    generated_on = models.DateField()
    layout_version = models.CharField(max_length=2)
    record_count = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=14, decimal_places=2)
    fee_total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    payment_count = models.PositiveIntegerField(default=0)
    applied_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list)
    uploaded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_sha256"],
                condition=Q(duplicate_of__isnull=True),
                name="return_file_content_once",
            ),
            models.UniqueConstraint(
                fields=["agent", "sequence"],
                condition=Q(duplicate_of__isnull=True),
                name="return_file_nsa_once_per_agent",
            ),
        ]


class ReturnFileRefusal(NamedByKind):
    """A return file refused as a whole (malformed, unknown agent, already imported): nothing of it was
    applied; the problems are kept, line by line, so staff can send them back to the bank."""

    filename = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=40)
    message = models.TextField()
    problems = models.JSONField(default=list)
    uploaded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class PaymentDocument(NamedByKind):
    """A guia: one barcode paying several bills at once (with their late charges), or something that
    is not a bill (an agreement's down payment)."""

    class Kind(TextChoices):
        STATEMENT = "statement", "Extrato de débitos"
        DOWN_PAYMENT = "down_payment", "Entrada de parcelamento"
        GATEWAY = "gateway", "Pagamento on-line de faturas selecionadas"
        SERVICE_CHARGE = "service_charge", "Cobrança avulsa de serviço"
        CENTRALIZED = "centralized", "Fatura centralizada de órgão pagador"
        INSTALLMENT = "installment", "Parcela de parcelamento (carnê)"
        SOLID_WASTE = "solid_waste", "Carnê de resíduos sólidos"  # h-bill, ADR 0222

    class Status(TextChoices):
        OPEN = "open", "Em aberto"
        PAID = "paid", "Paga"
        CANCELLED = "cancelled", "Cancelada"

    # blank for a document not tied to a property: a commercial customer's standalone service charge
    # or a paying body's centralised invoice (its member bills are its lines); `customer` says whose
    property = models.ForeignKey(
        "registry.Property",
        on_delete=models.PROTECT,
        related_name="payment_documents",
        null=True,
        blank=True,
    )
    customer = models.ForeignKey(
        "registry.Customer",
        on_delete=models.PROTECT,
        related_name="payment_documents",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=14, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    barcode = models.CharField(max_length=44, blank=True, db_index=True)
    typeable_line = models.CharField(max_length=48, blank=True)
    valid_until = models.DateField("válido até")
    as_of = models.DateField("valores calculados para")
    source = models.CharField(max_length=40, blank=True, help_text="e.g. debt.agreement")
    source_id = models.CharField(max_length=40, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["source", "source_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(property__isnull=False) | Q(kind__in=["service_charge", "centralized"]),
                name="document_property_unless_standalone",
            )
        ]


class DocumentBill(NamedByKind):
    """A bill carried by a document, with the charges the document priced it at."""

    document = models.ForeignKey(PaymentDocument, on_delete=models.CASCADE, related_name="lines")
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="+")
    original = models.DecimalField(max_digits=12, decimal_places=2)
    fine = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    interest = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    correction = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "bill"], name="document_bill_once")]


class GatewayCharge(NamedByKind):
    """A Pagar.me order/charge for a document. Its status is only ever taken from the API.

    A card payment through the gateway's hosted checkout (`checkout`, VA-13) is an order whose charge
    only exists once the customer pays on the operator's page: until then `charge_id` is empty and
    the order (`order_id`), its checkout (`checkout_id`, `checkout_url`) and the checkout's deadline
    (`expires_at`) identify it. While such a checkout is pending its bills are *em revisão*."""

    class Method(TextChoices):
        PIX = "pix", "PIX"
        BOLETO = "boleto", "Boleto"
        CREDIT_CARD = "credit_card", "Cartão de crédito"
        CHECKOUT = "checkout", "Cartão de crédito (checkout)"

    document = models.ForeignKey(PaymentDocument, on_delete=models.PROTECT, related_name="gateway_charges")
    method = models.CharField(max_length=12, choices=Method.choices)
    amount_cents = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=64, unique=True)
    order_id = models.CharField(max_length=64, unique=True)
    charge_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20)
    qr_code = models.TextField(blank=True)
    qr_code_url = models.URLField(max_length=500, blank=True)
    boleto_line = models.CharField(max_length=60, blank=True)
    boleto_url = models.URLField(max_length=500, blank=True)
    account = models.ForeignKey(
        "GatewayAccount", null=True, blank=True, on_delete=models.PROTECT, related_name="charges"
    )
    checkout_id = models.CharField(max_length=64, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=500, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # a checkout's charge id arrives only when it is paid: unique once known
            models.UniqueConstraint(
                fields=["charge_id"], condition=~Q(charge_id=""), name="gateway_charge_id_once"
            )
        ]


class WebhookEvent(NamedByKind):
    """Each Pagar.me event, by its id, once; `outcome` says what re-fetching the charge led to."""

    event_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=60)
    charge_id = models.CharField(max_length=64, blank=True, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=200, blank=True)


class Payment(NamedByKind):
    class Channel(TextChoices):
        RETURN_FILE = "return_file", "Arquivo retorno"
        COUNTER = "counter", "Caixa (balcão)"
        GATEWAY = "gateway", "Pagamento on-line (PIX, boleto ou cartão)"
        DIRECT_DEBIT = "direct_debit", "Débito automático"
        DEPOSIT = "deposit", "Depósito bancário"
        BOLETO = "boleto", "Boleto registrado (CNAB 240)"
        PIX = "pix", "PIX (QR da conta)"

    class Status(TextChoices):
        APPLIED = "applied", "Baixado"
        REVIEW = "review", "Em análise"
        REVERSED = "reversed", "Estornado"
        REFUND = "refund", "A devolver"
        CREDITED = "credited", "Convertido em crédito"

    class Review(TextChoices):
        NONE = "", "—"
        WRONG_AMOUNT = "wrong_amount", "Valor diferente do documento"
        CANCELLED = "cancelled", "Documento cancelado"
        UNKNOWN = "unknown", "Documento não encontrado"
        DUPLICATE = "duplicate", "Pagamento em duplicidade"
        IN_AGREEMENT = "in_agreement", "Fatura incluída em parcelamento"

    agent = models.ForeignKey(CollectingAgent, on_delete=models.PROTECT, related_name="payments")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    review_reason = models.CharField(max_length=14, choices=Review.choices, blank=True)
    review_detail = models.CharField(max_length=300, blank=True)
    bill = models.ForeignKey(
        "billing.Bill", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        PaymentDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    property = models.ForeignKey(
        "registry.Property", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    barcode = models.CharField(max_length=44, blank=True, db_index=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    fee = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    paid_on = models.DateField("data do pagamento")
    credited_on = models.DateField("data do crédito")
    return_file = models.ForeignKey(
        ReturnFile, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    line = models.PositiveIntegerField(null=True, blank=True)
    authentication = models.CharField(max_length=40, blank=True)
    gateway_charge = models.ForeignKey(
        GatewayCharge, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"], condition=Q(status="applied"), name="payment_document_applied_once"
            ),
            # A gateway charge is paid once, whatever the webhook does.
            models.UniqueConstraint(
                fields=["gateway_charge"],
                condition=Q(gateway_charge__isnull=False),
                name="payment_per_charge",
            ),
        ]
        indexes = [models.Index(fields=["agent", "credited_on"]), models.Index(fields=["paid_on"])]


class Settlement(NamedByKind):
    """The baixa of one bill by one payment; at most one live per bill."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="settlements")
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="settlements")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_on = models.DateField()
    reversed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bill"], condition=Q(reversed=False), name="settlement_one_live_per_bill"
            )
        ]


class IndexSeries(models.Model):
    """A monthly rate series the tenant maintains (Selic, IPCA), with the rate for unpublished months."""

    code = models.CharField("código", max_length=10, unique=True)
    name = models.CharField("nome", max_length=80)
    provisional_rate = models.DecimalField("taxa provisória (mensal)", max_digits=10, decimal_places=6)
    sgs_code = models.PositiveIntegerField(
        "série no SGS do Banco Central", null=True, blank=True, help_text="ex.: 4390 (Selic mensal)"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class IndexRate(NamedByKind):
    """One month's rate of a series, as recorded at `recorded_at` (ADR 0130). A month has one row
    until a rate already used by a billed late charge is corrected: the correction is a new row with
    a later `recorded_at`, which every charge computed from then on takes (the latest row of the
    month); the rows before it stay as the record of what the billed charges used. `provisional`
    marks a rate entered before the official one (an estimate), to be replaced when it is published."""

    class Source(TextChoices):
        MANUAL = "manual", "Digitada"
        BCB_CSV = "bcb_csv", "Importada do CSV do Banco Central"
        SETTINGS = "settings", "Importada de documento de configuração"

    series = models.ForeignKey(IndexSeries, on_delete=models.CASCADE, related_name="rates")
    month = models.DateField("mês", help_text="first day of the month")
    rate = models.DecimalField("taxa", max_digits=10, decimal_places=6)
    provisional = models.BooleanField("provisória", default=False)
    source = models.CharField("origem", max_length=10, choices=Source.choices, default=Source.MANUAL)
    recorded_at = models.DateTimeField("registrada em", default=timezone.now)
    recorded_by = models.CharField("registrada por", max_length=150, blank=True)
    reason = models.CharField("motivo", max_length=300, blank=True)

    class Meta:
        ordering = ["series", "month", "recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "month", "recorded_at"], name="index_rate_once_per_month_and_instant"
            )
        ]


class LateChargePolicyVersion(NamedByKind):
    """The tenant's late-charge rule from `effective_from` on (resolution text for the record)."""

    class Method(TextChoices):
        NONE = "none", "Sem juros"
        MONTHLY_SERIES = "monthly_series", "Mensal por série (Selic), capitalizado"
        PRO_RATA_DIE = "pro_rata_die", "Taxa mensal pro rata die"
        DAILY = "daily", "Taxa diária"

    effective_from = models.DateField("vigência a partir de", unique=True)
    resolution = models.CharField("ato normativo", max_length=200, blank=True)
    fine_rate = models.DecimalField("multa", max_digits=6, decimal_places=4, default="0.02")
    interest_method = models.CharField(
        "método de juros", max_length=16, choices=Method.choices, default=Method.MONTHLY_SERIES
    )
    interest_rate = models.DecimalField("taxa de juros", max_digits=8, decimal_places=6, default="0.01")
    interest_on_fine = models.BooleanField("juros sobre a multa", default=True)
    interest_index = models.ForeignKey(
        IndexSeries,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="série de juros",
    )
    correction_index = models.ForeignKey(
        IndexSeries,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="índice de correção",
    )
    rounding = models.CharField(
        "arredondamento",
        max_length=10,
        choices=[("truncate", "Truncar"), ("half_up", "Arredondar")],
        default="truncate",
    )
    accrues_from = models.DateField("juros a partir de", null=True, blank=True)
    created_by = models.CharField("registrada por", max_length=150, blank=True)
    created_at = models.DateTimeField("registrada em", auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]

    @staticmethod
    def _percent(rate: object) -> str:
        return f"{(Decimal(str(rate)) * 100).normalize():f}".replace(".", ",") + " %"

    @property
    def fine_label(self) -> str:
        return self._percent(self.fine_rate)

    @property
    def interest_rate_label(self) -> str:
        return self._percent(self.interest_rate)


class GatewayAccount(NamedByKind):
    """The tenant's Pagar.me account: its secret key, and how its webhook proves itself (a secret in
    the URL and basic auth: v5 signs no body).

    The active accounts that `accepts_card` are the card operators the utility accredited (VA-13):
    the agency offers only those, by `name`, and the customer pays in the chosen one's hosted
    checkout."""

    provider = models.CharField(max_length=20, default="pagarme", unique=True)
    name = models.CharField("nome exibido ao cidadão", max_length=80, default="Pagar.me")
    accepts_card = models.BooleanField("credenciada para cartão (agência virtual)", default=True)
    base_url = models.URLField(default="https://api.pagar.me")
    # the three secrets are ciphertext in their columns (ADR 0012): compared in Python, never in SQL
    secret_key = EncryptedTextField()
    webhook_token = EncryptedTextField()
    webhook_username = models.CharField(max_length=60, blank=True)
    webhook_password = EncryptedTextField(blank=True)
    active = models.BooleanField(default=True)


from .models_boleto import BoletoAgreement as BoletoAgreement  # noqa: E402
from .models_boleto import BoletoFile as BoletoFile  # noqa: E402
from .models_boleto import BoletoReturnRecord as BoletoReturnRecord  # noqa: E402
from .models_boleto import PixReceiver as PixReceiver  # noqa: E402
from .models_boleto import RegisteredBoleto as RegisteredBoleto  # noqa: E402
from .models_direct_debit import DirectDebitAgreement as DirectDebitAgreement  # noqa: E402
from .models_direct_debit import DirectDebitAuthorization as DirectDebitAuthorization  # noqa: E402
from .models_direct_debit import DirectDebitBillControl as DirectDebitBillControl  # noqa: E402
from .models_direct_debit import DirectDebitEnrolmentQueue as DirectDebitEnrolmentQueue  # noqa: E402
from .models_direct_debit import DirectDebitItem as DirectDebitItem  # noqa: E402
from .models_direct_debit import DirectDebitRemittance as DirectDebitRemittance  # noqa: E402
from .models_direct_debit import DirectDebitReturn as DirectDebitReturn  # noqa: E402
from .models_direct_debit import DirectDebitReturnRecord as DirectDebitReturnRecord  # noqa: E402
from .models_exceptions import CollectionClosing as CollectionClosing  # noqa: E402
from .models_exceptions import PaymentAdjustment as PaymentAdjustment  # noqa: E402
from .models_exceptions import PaymentTransfer as PaymentTransfer  # noqa: E402
from .models_slips import CreditMove as CreditMove  # noqa: E402
from .models_slips import DocumentItem as DocumentItem  # noqa: E402
