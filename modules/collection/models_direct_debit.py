"""Direct debit (débito automático, ADR 0235): the agreements (convênios de débito) of a collecting
agent — several per bank —, the customers' authorisations per property with branch and account, the
remittances sent (one per agreement, numbered by the agreement's NSA), each debit sent (one bill, one
attempt), the bank's return files with every record kept, the enrolment records nobody could identify,
and what staff decided for a bill (frozen, forced to an agreement, resent with a reason)."""

from __future__ import annotations

import builtins

from django.db import models
from django.db.models import Q

from modules.common.models import NamedByKind
from modules.common.typed import TextChoices


class DirectDebitAgreement(NamedByKind):
    """A convênio de débito automático with a bank (A.03 of its files). A bank may hold several."""

    agent = models.ForeignKey(
        "collection.CollectingAgent", on_delete=models.PROTECT, related_name="debit_agreements"
    )
    code = models.CharField("convênio de débito", max_length=20, unique=True)
    name = models.CharField("descrição", max_length=80, blank=True)
    layout_version = models.CharField("versão do layout", max_length=2, default="05")
    last_sequence = models.PositiveIntegerField("último NSA enviado", default=0)
    active = models.BooleanField("ativo", default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agent__code", "code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.agent.code})"


class DirectDebitAuthorization(NamedByKind):
    """A customer's authorisation to debit a property's bills from an account (opt-in; opt-out
    cancels it). `pending` is what the utility still has to tell the bank in a B record of the next
    remittance (its own enrolment or cancellation); the bank's own B records need no answer."""

    class Status(TextChoices):
        ACTIVE = "active", "Ativa"
        CANCELLED = "cancelled", "Cancelada"

    class Origin(TextChoices):
        BANK = "bank", "Cadastrada pelo banco (registro B)"
        UTILITY = "utility", "Cadastrada pela concessionária"

    class Pending(TextChoices):
        NONE = "", "—"
        INCLUDE = "include", "Inclusão a enviar"
        EXCLUDE = "exclude", "Exclusão a enviar"

    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, related_name="debit_authorizations"
    )
    agreement = models.ForeignKey(
        DirectDebitAgreement, on_delete=models.PROTECT, related_name="authorizations"
    )
    branch = models.CharField("agência", max_length=4)
    account = models.CharField("conta (identificação no banco)", max_length=14)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    origin = models.CharField(max_length=8, choices=Origin.choices)
    pending = models.CharField(max_length=8, choices=Pending.choices, blank=True, default="")
    opted_on = models.DateField("data da opção")
    cancelled_on = models.DateField("data da exclusão", null=True, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["property"], condition=Q(status="active"), name="debit_authorization_one_active"
            )
        ]

    @builtins.property
    def masked_account(self) -> str:
        return "****" + self.account[-4:] if len(self.account) > 4 else self.account


class DirectDebitRemittance(NamedByKind):
    """One remittance file sent to a bank for one agreement: its NSA, its bytes and its totals."""

    agreement = models.ForeignKey(DirectDebitAgreement, on_delete=models.PROTECT, related_name="remittances")
    sequence = models.PositiveIntegerField("NSA")
    generated_on = models.DateField()
    due_until = models.DateField("vencimentos até")
    debit_count = models.PositiveIntegerField(default=0)
    enrolment_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    content = models.TextField()
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "sequence"], name="debit_remittance_nsa_once")
        ]


