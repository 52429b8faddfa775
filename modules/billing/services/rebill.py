"""Alteração de fatura: every change staff make to an issued bill (seed 001 3.2.13.9, 3.2.7.13)
goes through `rebill`, with a mandatory reason, an annotation (BillNote: before and after) and an
audit row in the same transaction.

- A due date alone keeps the bill: the date changes and the barcode is computed again.
- A hold (pagamento comprovado aguardando baixa; em processo administrativo/judicial) alone keeps
  the bill too: it only takes the bill out of collection (`selectors.bill_is_held`).
- Anything that changes the amount (reading, consumption, water/sewer removed, categories and
  economias, leak discount) cancels the bill and issues its replacement for the same month, linked
  through `replaces` (ADR 0176); it keeps the due date the bill had when that is later than the
  one the run would give.

`preview=True` runs the same change and rolls it back: it answers the before and after lines and
totals and leaves nothing written (ADR 0176).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.clock import febraban_company_code, tenant_today
from modules.common.domain.calendar import is_business_day
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.reading.domain.consumption import ConsumptionKind
from modules.reading.services import holidays_between, reading_correct_billed_in

from ..domain.febraban import build_barcode
from ..domain.pricing import ItemKind, PendingItem, PropertyFacts, ReadingFact, UnitFact
from ..errors import ErrorCode
from ..legal import legal_locks
from ..models import Bill, BillHold, BillNote, BillStatus
from .bills import _cancel, reissue
from .pricing import free_field
from .settings import billing_settings

LEAK_AVERAGE_MONTHS = 6  # seed 001 3.2.7.13.7
MANUAL_SERVICE_SOURCE = "billing.rebill"


@dataclass(frozen=True)
class ServiceLine:
    """A service added to the bill by hand at a rebill: what it is and what it charges."""

    description: str
    amount: Decimal


@dataclass(frozen=True)
class BillChanges:
    """What to change on a bill; every field left as None (or False) stays as it is."""

    due_date: dt.date | None = None
    reading: int | None = None  # the measured (current) reading: the consumption follows from it
    consumption_m3: int | None = None
    remove_water: bool = False
    remove_sewer: bool = False
    units: tuple[UnitFact, ...] | None = None  # categories and economias, instead of the registry's
    leak_percent: int | None = None  # leak discount on the consumption, capped by BillingSettings
    leak_by_average: bool = False  # leak: bill the last six months' average instead
    hold: str | None = None  # a BillHold value; "" lifts the hold
    # services billed (3.2.13.9.6, .8): other modules' items left off this bill, by "source:source_id"
    # (they stay pending, so the next bill carries them), and services added by hand
    drop_items: tuple[str, ...] = ()
    add_services: tuple[ServiceLine, ...] = ()

    @property
    def reprices(self) -> bool:
        return (
            bool(self.drop_items)
            or bool(self.add_services)
            or self.reading is not None
            or self.consumption_m3 is not None
            or self.remove_water
            or self.remove_sewer
            or self.units is not None
            or self.leak_percent is not None
            or self.leak_by_average
        )

    @property
    def empty(self) -> bool:
        return not self.reprices and self.due_date is None and self.hold is None


@dataclass(frozen=True)
class Line:
    kind: str
    description: str
    quantity_m3: int | None
    amount: Decimal


@dataclass(frozen=True)
class BillState:
    bill_id: int
    due_date: dt.date
    consumption_m3: int | None
    total: Decimal
    hold: str
    barcode: str
    typeable_line: str
    lines: tuple[Line, ...] = field(default=())

    @property
    def hold_label(self) -> str:
        return str(dict(BillHold.choices)[self.hold]) if self.hold else ""

    def as_json(self) -> dict[str, Any]:
        return {
            "bill": self.bill_id,
            "due_date": self.due_date.isoformat(),
            "consumption_m3": self.consumption_m3,
            "total": str(self.total),
            "hold": self.hold,
            "barcode": self.barcode,
            "typeable_line": self.typeable_line,
            "lines": [
                {
                    "kind": ln.kind,
                    "description": ln.description,
                    "quantity_m3": ln.quantity_m3,
                    "amount": str(ln.amount),
                }
                for ln in self.lines
            ],
        }


@dataclass(frozen=True)
class RebillOutcome:
    preview: bool
    kind: str  # "due_date", "hold", "reissue"
    before: BillState
    after: BillState
    bill: Bill | None  # the bill as it is now (the new one after a reissue); None on a preview


def rebill(
    *, actor: Actor, bill_id: int, changes: BillChanges, reason: str, preview: bool = False
) -> RebillOutcome:
    """Change the bill as `changes` say (see the module's docstring). Raises ValidationFailed naming
    the field, Conflict for a bill that cannot change (paid, cancelled), NotFound."""
    if not reason.strip():
        raise ValidationFailed(
            "Informe o motivo da alteração.", field="reason", code=ErrorCode.REASON_REQUIRED
        )
    if changes.empty:
        raise ValidationFailed("Nenhuma alteração informada.", field="changes", code=ErrorCode.CHANGES_EMPTY)
    if not preview:
        return _rebill_durable(actor=actor, bill_id=bill_id, changes=changes, reason=reason.strip())
    with transaction.atomic(durable=True):
        outcome = _apply(actor=actor, bill_id=bill_id, changes=changes, reason=reason.strip())
        transaction.set_rollback(True)
    return replace(outcome, preview=True, bill=None)


def rebill_in(*, actor: Actor, bill_id: int, changes: BillChanges, reason: str) -> RebillOutcome:
    """`rebill` without the preview. Runs inside the caller's transaction (a consumption review
    changes the bill and links the new one to the case in one transaction, seed 001 3.2.6.8)."""
    if not reason.strip():
        raise ValidationFailed(
            "Informe o motivo da alteração.", field="reason", code=ErrorCode.REASON_REQUIRED
        )
    if changes.empty:
        raise ValidationFailed("Nenhuma alteração informada.", field="changes", code=ErrorCode.CHANGES_EMPTY)
    return _apply(actor=actor, bill_id=bill_id, changes=changes, reason=reason.strip())


@transaction.atomic(durable=True)
def _rebill_durable(*, actor: Actor, bill_id: int, changes: BillChanges, reason: str) -> RebillOutcome:
    return _apply(actor=actor, bill_id=bill_id, changes=changes, reason=reason)


def _state(bill: Bill) -> BillState:
    return BillState(
        bill_id=bill.pk,
        due_date=bill.due_date,
        consumption_m3=bill.consumption_m3,
        total=bill.total,
        hold=bill.hold,
        barcode=bill.barcode,
        typeable_line=bill.typeable_line,
        lines=tuple(Line(i.kind, i.description, i.quantity_m3, i.amount) for i in bill.items.all()),
    )


def _apply(*, actor: Actor, bill_id: int, changes: BillChanges, reason: str) -> RebillOutcome:
    try:
        bill: Bill = (
            Bill.objects.select_for_update(of=("self",)).select_related("property", "run").get(pk=bill_id)
        )
    except Bill.DoesNotExist as exc:
        raise NotFound("Fatura não encontrada.", code=ErrorCode.NOT_FOUND) from exc
    allowed = (BillStatus.RELEASED, BillStatus.DRAFT) if changes.reprices else (BillStatus.RELEASED,)
    if bill.status not in allowed:
        raise Conflict(
            f"Fatura {bill.get_status_display().lower()} não pode ser alterada.",
            code=ErrorCode.BILL_NOT_CHANGEABLE,
        )
    _check(bill, changes)
    if changes.reprices:
        _refuse_in_process(bill)
    before = _state(bill)
    if changes.reprices:
        kind = "reissue"
        was_draft = bill.status == BillStatus.DRAFT
        old = _cancel(actor=actor, bill=bill, reason=reason, draft_allowed=True)
        if changes.reading is not None:
            # the reading itself follows (3.2.7.13.4): next month measures from the corrected value
            reading_correct_billed_in(
                actor=actor,
                property_id=old.property_id,
                reference=old.reference,
                value=changes.reading,
                reason=reason,
            )
        consumption, adjust = _pricing_changes(old, changes)
        target = reissue(actor=actor, old=old, was_draft=was_draft, consumption_m3=consumption, adjust=adjust)
    else:
        kind = "due_date" if changes.due_date is not None else "hold"
        target = bill
    fields: list[str] = []
    if kind == "reissue" and changes.due_date is None and bill.due_date > target.due_date:
        # a correction does not bring the due date forward: it keeps the one the bill had
        target.due_date = bill.due_date
        fields.append("due_date")
    if changes.due_date is not None and changes.due_date != target.due_date:
        target.due_date = changes.due_date
        fields.append("due_date")
        if kind == "due_date":
            # the FEBRABAN code again, from the same parts (the bill keeps its number and amount)
            code = build_barcode(
                amount=target.total,
                company_code=febraban_company_code(),
                free_field=free_field(
                    target.pk, target.property.account_base, YearMonth.of(target.reference)
                ),
            )
            target.barcode, target.typeable_line = code.digits, code.typeable_line
            fields += ["barcode", "typeable_line"]
    # a reissue stays held as the bill it replaces was (the proceeding is about the same debt)
    hold = changes.hold if changes.hold is not None else bill.hold
    if hold != target.hold:
        target.hold = hold
        fields.append("hold")
    if fields:
        target.save(update_fields=fields)
    after = _state(target)
    BillNote.objects.create(
        bill=bill,
        kind=kind,
        reason=reason,
        before=before.as_json(),
        after=after.as_json(),
        new_bill=target if target.pk != bill.pk else None,
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="billing.bill_change",
        target=target,
        reason=reason,
        before={k: v for k, v in before.as_json().items() if k != "lines"},
        after={k: v for k, v in after.as_json().items() if k != "lines"} | {"kind": kind},
    )
    return RebillOutcome(preview=False, kind=kind, before=before, after=after, bill=target)


def _refuse_in_process(bill: Bill) -> None:
    """A bill a legal process covers is not recalculated while the process lasts (TR S10.13-01)."""
    process = legal_locks(bill.property_id, on=tenant_today()).process_over(bill.pk)
    if process is not None:
        raise Conflict(
            f"A fatura {bill.reference:%m/%Y} está sob o {process.label}: não pode ser recalculada "
            "enquanto o processo estiver ativo.",
            field="bill",
            code=ErrorCode.BILL_IN_LEGAL_PROCESS,
        )


def _check(bill: Bill, changes: BillChanges) -> None:
    """Refuse what cannot be, before anything is written."""
    if changes.due_date is not None:
        today = tenant_today()
        if changes.due_date < today:
            raise ValidationFailed(
                "O novo vencimento não pode ser anterior a hoje.",
                field="due_date",
                code=ErrorCode.DUE_DATE_INVALID,
            )
        if not is_business_day(changes.due_date, holidays_between(changes.due_date, changes.due_date)):
            raise ValidationFailed(
                "O novo vencimento deve ser um dia útil.", field="due_date", code=ErrorCode.DUE_DATE_INVALID
            )
    if changes.hold is not None:
        if changes.hold not in BillHold.values:
            raise ValidationFailed("Retenção desconhecida.", field="hold", code=ErrorCode.CHANGES_CONFLICT)
        if changes.reprices:
            # a reissued bill is a new bill: it is held, if it must be, by its own change
            raise ValidationFailed(
                "Altere a retenção separadamente da correção de valores.",
                field="hold",
                code=ErrorCode.CHANGES_CONFLICT,
            )
    if changes.reading is not None and changes.consumption_m3 is not None:
        raise ValidationFailed(
            "Informe a leitura ou o consumo, não os dois.",
            field="consumption_m3",
            code=ErrorCode.CHANGES_CONFLICT,
        )
    if changes.consumption_m3 is not None and changes.consumption_m3 < 0:
        raise ValidationFailed(
            "O consumo não pode ser negativo.", field="consumption_m3", code=ErrorCode.CONSUMPTION_NEGATIVE
        )
    if changes.reading is not None:
        if bill.previous_reading is None:
            raise ValidationFailed(
                "A fatura não tem leitura anterior: corrija o consumo.",
                field="reading",
                code=ErrorCode.READING_INVALID,
            )
        if changes.reading < bill.previous_reading:
            raise ValidationFailed(
                f"A leitura não pode ser menor que a anterior ({bill.previous_reading}).",
                field="reading",
                code=ErrorCode.READING_INVALID,
            )
    if changes.leak_percent is not None and changes.leak_by_average:
        raise ValidationFailed(
            "Escolha o desconto por percentual ou pela média, não os dois.",
            field="leak_percent",
            code=ErrorCode.CHANGES_CONFLICT,
        )
    if changes.leak_percent is not None:
        rules = billing_settings()
        if not 0 < changes.leak_percent <= 100:
            raise ValidationFailed(
                "O desconto por vazamento deve ficar entre 1 e 100%.",
                field="leak_percent",
                code=ErrorCode.LEAK_OVER_LIMIT,
            )
        if changes.leak_percent > rules.max_water_leak_percent:
            raise ValidationFailed(
                f"O desconto por vazamento na água é de no máximo {rules.max_water_leak_percent}%.",
                field="leak_percent",
                code=ErrorCode.LEAK_OVER_LIMIT,
            )
        has_sewer = not changes.remove_sewer and bill.items.filter(kind=ItemKind.SEWER).exists()
        if has_sewer and changes.leak_percent > rules.max_sewer_leak_percent:
            raise ValidationFailed(
                f"O desconto por vazamento no esgoto é de no máximo {rules.max_sewer_leak_percent}%.",
                field="leak_percent",
                code=ErrorCode.LEAK_OVER_LIMIT,
            )
    if changes.drop_items:
        on_bill = {f"{s}:{i}" for s, i in bill.items.exclude(source="").values_list("source", "source_id")}
        unknown = [key for key in changes.drop_items if key not in on_bill]
        if unknown:
            raise ValidationFailed(
                f"Serviço que não está na fatura: {', '.join(unknown)}.",
                field="drop_items",
                code=ErrorCode.CHANGES_CONFLICT,
            )
    for service in changes.add_services:
        if not service.description.strip() or service.amount <= 0:
            raise ValidationFailed(
                "Informe a descrição e um valor positivo para o serviço.",
                field="add_services",
                code=ErrorCode.CHANGES_CONFLICT,
            )
    if changes.remove_water and changes.remove_sewer:
        raise ValidationFailed(
            "Sem água e sem esgoto não há o que faturar: cancele a fatura.",
            field="remove_sewer",
            code=ErrorCode.CHANGES_CONFLICT,
        )
    if changes.units is not None and (not changes.units or any(u.economies < 1 for u in changes.units)):
        raise ValidationFailed(
            "Informe ao menos uma categoria, cada uma com uma ou mais economias.",
            field="units",
            code=ErrorCode.UNITS_INVALID,
        )


def six_month_average(bill: Bill) -> int | None:
    """The average consumption billed on the property's last six bills before this one's month
    (cancelled bills left out), rounded half up; None without any."""
    previous = (
        Bill.objects.filter(
            property_id=bill.property_id, reference__lt=bill.reference, consumption_m3__isnull=False
        )
        .exclude(status=BillStatus.CANCELLED)
        .order_by("-reference")
        .values_list("consumption_m3", flat=True)[:LEAK_AVERAGE_MONTHS]
    )
    values = list(previous)
    if not values:
        return None
    average = Decimal(sum(values)) / len(values)
    return int(average.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _pricing_changes(
    old: Bill, changes: BillChanges
) -> tuple[int | None, Callable[[PropertyFacts], PropertyFacts] | None]:
    """The consumption to bill and how the property's facts change for the reissue."""
    consumption: int | None = changes.consumption_m3
    reading: ReadingFact | None = None
    if changes.reading is not None:
        assert old.previous_reading is not None  # _check refused it otherwise
        measured = changes.reading - old.previous_reading
        consumption = measured
        reading = ReadingFact(
            kind=ConsumptionKind.MEASURED,
            consumption_m3=measured,
            flags=(),
            in_review=False,
            read_on=old.read_on,
            previous_value=old.previous_reading,
            value=changes.reading,
            meter_number=old.meter_number,
            occurrence=old.reading_occurrence,
        )
    if changes.leak_percent is not None or changes.leak_by_average:
        base = consumption if consumption is not None else (old.consumption_m3 or 0)
        if changes.leak_percent is not None:
            discount = (Decimal(base) * changes.leak_percent / 100).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            consumption = base - int(discount)
        else:
            average = six_month_average(old)
            if average is None:
                raise ValidationFailed(
                    "O imóvel não tem faturas anteriores para a média de seis meses.",
                    field="leak_by_average",
                    code=ErrorCode.LEAK_NO_HISTORY,
                )
            consumption = min(base, average)
    elif consumption is None:
        consumption = None  # priced again on the month's reading, as the run would

    # services added by hand live only on the bill (no module offers them again): the replacement
    # carries them over, with those added now, unless this change drops them
    carried = [
        PendingItem(ItemKind.SERVICE, i.description, i.amount, i.source, i.source_id)
        for i in old.items.filter(source=MANUAL_SERVICE_SOURCE)
        if f"{i.source}:{i.source_id}" not in changes.drop_items
    ]
    manual = tuple(carried) + tuple(
        PendingItem(ItemKind.SERVICE, s.description, s.amount, MANUAL_SERVICE_SOURCE, f"{old.pk}.{n}")
        for n, s in enumerate(changes.add_services, start=1)
    )

    def adjust(facts: PropertyFacts) -> PropertyFacts:
        facts = replace(
            facts,
            water_active=facts.water_active and not changes.remove_water,
            sewer_active=facts.sewer_active and not changes.remove_sewer,
        )
        if changes.units is not None:
            facts = replace(facts, units=changes.units)
        if reading is not None:
            facts = replace(facts, reading=reading)
        kept = tuple(p for p in facts.pending if f"{p.source}:{p.source_id}" not in changes.drop_items)
        return replace(facts, pending=kept + manual)

    return consumption, adjust
