"""What a bill prints besides its charges: messages aimed by billing group, category, reference
months and condition (seed 001 3.2.7.5: excess consumption, overdue debts, zero value), and the
monthly water-quality table (Decreto 5.440/2005) until the quality module feeds it. Every write is
audited; a bill already rendered keeps the PDF it had (its content is its issue's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.registry.models import BillingGroup, Category

from ..errors import ErrorCode
from ..models import Bill, BillStatus, BillText

QUALITY_COLUMNS = ("parameter", "required", "analysed", "conforming", "standard")


@dataclass(frozen=True)
class QualityRow:
    parameter: str
    required: str
    analysed: str
    conforming: str
    standard: str = ""

    def as_list(self) -> list[str]:
        return [self.parameter, self.required, self.analysed, self.conforming, self.standard]


def _month(value: YearMonth | dt.date | None) -> dt.date | None:
    if value is None:
        return None
    return value.first_day() if isinstance(value, YearMonth) else value.replace(day=1)


def message_snapshot(text: BillText) -> dict[str, Any]:
    return {
        "title": text.title,
        "body": text.body,
        "valid_from": f"{text.valid_from:%Y-%m}",
        "valid_until": f"{text.valid_until:%Y-%m}" if text.valid_until else None,
        "billing_group": text.billing_group.code if text.billing_group_id else None,
        "category": text.category.code if text.category_id else None,
        "condition": text.condition,
    }


def _message_fields(
    *,
    title: str,
    body: str,
    valid_from: YearMonth | dt.date,
    valid_until: YearMonth | dt.date | None,
    billing_group: BillingGroup | None,
    category: Category | None,
    condition: str,
) -> dict[str, Any]:
    if not title.strip():
        raise ValidationFailed("Informe o título da mensagem.", field="title", code=ErrorCode.TEXT_INVALID)
    if condition not in BillText.Condition.values:
        raise ValidationFailed(
            f"Condição desconhecida: {condition!r}.", field="condition", code=ErrorCode.TEXT_INVALID
        )
    start, end = _month(valid_from), _month(valid_until)
    assert start is not None
    if end is not None and end < start:
        raise ValidationFailed(
            f"A referência final ({end:%m/%Y}) é anterior à inicial ({start:%m/%Y}).",
            field="valid_until",
            code=ErrorCode.TEXT_INVALID,
        )
    return {
        "title": title.strip(),
        "body": body.strip(),
        "valid_from": start,
        "valid_until": end,
        "billing_group": billing_group,
        "category": category,
        "condition": condition,
    }


@transaction.atomic(durable=True)
def bill_message_create(
    *,
    actor: Actor,
    title: str,
    body: str = "",
    valid_from: YearMonth | dt.date,
    valid_until: YearMonth | dt.date | None = None,
    billing_group: BillingGroup | None = None,
    category: Category | None = None,
    condition: str = "",
) -> BillText:
    fields = _message_fields(
        title=title,
        body=body,
        valid_from=valid_from,
        valid_until=valid_until,
        billing_group=billing_group,
        category=category,
        condition=condition,
    )
    text: BillText = BillText.objects.create(kind=BillText.Kind.MESSAGE, **fields)
    audit_record(actor=actor, action="billing.message_create", target=text, after=message_snapshot(text))
    return text


@transaction.atomic(durable=True)
def bill_message_update(
    *,
    actor: Actor,
    message: BillText,
    title: str,
    body: str = "",
    valid_from: YearMonth | dt.date,
    valid_until: YearMonth | dt.date | None = None,
    billing_group: BillingGroup | None = None,
    category: Category | None = None,
    condition: str = "",
) -> BillText:
    locked: BillText = BillText.objects.select_for_update().get(pk=message.pk, kind=BillText.Kind.MESSAGE)
    before = message_snapshot(locked)
    fields = _message_fields(
        title=title,
        body=body,
        valid_from=valid_from,
        valid_until=valid_until,
        billing_group=billing_group,
        category=category,
        condition=condition,
    )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    audit_record(
        actor=actor,
        action="billing.message_update",
        target=locked,
        before=before,
        after=message_snapshot(locked),
    )
    return locked


@transaction.atomic(durable=True)
def bill_message_delete(*, actor: Actor, message: BillText) -> None:
    locked: BillText = BillText.objects.select_for_update().get(pk=message.pk, kind=BillText.Kind.MESSAGE)
    audit_record(actor=actor, action="billing.message_delete", target=locked, before=message_snapshot(locked))
    locked.delete()


def quality_snapshot(text: BillText) -> dict[str, Any]:
    return {
        "month": f"{text.valid_from:%Y-%m}",
        "title": text.title,
        "note": text.body,
        "rows": [dict(zip(QUALITY_COLUMNS, row, strict=False)) for row in text.rows],
    }


def quality_audit(text: BillText) -> dict[str, Any]:
    """The table in words for its audit rows: one line per parameter."""
    return {
        "month": f"{text.valid_from:%m/%Y}",
        "title": text.title,
        "note": text.body,
        "rows": [
            f"{r[0]}: {r[1]} exigidas, {r[2]} realizadas, {r[3]} conformes"
            + (f" (padrão {r[4]})" if r[4:] and r[4] else "")
            for r in text.rows
        ],
    }


def _quality_rows(rows: Sequence[QualityRow]) -> list[list[str]]:
    if not rows:
        raise ValidationFailed(
            "Informe ao menos um parâmetro da tabela.", field="rows", code=ErrorCode.TEXT_INVALID
        )
    out = []
    for index, row in enumerate(rows):
        if not row.parameter.strip():
            raise ValidationFailed(
                "Informe o parâmetro.", field=f"rows[{index}].parameter", code=ErrorCode.TEXT_INVALID
            )
        out.append([value.strip() for value in row.as_list()])
    return out


@transaction.atomic(durable=True)
def quality_table_save(
    *,
    actor: Actor,
    month: YearMonth,
    title: str,
    note: str = "",
    rows: Sequence[QualityRow],
    table: BillText | None = None,
) -> BillText:
    """Create the table of a month (`table` None) or replace one; one table per month."""
    cells = _quality_rows(rows)
    if not title.strip():
        raise ValidationFailed("Informe o título da tabela.", field="title", code=ErrorCode.TEXT_INVALID)
    taken = BillText.objects.select_for_update().filter(
        kind=BillText.Kind.WATER_QUALITY, valid_from=month.first_day()
    )
    if table is not None:
        taken = taken.exclude(pk=table.pk)
    if taken.exists():
        raise Conflict(
            f"Já existe tabela de qualidade da água de {month.first_day():%m/%Y}: edite-a.",
            field="month",
            code=ErrorCode.QUALITY_MONTH_TAKEN,
        )
    if table is None:
        row: BillText = BillText.objects.create(
            kind=BillText.Kind.WATER_QUALITY,
            valid_from=month.first_day(),
            title=title.strip(),
            body=note.strip(),
            rows=cells,
        )
        audit_record(actor=actor, action="billing.quality_create", target=row, after=quality_audit(row))
        return row
    row = BillText.objects.select_for_update().get(pk=table.pk, kind=BillText.Kind.WATER_QUALITY)
    before = quality_audit(row)
    row.valid_from, row.title, row.body, row.rows = month.first_day(), title.strip(), note.strip(), cells
    row.save()
    audit_record(
        actor=actor, action="billing.quality_update", target=row, before=before, after=quality_audit(row)
    )
    return row


@transaction.atomic(durable=True)
def quality_table_delete(*, actor: Actor, table: BillText) -> None:
    row: BillText = BillText.objects.select_for_update().get(pk=table.pk, kind=BillText.Kind.WATER_QUALITY)
    audit_record(actor=actor, action="billing.quality_delete", target=row, before=quality_audit(row))
    row.delete()


def overdue_on(bill: Bill, on: dt.date) -> bool:
    """Whether the property has another bill issued and unpaid whose due date passed before `on`."""
    return bool(
        Bill.objects.filter(property_id=bill.property_id, status=BillStatus.RELEASED, due_date__lt=on)
        .exclude(pk=bill.pk)
        .exists()
    )


def messages_for(
    bill: Bill,
    *,
    on: dt.date,
    candidates: Sequence[BillText] | None = None,
    categories: set[int] | None = None,
) -> list[BillText]:
    """The messages a bill prints: its reference month in their period, its group and one of its
    categories when they name them, and their condition holding on `on` (the bill's issue date).
    A batch of bills passes the messages it read once (`candidates`, in (valid_from, id) order) and
    the bill's category ids."""
    ref = bill.reference.replace(day=1)
    if categories is None:
        categories = set(bill.property.categories.values_list("category_id", flat=True))
    pool: Iterable[BillText] = (
        candidates
        if candidates is not None
        else BillText.objects.filter(kind=BillText.Kind.MESSAGE, valid_from__lte=ref).order_by(
            "valid_from", "id"
        )
    )
    chosen = []
    flags: dict[str, bool] = {}
    for text in pool:
        if text.valid_from > ref:
            continue
        if text.valid_until is not None and text.valid_until < ref:
            continue
        if text.billing_group_id is not None and text.billing_group_id != bill.property.billing_group_id:
            continue
        if text.category_id is not None and text.category_id not in categories:
            continue
        if text.condition and text.condition not in flags:
            flags[text.condition] = _holds(text.condition, bill, on)
        if text.condition and not flags[text.condition]:
            continue
        chosen.append(text)
    return chosen


def _holds(condition: str, bill: Bill, on: dt.date) -> bool:
    if condition == BillText.Condition.ZERO_VALUE:
        return bool(bill.total == 0)
    if condition == BillText.Condition.EXCESS_CONSUMPTION:
        # seed 001 3.2.7.12.11: the utility may switch the message off
        from .settings import billing_settings

        if not billing_settings().print_excess_message:
            return False
        # the critique's "high" flag: the consumption above the property's average (reading domain)
        return bool(bill.anomalies.filter(code="high").exists())
    if condition == BillText.Condition.OVERDUE_DEBTS:
        return overdue_on(bill, on)
    return False


def quality_for(bill: Bill) -> BillText | None:
    """The latest water-quality table on or before the bill's reference month."""
    return (  # type: ignore[no-any-return]
        BillText.objects.filter(kind=BillText.Kind.WATER_QUALITY, valid_from__lte=bill.reference)
        .order_by("-valid_from")
        .first()
    )
