"""Bills and their items (rubricas): the record every later module settles, negotiates or prints.

A bill belongs to one property and one reference month; at most one bill per property and month is
alive (not cancelled) — the database enforces it, so a re-run can never issue a second one. Cancel
and rebill keeps the history (`replaces`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models

from modules.reading.domain.consumption import consumption_kind_label

# the domain's enums, imported from here by the other modules (hence "as": an explicit re-export)
from .domain.pricing import ITEM_KIND_LABELS
from .domain.pricing import ItemKind as ItemKind
from .domain.statuses import BILL_STATUS_LABELS, RUN_STATUS_LABELS
from .domain.statuses import BillStatus as BillStatus
from .domain.statuses import RunStatus as RunStatus


class BillHold(models.TextChoices):
    NONE = "", "Sem retenção"
    AWAITING_PAYMENT = "awaiting_payment", "Pagamento comprovado, aguardando baixa"
    IN_PROCESS = "in_process", "Em processo administrativo ou judicial"


BILL_STATUS_CHOICES = [(s.value, BILL_STATUS_LABELS[s]) for s in BillStatus]


class Bill(models.Model):
    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="bills")
    reference = models.DateField("referência", help_text="first day of the reference month")
    due_date = models.DateField("vencimento")
    status = models.CharField(
        max_length=12,
        choices=BILL_STATUS_CHOICES,
        default=BillStatus.DRAFT,
        db_index=True,
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    consumption_m3 = models.IntegerField("consumo faturado (m³)", null=True, blank=True)
    barcode = models.CharField(max_length=44, blank=True, db_index=True)
    typeable_line = models.CharField(max_length=48, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    run = models.ForeignKey(
        "BillingRun", null=True, blank=True, on_delete=models.PROTECT, related_name="bills"
    )
    tariff_act = models.CharField("ato da tarifa", max_length=120, blank=True)
    consumption_kind = models.CharField(max_length=10, blank=True)  # measured, average, minimum, fixed
    cancelled_by = models.CharField(max_length=150, blank=True)
    # The month's reading as the bill was priced on it, printed on the bill: a reading corrected
    # later does not rewrite a bill already issued (the correction rebills it). db_default: the
    # run writes bills with COPY.
    meter_number = models.CharField("hidrômetro", max_length=20, blank=True, db_default="")
    read_on = models.DateField("data da leitura", null=True, blank=True)
    previous_reading = models.PositiveIntegerField("leitura anterior", null=True, blank=True)
    current_reading = models.PositiveIntegerField("leitura atual", null=True, blank=True)
    measured_m3 = models.PositiveIntegerField("consumo do período (m³)", null=True, blank=True)
    reading_occurrence = models.CharField("ocorrência da leitura", max_length=120, blank=True, db_default="")
    # Who the bill was issued to, on its issue date (registry.domain.payer): a reprint after a
    # transfer still shows the holder the bill was issued to.
    payer_name = models.CharField("emitida em nome de", max_length=200, blank=True, db_default="")
    payer_document = models.CharField("CPF/CNPJ do pagador", max_length=14, blank=True, db_default="")
    # A hold keeps the bill out of every collection (late charges, debt statement, cut-off,
    # credit bureaus) while it lasts: paid at an agent whose file has not come yet (seed 001
    # 3.2.13.9.11) or under an administrative/judicial proceeding (3.2.13.9.20). Set by `rebill`.
    hold = models.CharField(
        "retenção", max_length=20, choices=BillHold.choices, blank=True, db_default="", default=""
    )
    # Set while the bill is sent for direct debit and the bank has not refused it (collection, ADR
    # 0235): the words the bill prints instead of its barcode ("Débito automático – Banco X").
    direct_debit = models.CharField(
        "débito automático", max_length=120, blank=True, db_default="", default=""
    )

    class Meta:
        ordering = ["-reference", "property_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "reference"],
                condition=~models.Q(status="cancelled"),
                name="bill_one_alive_per_property_month",
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="bill_total_not_negative"),
        ]
        indexes = [models.Index(fields=["property", "status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.property_id} {self.reference:%m/%Y} R$ {self.total}"

    def consumption_kind_label(self) -> str:
        return consumption_kind_label(self.consumption_kind)


class BillNote(models.Model):
    """The annotation (anotação) every change of a bill leaves: who, when, why (the parecer) and
    what changed, before and after (seed 001 3.2.13.9). Written by `services.rebill` with the audit
    row, in the same transaction."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=20)  # due_date, reissue, hold, cancel
    reason = models.TextField()
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    new_bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    KIND_LABELS: ClassVar[dict[str, str]] = {
        "due_date": "Vencimento alterado",
        "hold": "Retenção da cobrança",
        "reissue": "Refaturada",
        "early": "Emitida antecipadamente",
        "missed": "Emitida fora do faturamento do grupo",
        "email": "Enviada por e-mail",
        "sms": "Enviada por SMS",
        "second_copy": "2ª via emitida",
    }

    class Meta:
        ordering = ["bill_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.bill_id}: {self.kind}"

    def kind_label(self) -> str:
        return self.KIND_LABELS.get(self.kind, self.kind)

    def summary(self) -> str:
        """What changed, in pt-BR: only the figures that differ."""
        b, a = self.before, self.after
        parts = []
        if b.get("due_date") != a.get("due_date"):
            parts.append(f"vencimento {_br_date(b.get('due_date'))} → {_br_date(a.get('due_date'))}")
        if b.get("consumption_m3") != a.get("consumption_m3"):
            parts.append(f"consumo {b.get('consumption_m3')} → {a.get('consumption_m3')} m³")
        if b.get("total") != a.get("total"):
            parts.append(f"total R$ {_br_money(b.get('total'))} → R$ {_br_money(a.get('total'))}")
        if b.get("hold") != a.get("hold"):
            labels = dict(BillHold.choices)
            parts.append(f"retenção: {labels.get(a.get('hold', ''), '')}")
        parts += items_moved(b.get("lines") or [], a.get("lines") or [])
        return "; ".join(parts) or "sem diferença nos valores"


# the lines whose coming and going a correction traces (3.2.7.13.1): services and installments
TRACED_KINDS = ("service", "installment", "credit", "adjustment")


def items_moved(before: list[dict[str, str]], after: list[dict[str, str]]) -> list[str]:
    """The services and installments a correction removed from the bill or added to it, with their
    amounts ("parcela retirada: Parcela 3/10 do acordo 12 (R$ 45,10)")."""

    def keyed(lines: list[dict[str, str]]) -> list[tuple[str, str, str]]:
        return [
            (ln["kind"], ln["description"], ln["amount"]) for ln in lines if ln.get("kind") in TRACED_KINDS
        ]

    old, new = keyed(before), keyed(after)
    words = {"installment": "parcela", "service": "serviço", "credit": "crédito", "adjustment": "ajuste"}
    out = []
    for kind, description, amount in old:
        if (kind, description, amount) not in new:
            out.append(f"{words[kind]} retirado(a): {description} (R$ {_br_money(amount.lstrip('-'))})")
    for kind, description, amount in new:
        if (kind, description, amount) not in old:
            out.append(f"{words[kind]} incluído(a): {description} (R$ {_br_money(amount.lstrip('-'))})")
    return out


def _br_date(iso: str | None) -> str:
    return "–" if not iso else "/".join(reversed(iso.split("-")))


def _br_money(value: str | None) -> str:
    return "–" if value is None else value.replace(".", ",")


class BillItem(models.Model):
    """One line of a bill. Items that come from another module name their source row, so the same
    installment, credit or late charge can never be billed twice (see hooks.py)."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=12, choices=[(k.value, ITEM_KIND_LABELS[k]) for k in ItemKind])
    description = models.CharField(max_length=200)
    category = models.CharField(max_length=20, blank=True)
    band = models.CharField(max_length=40, blank=True)
    quantity_m3 = models.IntegerField(null=True, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=40, blank=True, help_text="e.g. debt.installment")
    source_id = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["bill_id", "position", "id"]
        indexes = [models.Index(fields=["source", "source_id"])]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class TariffStatus(models.TextChoices):
    DRAFT = "draft", "Rascunho"
    APPROVED = "approved", "Aprovada"
    # A simulated tariff set (a projection to compare revenue): never approved, never in force; it
    # becomes a real act only through an explicit copy into a new draft (ADR 0150).
    PROJECTION = "projection", "Projeção (simulação)"


class Tariff(models.Model):
    """A tariff version as approved by an administrative act (ato administrativo), effective from
    `valid_from`. The categories, bands and charges travel as the JSON of the API (`payload`),
    checked by `domain.tariffs` on every write; an approved version is never edited, a new act
    makes a new version. A projection (simulation) lives apart: the database refuses it approved."""

    act = models.CharField("ato administrativo", max_length=120)
    valid_from = models.DateField("vigência a partir de")
    rounding = models.CharField(max_length=10, default="truncate")
    sewer_rounding = models.CharField(max_length=10, default="per_band")
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=TariffStatus.choices, default=TariffStatus.DRAFT)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["valid_from"],
                condition=models.Q(status="approved"),
                name="tariff_one_approved_per_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="projection") | models.Q(approved_at__isnull=True, approved_by=""),
                name="tariff_projection_never_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.act} ({self.valid_from:%d/%m/%Y})"


class DueDayChoice(models.Model):
    """The due day a customer chose for a property's bills (Lei 9.791/1999)."""

    property = models.OneToOneField("registry.Property", on_delete=models.CASCADE, related_name="due_day")
    day = models.PositiveSmallIntegerField("dia de vencimento")
    changed_at = models.DateTimeField(auto_now=True, null=True)
    changed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(day__gte=1, day__lte=31), name="billing_due_day_range")
        ]

    def __str__(self) -> str:
        return f"{self.property_id}: dia {self.day}"