class DirectDebitItem(NamedByKind):
    """One bill sent for debit in one remittance (attempt n of that bill), and what the bank answered."""

    class Status(TextChoices):
        SENT = "sent", "Enviado ao banco"
        DEBITED = "debited", "Debitado"
        REFUSED = "refused", "Não debitado"
        REVIEW = "review", "Debitado, em análise (fatura já paga)"

    remittance = models.ForeignKey(DirectDebitRemittance, on_delete=models.PROTECT, related_name="items")
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="+")
    authorization = models.ForeignKey(
        DirectDebitAuthorization, on_delete=models.PROTECT, related_name="items"
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    due_date = models.DateField()
    line = models.PositiveIntegerField()
    resend_reason = models.CharField("motivo do reenvio", max_length=200, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENT, db_index=True)
    return_code = models.CharField(max_length=2, blank=True)
    return_label = models.CharField(max_length=120, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    payment = models.ForeignKey(
        "collection.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["remittance", "line"]
        constraints = [
            models.UniqueConstraint(fields=["bill", "attempt"], name="debit_item_attempt_once"),
            # a bill is awaiting the bank's answer in at most one remittance
            models.UniqueConstraint(
                fields=["bill"], condition=Q(status="sent"), name="debit_item_one_pending_per_bill"
            ),
        ]


class DirectDebitBillControl(NamedByKind):
    """What staff decided for one bill (S13.4-03/04, 3.2.7.16): keep it out of every remittance
    (`frozen`), send it only under `forced_agreement`, or send it again after a refusal with a
    reason (`resend_reason`, cleared once it is sent)."""

    bill = models.OneToOneField("billing.Bill", on_delete=models.PROTECT, related_name="+")
    frozen = models.BooleanField("fora do débito automático", default=False)
    forced_agreement = models.ForeignKey(
        DirectDebitAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resend_reason = models.CharField("motivo do reenvio", max_length=200, blank=True)
    reason = models.CharField("justificativa", max_length=300)
    updated_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField(auto_now=True)


class DirectDebitReturn(NamedByKind):
    """One return file of an agreement, imported once (bytes, content and the bank's NSA)."""

    agreement = models.ForeignKey(DirectDebitAgreement, on_delete=models.PROTECT, related_name="returns")
    sha256 = models.CharField(max_length=64, unique=True)
    content_sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=200, blank=True)
    sequence = models.PositiveIntegerField("NSA")
    generated_on = models.DateField()
    record_count = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=14, decimal_places=2)
    debited_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    enrolment_count = models.PositiveIntegerField(default=0)
    unidentified_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list)
    uploaded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "sequence"], name="debit_return_nsa_once")
        ]


class DirectDebitReturnRecord(NamedByKind):
    """Every B and F record of a return file, with what was made of it."""

    class Outcome(TextChoices):
        DEBITED = "debited", "Debitado e baixado"
        REFUSED = "refused", "Não debitado"
        REVIEW = "review", "Em análise"
        ENROLLED = "enrolled", "Autorização incluída"
        CANCELLED = "cancelled", "Autorização excluída"
        UNIDENTIFIED = "unidentified", "Cadastro não identificado"
        UNMATCHED = "unmatched", "Débito sem remessa correspondente"

    return_file = models.ForeignKey(DirectDebitReturn, on_delete=models.PROTECT, related_name="records")
    line = models.PositiveIntegerField()
    kind = models.CharField(max_length=1)
    customer_id = models.CharField(max_length=25)
    branch = models.CharField(max_length=4, blank=True)
    account = models.CharField(max_length=14, blank=True)
    on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    code = models.CharField(max_length=2, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    detail = models.CharField(max_length=300, blank=True)
    item = models.ForeignKey(
        DirectDebitItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["return_file", "line"]
        constraints = [models.UniqueConstraint(fields=["return_file", "line"], name="debit_record_once")]


class DirectDebitEnrolmentQueue(NamedByKind):
    """A B record naming a customer id no property has (3.2.7.17): it waits here until staff links it
    to a property (which creates the authorisation) or discards it."""

    class Status(TextChoices):
        OPEN = "open", "Aguardando identificação"
        LINKED = "linked", "Vinculado a um imóvel"
        DISCARDED = "discarded", "Descartado"

    record = models.OneToOneField(DirectDebitReturnRecord, on_delete=models.PROTECT, related_name="queue")
    agreement = models.ForeignKey(DirectDebitAgreement, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    property = models.ForeignKey(
        "registry.Property", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_by = models.CharField(max_length=150, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
