"""The negativação rules without a database: selection thresholds and filters (3.2.9.16), the notice
period (CDC art. 43 §2), the exclusion deadline in business days (STJ Súmula 548), the file layout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from modules.common.errors import ValidationFailed
from modules.debt.domain.bureau import (
    BureauRules,
    LineKind,
    MovementLine,
    OverdueBill,
    PropertyDebt,
    exclusion_due,
    listable_on,
    movement_file,
    parse_movement,
    parse_return,
    select,
)

AS_OF = dt.date(2025, 6, 16)


def _debt(
    pk: int,
    *bills: tuple[str, int],
    group: int = 1,
    bairro: int = 10,
    locality: int = 1,
    doc: str = "12345678909",
):
    return PropertyDebt(
        pk,
        group,
        bairro,
        locality,
        doc,
        tuple(
            OverdueBill(pk * 100 + i, AS_OF - dt.timedelta(days=days), Decimal(amount))
            for i, (amount, days) in enumerate(bills)
        ),
    )


def test_thresholds_each_leave_out_what_falls_short():
    rules = BureauRules(min_overdue_count=2, min_debt=Decimal("100.00"), min_days_overdue=30)
    debts = [
        _debt(1, ("60.00", 45), ("40.00", 31)),  # 2 bills, 100,00, both ≥ 30 days: selected
        _debt(2, ("150.00", 45)),  # one bill only (16.1)
        _debt(3, ("60.00", 45), ("39.99", 31)),  # 99,99 < minimum debt (16.2)
        _debt(4, ("60.00", 45), ("40.00", 29)),  # the second is 29 days late (16.3)
        _debt(5, ("60.00", 45), ("40.00", 31), doc=""),  # no cpf/cnpj: cannot be listed
    ]
    chosen = select(debts, rules, AS_OF)
    assert [(c.property_id, c.amount, c.bill_ids, c.oldest_due) for c in chosen] == [
        (1, Decimal("100.00"), (100, 101), AS_OF - dt.timedelta(days=45))
    ]


def test_only_late_enough_bills_count_and_are_listed():
    rules = BureauRules(min_overdue_count=1, min_debt=Decimal("50.00"), min_days_overdue=30)
    (chosen,) = select([_debt(7, ("80.00", 40), ("500.00", 10))], rules, AS_OF)
    assert (chosen.amount, chosen.bill_ids) == (Decimal("80.00"), (700,))


def test_filters_by_group_bairro_and_locality_narrow_the_selection():
    debts = [
        _debt(1, ("90.00", 40), group=1, bairro=10, locality=1),
        _debt(2, ("90.00", 40), group=2, bairro=10, locality=1),
        _debt(3, ("90.00", 40), group=1, bairro=11, locality=1),
        _debt(4, ("90.00", 40), group=1, bairro=10, locality=2),
    ]
    base = BureauRules(min_debt=Decimal("50.00"))
    assert [c.property_id for c in select(debts, base, AS_OF)] == [1, 2, 3, 4]
    assert [c.property_id for c in select(debts, BureauRules(group_ids=frozenset({1})), AS_OF)] == [1, 3, 4]
    assert [c.property_id for c in select(debts, BureauRules(neighbourhood_ids=frozenset({10})), AS_OF)] == [
        1,
        2,
        4,
    ]
    assert [c.property_id for c in select(debts, BureauRules(localities=frozenset({1})), AS_OF)] == [1, 2, 3]
    both = BureauRules(group_ids=frozenset({1}), neighbourhood_ids=frozenset({10}), localities=frozenset({1}))
    assert [c.property_id for c in select(debts, both, AS_OF)] == [1]


def test_notice_period_and_exclusion_deadline_in_business_days():
    assert listable_on(dt.date(2025, 6, 16), BureauRules()) == dt.date(2025, 6, 26)
    assert listable_on(dt.date(2025, 6, 16), BureauRules(notice_days=15)) == dt.date(2025, 7, 1)
    # paid on Tuesday 17/06/2025; Corpus Christi (Thursday 19/06) is the utility's holiday:
    # 18, 20, 23, 24, 25 → Wednesday 25/06
    assert exclusion_due(dt.date(2025, 6, 17), BureauRules(), frozenset({dt.date(2025, 6, 19)})) == dt.date(
        2025, 6, 25
    )
    # paid on a Friday, no holiday: Mon..Fri of the next week
    assert exclusion_due(dt.date(2025, 6, 13), BureauRules(), frozenset()) == dt.date(2025, 6, 20)


def test_movement_file_layout_round_trips():
    lines = [
        MovementLine(
            LineKind.INCLUSION,
            5,
            "12345678909",
            "Maria; da Silva",
            "1234-5",
            Decimal("215.29"),
            dt.date(2025, 4, 10),
        ),
        MovementLine(
            LineKind.EXCLUSION,
            3,
            "11222333000181",
            "Padaria Pão Bom",
            "77-1",
            Decimal("80.00"),
            dt.date(2025, 3, 1),
        ),
    ]
    content = movement_file(42, AS_OF, lines)
    assert content.splitlines() == [
        "H;42;20250616",
        "I;1;5;12345678909;Maria da Silva;1234-5;215.29;20250410",
        "E;2;3;11222333000181;Padaria Pão Bom;77-1;80.00;20250301",
        "T;2;295.29",
    ]
    movement_id, parsed = parse_movement(content)
    assert movement_id == 42
    assert [(p.kind, p.record_id, p.amount) for p in parsed] == [
        (LineKind.INCLUSION, 5, Decimal("215.29")),
        (LineKind.EXCLUSION, 3, Decimal("80.00")),
    ]


def test_return_file_parsed_and_bad_lines_named():
    parsed = parse_return("H;42\n1;A;SPC-0001\n2;R;documento inválido\n")
    assert parsed.movement_id == 42
    assert [(r.line, r.accepted, r.protocol, r.reason) for r in parsed.lines] == [
        (1, True, "SPC-0001", ""),
        (2, False, "", "documento inválido"),
    ]
    with pytest.raises(ValidationFailed, match="Linha 1: o cabeçalho"):
        parse_return("42;A;x\n")
    with pytest.raises(ValidationFailed, match="Linha 3: esperado"):
        parse_return("H;42\n1;A;P1\n2;X;zzz\n")
    with pytest.raises(ValidationFailed, match="Linha 2: informe o protocolo"):
        parse_return("H;42\n1;R; \n")
