"""The critique's rules as worked vectors to the cent (ADR 0226): absolute value and consumption,
relative to the property's average, by category, and the minimum invoice value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from modules.billing.domain.critique import (
    BillFigures,
    CritiqueRule,
    RuleKind,
    below_minimum,
    critique,
    rule_catches,
    threshold_problem,
)

D = Decimal
RES = frozenset({"RES"})


def _bill(total: str, m3: int, avg_m3: str | None = None, avg_total: str | None = None) -> BillFigures:
    return BillFigures(
        total=D(total),
        billed_m3=m3,
        categories=RES,
        average_m3=D(avg_m3) if avg_m3 else None,
        average_total=D(avg_total) if avg_total else None,
    )


@pytest.mark.parametrize(
    ("kind", "threshold", "total", "m3", "caught"),
    [
        (RuleKind.VALUE_ABOVE, "500.00", "500.00", 10, False),  # at the limit: issued
        (RuleKind.VALUE_ABOVE, "500.00", "500.01", 10, True),
        (RuleKind.VALUE_BELOW, "10.00", "9.99", 10, True),
        (RuleKind.VALUE_BELOW, "10.00", "10.00", 10, False),
        (RuleKind.CONSUMPTION_ABOVE, "50", "1.00", 51, True),
        (RuleKind.CONSUMPTION_ABOVE, "50", "1.00", 50, False),
        (RuleKind.CONSUMPTION_BELOW, "1", "1.00", 0, True),
    ],
)
def test_absolute_rules_at_and_past_their_limit(
    kind: RuleKind, threshold: str, total: str, m3: int, caught: bool
) -> None:
    rule = CritiqueRule(1, "r", kind, D(threshold))
    assert (rule_catches(rule, _bill(total, m3)) is not None) is caught


def test_consumption_over_the_average_by_percent() -> None:
    # average 10 m³, +50 % → limit 15 m³: 15 passes, 16 is held
    rule = CritiqueRule(7, "Consumo 50% acima", RuleKind.CONSUMPTION_OVER_AVERAGE, D("50"))
    assert critique(_bill("30.00", 15, avg_m3="10"), (rule,)) == ()
    (anomaly,) = critique(_bill("40.56", 16, avg_m3="10"), (rule,))
    assert anomaly.code == "rule:7"
    assert anomaly.message == "Regra “Consumo 50% acima”: consumo 16 m³ mais de 50% acima da média (10 m³)."


def test_value_over_the_average_to_the_cent() -> None:
    # average R$ 20,59, +100 % → limit R$ 41,18: 41,18 passes, 41,19 is held
    rule = CritiqueRule(3, "Valor dobrado", RuleKind.VALUE_OVER_AVERAGE, D("100"))
    assert critique(_bill("41.18", 16, avg_total="20.59"), (rule,)) == ()
    (anomaly,) = critique(_bill("41.19", 16, avg_total="20.59"), (rule,))
    assert anomaly.message == (
        "Regra “Valor dobrado”: valor R$ 41,19 mais de 100% acima da média (R$ 20,59)."
    )


def test_consumption_under_the_average() -> None:
    # average 20 m³, −70 % → limit 6 m³: 6 passes, 5 is held
    rule = CritiqueRule(4, "Queda", RuleKind.CONSUMPTION_UNDER_AVERAGE, D("70"))
    assert critique(_bill("10.00", 6, avg_m3="20"), (rule,)) == ()
    assert len(critique(_bill("10.00", 5, avg_m3="20"), (rule,))) == 1


def test_a_relative_rule_without_history_holds_nothing() -> None:
    rule = CritiqueRule(4, "Queda", RuleKind.CONSUMPTION_UNDER_AVERAGE, D("70"))
    assert critique(_bill("10.00", 0), (rule,)) == ()


def test_a_category_rule_only_sees_its_category() -> None:
    rule = CritiqueRule(5, "Comercial alto", RuleKind.VALUE_ABOVE, D("100.00"), category="COM")
    assert critique(_bill("500.00", 10), (rule,)) == ()
    commercial = BillFigures(total=D("500.00"), billed_m3=10, categories=frozenset({"RES", "COM"}))
    assert len(critique(commercial, (rule,))) == 1


def test_each_rule_that_catches_is_one_anomaly_in_order() -> None:
    rules = (
        CritiqueRule(1, "a", RuleKind.VALUE_ABOVE, D("10.00")),
        CritiqueRule(2, "b", RuleKind.CONSUMPTION_BELOW, D("5")),
        CritiqueRule(3, "c", RuleKind.CONSUMPTION_ABOVE, D("10")),
    )
    assert [a.code for a in critique(_bill("40.56", 16), rules)] == ["rule:1", "rule:3"]


def test_minimum_value_issues_a_bill_at_the_minimum() -> None:
    assert below_minimum(D("4.99"), D("5.00"))
    assert not below_minimum(D("5.00"), D("5.00"))
    assert not below_minimum(D("0.00"), D("0"))  # 0: no minimum


def test_threshold_problems() -> None:
    assert threshold_problem(RuleKind.VALUE_ABOVE, D("-1")) == "O limite da regra não pode ser negativo."
    assert threshold_problem(RuleKind.CONSUMPTION_ABOVE, D("1.5")) == "O limite de consumo é em m³ inteiros."
    assert threshold_problem(RuleKind.CONSUMPTION_UNDER_AVERAGE, D("101")) is not None
    assert threshold_problem(RuleKind.VALUE_ABOVE, D("1.001")) == "O limite de valor é em reais e centavos."
    assert threshold_problem(RuleKind.VALUE_OVER_AVERAGE, D("150")) is None