class BillingRun(models.Model):
    """A billing run of one group and reference month. Its work is cut into chunks of properties;
    each chunk is claimed with a conditional update and written in one transaction with its bills,
    so a killed worker leaves the chunk unwritten and a re-run does it once."""

    group = models.ForeignKey("registry.BillingGroup", on_delete=models.PROTECT, related_name="billing_runs")
    reference = models.DateField("referência")
    status = models.CharField(
        max_length=10, choices=[(s.value, RUN_STATUS_LABELS[s]) for s in RunStatus], default=RunStatus.PENDING
    )
    chunk_size = models.PositiveIntegerField(default=1000)
    total_properties = models.PositiveIntegerField(default=0)
    total_chunks = models.PositiveIntegerField(default=0)
    done_chunks = models.PositiveIntegerField(default=0)
    bills_count = models.PositiveIntegerField(default=0)
    errors_count = models.PositiveIntegerField(default=0)
    anomalies_count = models.PositiveIntegerField(default=0)
    total_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    # the utility's date when the run was started: no bill of it is due sooner than the tenant's
    # minimum after this day, however late the run is on its schedule
    issued_on = models.DateField("data de emissão", null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=150, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    attention = models.TextField("motivo da interrupção", blank=True)

    class Meta:
        ordering = ["-reference", "group_id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "reference"], name="billing_run_one_per_group_month")
        ]

    def __str__(self) -> str:
        return f"grupo {self.group_id} {self.reference:%m/%Y}"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.total_chunks else int(100 * self.done_chunks / self.total_chunks)


class RunChunk(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Na fila"
        RUNNING = "running", "Em processamento"
        DONE = "done", "Concluído"

    run = models.ForeignKey(BillingRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    property_ids = ArrayField(models.BigIntegerField())
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # times the sweep handed the chunk out again on its own, bounded by BILLING_CHUNK_MAX_SWEEPS, and
    # when it last did: counted as the run's activity, so a sweep re-sends a chunk once per timeout
    sweeps = models.PositiveSmallIntegerField(default=0)
    handed_out_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_id", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="run_chunk_number")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.number} {self.status}"


class RunError(models.Model):
    """A property a run could not bill, and why (the others are billed)."""

    run = models.ForeignKey(BillingRun, on_delete=models.CASCADE, related_name="errors")
    property = models.ForeignKey("registry.Property", on_delete=models.CASCADE)
    code = models.CharField(max_length=60)
    message = models.TextField()

    class Meta:
        ordering = ["run_id", "property_id"]

    def __str__(self) -> str:
        return f"{self.property_id}: {self.code}"


class BillAnomaly(models.Model):
    """What the critique found on a draft bill (high/low/zero consumption, reading in review …)."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="anomalies")
    code = models.CharField(max_length=30)
    message = models.CharField(max_length=300)
    # open until a person accepts it (or corrects the bill by rebilling): a bill with an open
    # anomaly is held in critique when its run is released (S14.4-03)
    accepted_by = models.CharField(max_length=150, blank=True, db_default="")  # COPY omits it
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bill_id", "code"]

    def __str__(self) -> str:
        return f"{self.bill_id}: {self.code}"


class BillText(models.Model):
    """Messages and the water-quality report printed on bills (Decreto 5.440/2005).

    A message is printed on the bills of its reference months (`valid_from` .. `valid_until`, first
    days of months; no end = open), of its billing group and of its category when it names them, and
    only when its condition holds (seed 001 3.2.7.5). A water-quality table is the month of its
    samples (`valid_from`, first day): a bill prints the latest one on or before its reference, and
    `rows` holds [parameter, required, analysed, in conformity, standard]."""

    class Kind(models.TextChoices):
        MESSAGE = "message", "Mensagem"
        WATER_QUALITY = "water_quality", "Qualidade da água"

    class Condition(models.TextChoices):
        ALWAYS = "", "Sempre"
        EXCESS_CONSUMPTION = "excess_consumption", "Consumo acima da média"
        OVERDUE_DEBTS = "overdue_debts", "Débitos vencidos"
        ZERO_VALUE = "zero_value", "Fatura de valor zero"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    valid_from = models.DateField("a partir da referência")
    valid_until = models.DateField("até a referência", null=True, blank=True)
    billing_group = models.ForeignKey(
        "registry.BillingGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "registry.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    condition = models.CharField(
        "condição", max_length=20, choices=Condition.choices, blank=True, db_default=""
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    rows = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["kind", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="billtext_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.valid_from}"


class BillingSettings(models.Model):
    """One row per utility (pk 1): the billing rules the utility sets itself, edited by its staff
    (services.settings, audited)."""

    # ADR 0024: no bill is due sooner than this after it is issued
    min_days_after_issue = models.PositiveSmallIntegerField(
        "prazo mínimo entre a emissão e o vencimento (dias)", default=5
    )
    # seed 001 3.2.5.12.1 asks for at least the last six months
    history_months = models.PositiveSmallIntegerField("meses de histórico de consumo na fatura", default=12)
    # seed 001 3.2.4.4.3: an unmetered property bills its outlets × this; 0 = the tariff's minimum
    m3_per_outlet = models.PositiveSmallIntegerField(
        "consumo por tomada d'água sem hidrômetro (m³)", default=0
    )
    # seed 001 3.2.7.12.8-9: the highest leak discount a rebill may grant (3.2.7.13.7 says 70%)
    max_water_leak_percent = models.PositiveSmallIntegerField(
        "desconto máximo por vazamento na água (%)", default=70
    )
    max_sewer_leak_percent = models.PositiveSmallIntegerField(
        "desconto máximo por vazamento no esgoto (%)", default=70
    )
    # h-bill, seed 001 3.2.7.12.5: a connection (re)connected fewer days than this before the reading
    # waits for the next cycle; 0 = billed at once
    first_bill_min_days = models.PositiveSmallIntegerField(
        "dias mínimos entre a ligação e a primeira fatura", default=0
    )
    # 3.2.7.12.6: the first month the bill's consumption history prints; empty = as many as history_months
    history_start = models.DateField("histórico na fatura a partir de", null=True, blank=True)
    # 3.2.7.12.7: charged on bills delivered to an alternative address; 0 = not charged
    delivery_fee = models.DecimalField(
        "taxa de entrega em endereço alternativo (R$)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
    )
    # 3.2.7.12.11: print the excess-consumption message when the consumption passes the average
    print_excess_message = models.BooleanField("imprimir mensagem de consumo excessivo", default=True)
    # ADR 0220: who pays an individualized condominium's common area (S14.8-02)
    common_area_policy = models.CharField(
        "área comum do condomínio",
        max_length=10,
        default="master",
        choices=[("master", "Na fatura do medidor principal"), ("apportion", "Rateada entre os dependentes")],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "configuração do faturamento"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="billing_settings_singleton")]

    def __str__(self) -> str:
        return "Configuração do faturamento"

    @classmethod
    def current(cls) -> BillingSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj  # type: ignore[no-any-return]  # Django is untyped here


from .models_condo import CondominiumDependent as CondominiumDependent  # noqa: E402
from .models_critique import CritiqueRule as CritiqueRule  # noqa: E402
from .models_critique import InvoiceMinimum as InvoiceMinimum  # noqa: E402
from .models_exceptions import BillingExceptionRow as BillingExceptionRow  # noqa: E402
from .models_exemptions import TariffExemption as TariffExemption  # noqa: E402
from .models_invoices import SecondCopyCharge as SecondCopyCharge  # noqa: E402
from .models_invoices import SecondCopyFeeVersion as SecondCopyFeeVersion  # noqa: E402
from .models_legal import LegalProcess as LegalProcess  # noqa: E402
from .models_legal import PropertyException as PropertyException  # noqa: E402
