"""Dívida ativa (seed 001 3.2.9.18; ADR 0198): the book of enrolled debts, the notifications and their
receipt, the certidão de dívida ativa (CDA), and the events of each enrolled bill.

The book is the legal register: every enrolled bill has one line (livro, folha, linha), numbered
gap-free in the order of the run, and that line never changes. A database trigger (migration 0005)
refuses to rewrite the reference columns of an entry or of a book, and refuses to delete either; an
entry's status only leaves "inscrita" once (excluída, estornada or ajuizada), never back. A
correction is a reversal (estorno) of the line plus a new line in a later book.

Whether an enrolled bill is paid or in installments is read from the bill and the agreement (never
copied here), so a payment or an agreement made elsewhere shows at once.
"""

from __future__ import annotations

import builtins
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

DEFAULT_LEGAL_BASIS = (
    "Lei nº 6.830, de 22 de setembro de 1980 (Lei de Execução Fiscal), art. 2º; "
    "Lei nº 4.320, de 17 de março de 1964, art. 39; Lei nº 11.445, de 5 de janeiro de 2007, art. 29."
)
DEFAULT_NOTICE_TEXT = (
    "Fica V. Sa. notificado(a) de que os débitos abaixo relacionados, referentes aos serviços públicos "
    "de abastecimento de água e esgotamento sanitário prestados ao imóvel identificado, vencidos e não "
    "pagos, foram inscritos em dívida ativa. Para evitar a emissão da certidão de dívida ativa e a "
    "cobrança judicial (execução fiscal), pague ou parcele o débito no prazo indicado, em qualquer "
    "posto de atendimento."
)
DEFAULT_EXTRAJUDICIAL_TEXT = (
    "Constam em dívida ativa os débitos abaixo relacionados. Esta notificação extrajudicial constitui "
    "V. Sa. em mora e concede o prazo indicado para pagamento ou parcelamento, antes do ajuizamento da "
    "execução fiscal, sem prejuízo dos acréscimos legais."
)


