"""The critique's rule set (S14.4, seed 001 3.2.7.6): rules the utility writes as data that hold a
bill out of release when its value or its consumption is out of line — absolute (above or below a
figure), relative to the property's own history (so many percent over or under its average), and
either for every category or for one. A bill a rule catches gets an anomaly; the run's release
keeps every bill with an open anomaly in critique until a person accepts it or rebills it.

Also the minimum invoice value (seed 001 3.2.7.12.3-4): a bill below it is not issued.

No Django: figures in, anomalies out; money compared to the cent, percentages at full precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from modules.common.domain.money import format_brl

from .pricing import Anomaly

CENT = Decimal("0.01")


class RuleKind(StrEnum):
    VALUE_ABOVE = "value_above"  # total > threshold (R$)
    VALUE_BELOW = "value_below"  # total < threshold (R$)
    CONSUMPTION_ABOVE = "consumption_above"  # billed m³ > threshold
    CONSUMPTION_BELOW = "consumption_below"  # billed m³ < threshold
    VALUE_OVER_AVERAGE = "value_over_average"  # total > average total × (1 + threshold %)
    CONSUMPTION_OVER_AVERAGE = "consumption_over_average"  # m³ > average m³ × (1 + threshold %)
    CONSUMPTION_UNDER_AVERAGE = "consumption_under_average"  # m³ < average m³ × (1 − threshold %)


RULE_KIND_LABELS: dict[RuleKind, str] = {
    RuleKind.VALUE_ABOVE: "Valor acima de (R$)",
    RuleKind.VALUE_BELOW: "Valor abaixo de (R$)",
    RuleKind.CONSUMPTION_ABOVE: "Consumo acima de (m³)",
    RuleKind.CONSUMPTION_BELOW: "Consumo abaixo de (m³)",
    RuleKind.VALUE_OVER_AVERAGE: "Valor acima da média do imóvel (%)",
    RuleKind.CONSUMPTION_OVER_AVERAGE: "Consumo acima da média do imóvel (%)",
    RuleKind.CONSUMPTION_UNDER_AVERAGE: "Consumo abaixo da média do imóvel (%)",
}
RELATIVE_KINDS = frozenset(
    {RuleKind.VALUE_OVER_AVERAGE, RuleKind.CONSUMPTION_OVER_AVERAGE, RuleKind.CONSUMPTION_UNDER_AVERAGE}
)
ANOMALY_PREFIX = "rule:"  # an anomaly's code is "rule:<id>", so the report can group by rule


@dataclass(frozen=True)
class CritiqueRule:
    rule_id: int
    name: str
    kind: RuleKind
    threshold: Decimal  # R$, m³ or percent, as the kind says
    category: str = ""  # a category code; "" for every category


@dataclass(frozen=True)
class BillFigures:
    """What the critique looks at on one bill."""

    total: Decimal
    billed_m3: int
    categories: frozenset[str]
    average_m3: Decimal | None = None  # the property's last bills (None without history)
    average_total: Decimal | None = None


def _limit(average: Decimal, percent: Decimal, *, over: bool) -> Decimal:
    factor = (Decimal(100) + percent) / 100 if over else (Decimal(100) - percent) / 100
    return average * factor


def rule_catches(rule: CritiqueRule, bill: BillFigures) -> str | None:
    """The pt-BR reason `rule` holds `bill`, or None. A relative rule without history says nothing."""
    if rule.category and rule.category not in bill.categories:
        return None
    t = rule.threshold
    m3 = Decimal(bill.billed_m3)
    match rule.kind:
        case RuleKind.VALUE_ABOVE if bill.total > t:
            return f"valor R$ {format_brl(bill.total)} acima de R$ {format_brl(t)}"
        case RuleKind.VALUE_BELOW if bill.total < t:
            return f"valor R$ {format_brl(bill.total)} abaixo de R$ {format_brl(t)}"
        case RuleKind.CONSUMPTION_ABOVE if m3 > t:
            return f"consumo {bill.billed_m3} m³ acima de {t.normalize():f} m³"
        case RuleKind.CONSUMPTION_BELOW if m3 < t:
            return f"consumo {bill.billed_m3} m³ abaixo de {t.normalize():f} m³"
        case RuleKind.VALUE_OVER_AVERAGE if bill.average_total is not None:
            limit = _limit(bill.average_total, t, over=True)
            if bill.total > limit:
                return (
                    f"valor R$ {format_brl(bill.total)} mais de {t.normalize():f}% acima da média "
                    f"(R$ {format_brl(bill.average_total.quantize(CENT))})"
                )
        case RuleKind.CONSUMPTION_OVER_AVERAGE if bill.average_m3 is not None:
            if m3 > _limit(bill.average_m3, t, over=True):
                return (
                    f"consumo {bill.billed_m3} m³ mais de {t.normalize():f}% acima da média "
                    f"({bill.average_m3.quantize(Decimal('0.1')).normalize():f} m³)"
                )
        case RuleKind.CONSUMPTION_UNDER_AVERAGE if bill.average_m3 is not None:
            if m3 < _limit(bill.average_m3, t, over=False):
                return (
                    f"consumo {bill.billed_m3} m³ mais de {t.normalize():f}% abaixo da média "
                    f"({bill.average_m3.quantize(Decimal('0.1')).normalize():f} m³)"
                )
    return None


def critique(bill: BillFigures, rules: tuple[CritiqueRule, ...]) -> tuple[Anomaly, ...]:
    """One anomaly per rule that catches the bill, in the rules' order."""
    found = []
    for rule in rules:
        why = rule_catches(rule, bill)
        if why is not None:
            found.append(Anomaly(f"{ANOMALY_PREFIX}{rule.rule_id}", f"Regra “{rule.name}”: {why}."))
    return tuple(found)


def below_minimum(total: Decimal, minimum: Decimal) -> bool:
    """Whether a bill of `total` is below the utility's minimum for issuing (0: no minimum). A bill
    exactly at the minimum is issued."""
    return minimum > 0 and total < minimum


def threshold_problem(kind: RuleKind, threshold: Decimal) -> str | None:
    """Why a rule's threshold cannot be, in pt-BR, or None."""
    if threshold < 0:
        return "O limite da regra não pode ser negativo."
    if (
        kind in (RuleKind.CONSUMPTION_ABOVE, RuleKind.CONSUMPTION_BELOW)
        and threshold != threshold.to_integral()
    ):
        return "O limite de consumo é em m³ inteiros."
    if kind == RuleKind.CONSUMPTION_UNDER_AVERAGE and threshold > 100:
        return "Abaixo da média, o percentual vai de 0 a 100%."
    if kind in (RuleKind.VALUE_ABOVE, RuleKind.VALUE_BELOW) and threshold != threshold.quantize(CENT):
        return "O limite de valor é em reais e centavos."
    return None
