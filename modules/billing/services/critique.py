"""The critique's rule set applied to priced bills, its rows kept by staff, the minimum invoice
values and a run's critique report (ADR 0226). The run (`runs._chunk_write`) and the bill issued on
its own (`single`) call `critique_apply` on what the pricing answered, before writing it: the
pricing stays a pure function of the facts, the critique adds its anomalies beside the reading's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import NotFound, ValidationFailed
from modules.registry.models import Category

from ..domain.critique import (
    ANOMALY_PREFIX,
    RELATIVE_KINDS,
    BillFigures,
    RuleKind,
    below_minimum,
    critique,
    threshold_problem,
)
from ..domain.critique import (
    CritiqueRule as Rule,
)
from ..domain.pricing import PricedBill, PropertyFacts
from ..errors import ErrorCode
from ..models import Bill, BillAnomaly, BillingRun, BillStatus, CritiqueRule, InvoiceMinimum

HISTORY_BILLS = 6  # the property's average: its last six bills before the month (as the leak rule)


def active_rules() -> tuple[Rule, ...]:
    return tuple(
        Rule(r.pk, r.name, RuleKind(r.kind), r.threshold, r.category.code if r.category_id else "")
        for r in CritiqueRule.objects.filter(active=True).select_related("category").order_by("id")
    )


def history_averages(property_ids: Sequence[int], reference: dt.date) -> dict[int, tuple[Decimal, Decimal]]:
    """(average m³, average total) of each property's last HISTORY_BILLS bills before `reference`,
    cancelled ones left out; properties without any are absent. One query for the chunk."""
    rows = (
        Bill.objects.filter(property_id__in=list(property_ids), reference__lt=reference)
        .exclude(status=BillStatus.CANCELLED)
        .order_by("property_id", "-reference")
        .values_list("property_id", "consumption_m3", "total")
    )
    seen: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for pid, m3, total in rows:
        if len(seen[pid]) < HISTORY_BILLS:
            seen[pid].append((m3 or 0, total))
    return {
        pid: (Decimal(sum(m for m, _ in vals)) / len(vals), sum((t for _, t in vals), Decimal(0)) / len(vals))
        for pid, vals in seen.items()
    }


def critique_apply(
    priced: Sequence[PricedBill], facts: Mapping[int, PropertyFacts], reference: dt.date
) -> list[PricedBill]:
    """The bills with the anomalies the utility's active rules find added. Reads the rules once and
    the history only when a relative rule exists."""
    rules = active_rules()
    if not rules or not priced:
        return list(priced)
    averages: dict[int, tuple[Decimal, Decimal]] = {}
    if any(r.kind in RELATIVE_KINDS for r in rules):
        averages = history_averages([p.property_id for p in priced], reference)
    out = []
    for bill in priced:
        known = facts.get(bill.property_id)
        avg = averages.get(bill.property_id)
        figures = BillFigures(
            total=bill.total,
            billed_m3=bill.billed_m3,
            categories=frozenset(u.category_code for u in known.units) if known else frozenset(),
            average_m3=avg[0] if avg else None,
            average_total=avg[1] if avg else None,
        )
        found = critique(figures, rules)
        out.append(replace(bill, anomalies=bill.anomalies + found) if found else bill)
    return out


def minimums() -> InvoiceMinimum:
    return InvoiceMinimum.current()


def run_minimum_split(
    priced: Sequence[PricedBill], minimum: Decimal
) -> tuple[list[PricedBill], list[PricedBill]]:
    """(to issue, below the run's minimum) — 3.2.7.12.4."""
    keep = [p for p in priced if not below_minimum(p.total, minimum)]
    below = [p for p in priced if below_minimum(p.total, minimum)]
    return keep, below


def below_minimum_message(total: Decimal, minimum: Decimal) -> str:
    from modules.common.domain.money import format_brl

    return (
        f"Fatura de R$ {format_brl(total)} abaixo do valor mínimo de R$ {format_brl(minimum)}: "
        "não emitida; os lançamentos ficam para a próxima fatura."
    )


# --- rows kept by staff --------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInput:
    name: str
    kind: str
    threshold: str | Decimal
    category: str = ""  # a category code
    active: bool = True


def _checked(data: RuleInput) -> tuple[RuleKind, Decimal, Category | None]:
    if not data.name.strip():
        raise ValidationFailed("Informe o nome da regra.", field="name", code=ErrorCode.INVALID)
    try:
        kind = RuleKind(data.kind)
    except ValueError as exc:
        raise ValidationFailed("Tipo de regra desconhecido.", field="kind", code=ErrorCode.INVALID) from exc
    try:
        threshold = Decimal(str(data.threshold).replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationFailed(
            "Informe o limite como número.", field="threshold", code=ErrorCode.INVALID
        ) from exc
    problem = threshold_problem(kind, threshold)
    if problem:
        raise ValidationFailed(problem, field="threshold", code=ErrorCode.INVALID)
    threshold = threshold.quantize(Decimal("0.01"))  # as the column keeps it
    category = None
    if data.category:
        category = Category.objects.filter(code=data.category).first()
        if category is None:
            raise ValidationFailed(
                f"Categoria {data.category} não cadastrada.",
                field="category",
                code=ErrorCode.UNKNOWN_CATEGORY,
            )
    return kind, threshold, category


@transaction.atomic(durable=True)
def critique_rule_create(*, actor: Actor, data: RuleInput) -> CritiqueRule:
    kind, threshold, category = _checked(data)
    rule: CritiqueRule = CritiqueRule.objects.create(
        name=data.name.strip(),
        kind=kind,
        threshold=threshold,
        category=category,
        active=data.active,
        created_by=actor.get_username(),
    )
    audit_record(actor=actor, action="billing.critique_rule_create", target=rule, after=snapshot(rule))
    return rule


@transaction.atomic(durable=True)
def critique_rule_update(*, actor: Actor, rule_id: int, data: RuleInput) -> CritiqueRule:
    rule: CritiqueRule | None = CritiqueRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("Regra de crítica não encontrada.", field="rule", code=ErrorCode.NOT_FOUND)
    kind, threshold, category = _checked(data)
    before = snapshot(rule)
    rule.name, rule.kind, rule.threshold, rule.category, rule.active = (
        data.name.strip(),
        kind,
        threshold,
        category,
        data.active,
    )
    rule.save()
    audit_record(
        actor=actor, action="billing.critique_rule_update", target=rule, before=before, after=snapshot(rule)
    )
    return rule


@transaction.atomic(durable=True)
def invoice_minimum_update(*, actor: Actor, single_bill: Any, run_bill: Any) -> InvoiceMinimum:
    """Both minimums at once, each checked (R$ with cents, not negative) before anything is written."""
    values: dict[str, Decimal] = {}
    for name, raw in (("single_bill", single_bill), ("run_bill", run_bill)):
        try:
            value = Decimal(str(raw).replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationFailed("Informe o valor em reais.", field=name, code=ErrorCode.INVALID) from exc
        if value < 0 or value != value.quantize(Decimal("0.01")):
            raise ValidationFailed(
                "O valor mínimo é em reais e centavos, não negativo.", field=name, code=ErrorCode.INVALID
            )
        values[name] = value
    InvoiceMinimum.current()
    row: InvoiceMinimum = InvoiceMinimum.objects.select_for_update().get(pk=1)
    before = snapshot(row)
    row.single_bill, row.run_bill = values["single_bill"], values["run_bill"]
    row.updated_by = actor.get_username()
    row.save()
    audit_record(
        actor=actor, action="billing.invoice_minimum_update", target=row, before=before, after=snapshot(row)
    )
    return row


# --- the run's critique report -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    code: str
    label: str
    bills: int
    open: int
    amount: Decimal


@dataclass(frozen=True)
class CritiqueReport:
    run_id: int
    bills: int
    held: int  # draft bills an open anomaly keeps from release
    held_amount: Decimal
    rows: tuple[ReportRow, ...]
    below_minimum: int  # properties the run left out for the minimum value


CODE_LABELS = {
    "high": "Consumo alto",
    "low": "Consumo baixo",
    "zero": "Consumo zero",
    "rollover": "Virada do hidrômetro",
    "meter_swap": "Troca de hidrômetro",
    "corrected": "Consumo corrigido",
    "reading_in_review": "Leitura em análise",
    "no_reading": "Sem leitura",
    "economies_changed": "Economias alteradas",
    "condo_dependents_exceed": "Dependentes acima do medidor-mestre",
    "condo_dependent_unread": "Dependente sem leitura",
}


def critique_report(run: BillingRun) -> CritiqueReport:
    """What the critique found on a run: per anomaly code (each rule its own line), the bills it
    caught, those still open and their amount; the bills held and the ones below the minimum."""
    grouped = (
        BillAnomaly.objects.filter(bill__run=run)
        .exclude(bill__status=BillStatus.CANCELLED)
        .values("code")
        .annotate(
            bills=Count("bill", distinct=True),
            open=Count("bill", filter=Q(accepted_at__isnull=True), distinct=True),
        )
        .order_by("code")
    )
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for code, total in (
        BillAnomaly.objects.filter(bill__run=run, accepted_at__isnull=True)
        .exclude(bill__status=BillStatus.CANCELLED)
        .values_list("code", "bill__total")
    ):
        amounts[code] += total
    names = {f"{ANOMALY_PREFIX}{pk}": name for pk, name in CritiqueRule.objects.values_list("pk", "name")}
    rows = tuple(
        ReportRow(
            code=g["code"],
            label=f"Regra: {names.get(g['code'], g['code'])}"
            if g["code"].startswith(ANOMALY_PREFIX)
            else CODE_LABELS.get(g["code"], g["code"]),
            bills=g["bills"],
            open=g["open"],
            amount=amounts.get(g["code"], Decimal("0.00")),
        )
        for g in grouped
    )
    held_q = Bill.objects.filter(
        run=run, status=BillStatus.DRAFT, anomalies__isnull=False, anomalies__accepted_at__isnull=True
    ).distinct()
    held_ids = list(held_q.values_list("pk", flat=True))
    held_amount = sum(Bill.objects.filter(pk__in=held_ids).values_list("total", flat=True), Decimal("0.00"))
    return CritiqueReport(
        run_id=run.pk,
        bills=run.bills_count,
        held=len(held_ids),
        held_amount=held_amount,
        rows=rows,
        below_minimum=run.errors.filter(code=ErrorCode.BELOW_MINIMUM).count(),
    )