class ActiveDebtSettings(models.Model):
    """One row per utility (pk 1): the criteria of the automatic enrolment and the words of the
    documents. A freshly provisioned utility works with the defaults (`current`)."""

    min_days_overdue = models.PositiveSmallIntegerField(
        "dias de atraso para inscrição",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    min_amount = models.DecimalField(
        "débito mínimo por imóvel para inscrição (R$)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.01"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    lines_per_page = models.PositiveSmallIntegerField(
        "linhas por folha do livro", default=30, validators=[MinValueValidator(5), MaxValueValidator(100)]
    )
    notice_days = models.PositiveSmallIntegerField(
        "prazo da notificação (dias)", default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    legal_basis = models.TextField("fundamentação legal", default=DEFAULT_LEGAL_BASIS)
    notice_text = models.TextField("texto da notificação", default=DEFAULT_NOTICE_TEXT)
    extrajudicial_text = models.TextField(
        "texto da notificação extrajudicial", default=DEFAULT_EXTRAJUDICIAL_TEXT
    )

    class Meta:
        verbose_name = "parâmetros da dívida ativa"

    def __str__(self) -> str:
        return "Parâmetros da dívida ativa"

    @classmethod
    def current(cls) -> ActiveDebtSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ActiveDebtBook(models.Model):
    """One enrolment run: livro nº `number`, closed when written (its lines never change)."""

    number = models.PositiveIntegerField("livro", unique=True)
    as_of = models.DateField("data da inscrição")
    due_from = models.DateField("vencimentos a partir de")
    due_to = models.DateField("vencimentos até")
    criteria = models.JSONField("critérios", default=dict)
    lines_per_page = models.PositiveSmallIntegerField("linhas por folha")
    entries_count = models.PositiveIntegerField("faturas inscritas")
    total = models.DecimalField("valor inscrito", max_digits=14, decimal_places=2)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = "livro da dívida ativa"

    def __str__(self) -> str:
        return f"Livro {self.number}"


class EntryStatus(models.TextChoices):
    LIVE = "live", "Inscrita"
    REMOVED = "removed", "Excluída"
    REVERSED = "reversed", "Estornada"
    FILED = "filed", "Ajuizada"


class ActiveDebtEntry(models.Model):
    """One bill on one line of the book, with what it was worth on the enrolment date."""

    book = models.ForeignKey(ActiveDebtBook, on_delete=models.PROTECT, related_name="entries")
    sequence = models.PositiveIntegerField("sequência no livro")
    page = models.PositiveIntegerField("folha")
    line = models.PositiveSmallIntegerField("linha")
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="+")
    debtor_name = models.CharField("devedor", max_length=200)
    debtor_document = models.CharField("CPF/CNPJ", max_length=14, blank=True)
    reference = models.DateField("referência")
    due_date = models.DateField("vencimento")
    principal = models.DecimalField("principal", max_digits=12, decimal_places=2)
    fine = models.DecimalField("multa", max_digits=12, decimal_places=2)
    interest = models.DecimalField("juros", max_digits=12, decimal_places=2)
    correction = models.DecimalField("correção", max_digits=12, decimal_places=2)
    total = models.DecimalField("total inscrito", max_digits=12, decimal_places=2)
    enrolled_on = models.DateField("inscrita em")
    # what may change (the trigger allows nothing else): the status, once, and the CDA it went on
    status = models.CharField(max_length=10, choices=EntryStatus.choices, default=EntryStatus.LIVE)
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.CharField(max_length=150, blank=True, default="")
    end_reason = models.TextField(blank=True, default="")
    cda = models.ForeignKey(
        "ActiveDebtCertificate", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )

    class Meta:
        ordering = ["book_id", "sequence"]
        verbose_name = "inscrição em dívida ativa"
        constraints = [
            models.UniqueConstraint(fields=["book", "sequence"], name="active_debt_sequence_once"),
            models.UniqueConstraint(fields=["book", "page", "line"], name="active_debt_line_once"),
            # a bill is on one live line at most: a second run, or two at once, cannot enrol it twice
            models.UniqueConstraint(
                fields=["bill"], condition=Q(status__in=["live", "filed"]), name="active_debt_bill_live_once"
            ),
        ]
        indexes = [models.Index(fields=["property", "status"], name="active_debt_property_status")]

    def __str__(self) -> str:
        return f"Livro {self.book.number}, folha {self.page}, linha {self.line}"

    @builtins.property  # the `property` field shadows the builtin in this class body
    def location(self) -> str:
        return f"livro {self.book.number}, folha {self.page}, linha {self.line}"


class NoticeKind(models.TextChoices):
    NOTICE = "notice", "Notificação de inscrição em dívida ativa"
    EXTRAJUDICIAL = "extrajudicial", "Notificação extrajudicial"


class ActiveDebtNotice(models.Model):
    """A notification to the debtor of a property, with the enrolled bills updated to its date.
    `statement` is what the PDF prints, stored once (a reprint never recomputes it)."""

    kind = models.CharField(max_length=14, choices=NoticeKind.choices)
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    entries = models.ManyToManyField(ActiveDebtEntry, related_name="notices")
    issued_on = models.DateField("emitida em")
    deadline = models.DateField("prazo para pagamento")
    total = models.DecimalField("total atualizado", max_digits=14, decimal_places=2)
    statement = models.JSONField(default=dict)
    received_on = models.DateField("recebida em", null=True, blank=True)
    receipt_by = models.CharField(max_length=150, blank=True, default="")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "notificação de dívida ativa"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @builtins.property
    def number(self) -> str:
        return f"{self.issued_on:%Y}/{self.pk:06d}"


class ActiveDebtCertificate(models.Model):
    """Certidão de dívida ativa: the title the municipality's attorney files (Lei 6.830/1980, art. 2º,
    §§ 5º-6º). Its authentication code is a `Certificate` row, so the public verification page
    checks it like any other certificate."""

    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    certificate = models.OneToOneField("debt.Certificate", on_delete=models.PROTECT, related_name="cda")
    notice = models.ForeignKey(ActiveDebtNotice, on_delete=models.PROTECT, related_name="certificates")
    issued_on = models.DateField("emitida em")
    principal = models.DecimalField(max_digits=14, decimal_places=2)
    charges = models.DecimalField("multa, juros e correção", max_digits=14, decimal_places=2)
    total = models.DecimalField("valor da certidão", max_digits=14, decimal_places=2)
    statement = models.JSONField(default=dict)
    # installments signed over the CDA's bills (3.2.9.18.7, .14): its balance follows the plan
    agreement = models.ForeignKey(
        "debt.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="active_debt_certificates",
    )
    filed_on = models.DateField("ajuizada em", null=True, blank=True)
    court_number = models.CharField("número do processo judicial", max_length=60, blank=True, default="")
    filed_by = models.CharField(max_length=150, blank=True, default="")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = "certidão de dívida ativa"
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="active_debt_cda_number_once")
        ]

    def __str__(self) -> str:
        return f"CDA {self.number}"

    @builtins.property
    def number(self) -> str:
        return f"{self.sequence:06d}/{self.year}"


class EventKind(models.TextChoices):
    ENROLLED = "enrolled", "Inscrita no livro"
    NOTIFIED = "notified", "Notificação emitida"
    EXTRAJUDICIAL = "extrajudicial", "Notificação extrajudicial emitida"
    NOTICE_RECEIVED = "notice_received", "Notificação recebida"
    CERTIFIED = "certified", "Certidão de dívida ativa emitida"
    INSTALLMENTS = "installments", "Parcelada"
    CONFESSION = "confession", "Termo de confissão de dívida emitido"
    REMOVED = "removed", "Excluída da dívida ativa"
    REVERSED = "reversed", "Inscrição estornada"
    FILED = "filed", "Ajuizada (execução fiscal)"


class ActiveDebtEvent(models.Model):
    """The step timeline of an enrolled bill: who did what, when and why. Append-only."""

    entry = models.ForeignKey(ActiveDebtEntry, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    on = models.DateField()
    detail = models.CharField(max_length=300, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry_id", "at", "id"]
        indexes = [models.Index(fields=["kind", "on"], name="active_debt_event_kind_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} em {self.on:%d/%m/%Y}"
