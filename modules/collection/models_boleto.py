"""Registered boletos (cobrança registrada, CNAB 240, ADR 0216): the boleto agreements (convênios de
cobrança) of a bank, each bill's boleto with its nosso número and bank barcode, and every CNAB file
sent or received with what was made of each title."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from modules.common.models import NamedByKind
from modules.common.typed import TextChoices


class BoletoAgreement(NamedByKind):
    """A convênio de cobrança registrada with a bank: the branch and account the titles are credited
    to, the wallet (carteira), the next nosso número, the NSA counter, and the folder the bank
    interface exchanges files through (`bank_dir`/remessa out, `bank_dir`/retorno in)."""

    agent = models.ForeignKey(
        "collection.CollectingAgent", on_delete=models.PROTECT, related_name="boleto_agreements"
    )
    code = models.CharField("convênio de cobrança", max_length=20, unique=True)
    branch = models.CharField("agência", max_length=5)
    account = models.CharField("conta", max_length=12)
    wallet = models.CharField("carteira", max_length=2, default="9")
    company_document = models.CharField("CNPJ do beneficiário", max_length=14, blank=True)
    last_our_number = models.PositiveBigIntegerField("último nosso número", default=0)
    last_sequence = models.PositiveIntegerField("último NSA enviado", default=0)
    bank_dir = models.CharField("pasta de troca com o banco", max_length=300, blank=True)
    active = models.BooleanField("ativo", default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agent__code", "code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.agent.code})"


class BoletoFile(NamedByKind):
    """A CNAB 240 file: a remittance this utility sent (registrations and write-off requests) or a
    return the bank sent (confirmations, rejections, payments, write-offs). A return is imported once
    per bytes, content and (agreement, NSA)."""

    class Direction(TextChoices):
        REMITTANCE = "remittance", "Remessa"
        RETURN = "return", "Retorno"

    agreement = models.ForeignKey(BoletoAgreement, on_delete=models.PROTECT, related_name="files")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    sequence = models.PositiveIntegerField("NSA")
    generated_on = models.DateField()
    filename = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    content_sha256 = models.CharField(max_length=64)
    content = models.TextField()
    title_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    summary = models.JSONField(default=dict)  # return: outcome → count
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "direction", "sequence"], name="boleto_file_one_per_nsa"
            ),
            models.UniqueConstraint(
                fields=["sha256"], condition=Q(direction="return"), name="boleto_return_once_per_bytes"
            ),
        ]


class RegisteredBoleto(NamedByKind):
    """One bill's registered boleto. `pending` is what the next remittance tells the bank (register
    it, or ask for its write-off); `status` is what the bank said last."""

    class Status(TextChoices):
        NEW = "new", "A registrar"
        SENT = "sent", "Registro enviado"
        REGISTERED = "registered", "Registrado"
        REJECTED = "rejected", "Registro rejeitado"
        PAID = "paid", "Pago"
        WRITE_OFF_SENT = "write_off_sent", "Baixa enviada"
        WRITTEN_OFF = "written_off", "Baixado"

    class Pending(TextChoices):
        NONE = "", "—"
        REGISTER = "register", "Registro a enviar"
        WRITE_OFF = "write_off", "Baixa a enviar"

    agreement = models.ForeignKey(BoletoAgreement, on_delete=models.PROTECT, related_name="boletos")
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="boletos")
    our_number = models.CharField("nosso número", max_length=20)
    due_date = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    barcode = models.CharField(max_length=44)
    typeable_line = models.CharField(max_length=47)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    pending = models.CharField(max_length=10, choices=Pending.choices, blank=True, default="register")
    reasons = models.CharField("motivos do banco", max_length=120, blank=True)
    write_off_reason = models.CharField(max_length=200, blank=True)
    payment = models.ForeignKey(
        "collection.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "our_number"], name="boleto_our_number_unique"),
            models.UniqueConstraint(
                fields=["bill"],
                condition=~Q(status__in=["rejected", "written_off"]),
                name="boleto_one_live_per_bill",
            ),
        ]


class BoletoReturnRecord(NamedByKind):
    """Every T+U pair of a return, with what was made of it."""

    class Outcome(TextChoices):
        REGISTERED = "registered", "Registro confirmado"
        REJECTED = "rejected", "Registro rejeitado"
        PAID = "paid", "Pago e baixado"
        REVIEW = "review", "Pago, em revisão"
        WRITTEN_OFF = "written_off", "Baixa confirmada"
        UNMATCHED = "unmatched", "Nosso número desconhecido"
        IGNORED = "ignored", "Sem efeito"

    return_file = models.ForeignKey(BoletoFile, on_delete=models.CASCADE, related_name="records")
    boleto = models.ForeignKey(
        RegisteredBoleto, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    line = models.PositiveIntegerField()
    movement = models.CharField(max_length=2)
    our_number = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    occurred_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["return_file", "line"]


class PixReceiver(NamedByKind):
    """The utility's PIX key for the static BR Code printed on its bills (ADR 0217): the bank account
    (agent) it credits, the key, the name and city the payer's app shows. One active at a time."""

    agent = models.ForeignKey(
        "collection.CollectingAgent", on_delete=models.PROTECT, related_name="pix_receivers"
    )
    key = models.CharField("chave Pix", max_length=77)
    merchant_name = models.CharField("nome do recebedor", max_length=25)
    merchant_city = models.CharField("cidade", max_length=15)
    active = models.BooleanField(default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="pix_receiver_one_active"
            )
        ]
