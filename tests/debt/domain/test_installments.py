"""Installment simulation and schedule: DESO's Simulador de Parcelamento (seed 003) row by row."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.common.domain.money import Rounding
from modules.common.errors import ValidationFailed
from modules.debt.domain.installments import (
    DebtToNegotiate,
    InstallmentPolicy,
    LeftoverPlacement,
    ReplanPolicy,
    check_replan,
    early_payoff,
    installment_value,
    negotiated_total,
    schedule,
    simulate,
)

D = Decimal
DESO = InstallmentPolicy(monthly_rate=D("0.0163"), max_installments=6, min_down_payment_rate=D("0.10"))
F_DESO_TOTAL = D("415.29")  # contas 376,03 + acréscimos 39,26

# Seed 003, "PAGAMENTO PARCELADO": Parcelas | Valor da entrada | Valor da parcela | Taxa de juros (%)
SEED_003_TABLE = [
    (1, "41.53", "379.85"),
    (2, "41.53", "191.46"),
    (3, "41.53", "128.67"),
    (4, "41.53", "97.28"),
    (5, "41.53", "78.45"),
    (6, "41.53", "65.90"),
]


def price_by_fractions(financed: Decimal, rate: Decimal, count: int) -> Fraction:
    """Independent exact arithmetic: P·i / (1 − (1 + i)^−n) with rationals."""
    p, i = Fraction(financed), Fraction(rate)
    return p * i / (1 - (1 + i) ** -count)


def test_f_deso_debt_summary_is_415_29() -> None:
    debt = DebtToNegotiate(bills=D("376.03"), interest=D("39.26"))
    assert negotiated_total(debt, DESO).total == F_DESO_TOTAL


def test_seed_003_simulator_table_every_row() -> None:
    simulation = simulate(F_DESO_TOTAL, DESO)
    assert simulation.down_payment == D("41.53")  # 10 % of 415,29 = 41,529, half-up
    assert simulation.financed == D("373.76")
    assert [(o.count, str(o.down_payment), str(o.installment)) for o in simulation.options] == SEED_003_TABLE
    assert {o.monthly_rate for o in simulation.options} == {D("0.0163")}


@pytest.mark.parametrize(("count", "_entry", "value"), SEED_003_TABLE)
def test_seed_003_row_matches_exact_rational_price(count: int, _entry: str, value: str) -> None:
    exact = price_by_fractions(D("373.76"), D("0.0163"), count)
    assert round(exact * 100) / Fraction(100) == Fraction(D(value))  # nearest cent of the exact value


def test_row_6_sits_just_above_the_half_cent() -> None:
    exact = price_by_fractions(D("373.76"), D("0.0163"), 6)
    assert Fraction(D("65.895")) < exact < Fraction(D("65.89505"))
    assert installment_value(D("373.76"), D("0.0163"), 6, Rounding.TRUNCATE) == D("65.89")  # why half-up


def test_entry_of_100_finances_315_29() -> None:
    simulation = simulate(F_DESO_TOTAL, DESO, down_payment=D("100.00"))
    assert simulation.financed == D("315.29")
    expected = [
        round(price_by_fractions(D("315.29"), D("0.0163"), n) * 100) / Fraction(100) for n in range(1, 7)
    ]
    assert [Fraction(o.installment) for o in simulation.options] == expected


def test_total_paid_n1_and_n6() -> None:
    # virtual_agency.md §3: n=1 421,38 (+6,09 interest) up to n=6 436,93 (+21,64).
    options = simulate(F_DESO_TOTAL, DESO).options
    assert (options[0].total_paid, options[5].total_paid) == (D("421.38"), D("436.93"))


def test_zero_rate_divides_evenly() -> None:
    policy = InstallmentPolicy(monthly_rate=D("0"), max_installments=3)
    assert [o.installment for o in simulate(D("100.00"), policy).options] == [
        D("100.00"),
        D("50.00"),
        D("33.33"),
    ]


def test_minimum_installment_reduces_the_counts_offered() -> None:
    policy = InstallmentPolicy(monthly_rate=D("0.0163"), max_installments=6, min_installment=D("90.00"))
    assert [o.count for o in simulate(F_DESO_TOTAL, policy, down_payment=D("41.53")).options] == [1, 2, 3, 4]


def test_discounts_on_fines_and_interest() -> None:
    policy = InstallmentPolicy(
        monthly_rate=D("0.0163"),
        max_installments=6,
        fine_discount_rate=D("0.5"),
        interest_discount_rate=D("0.25"),
    )
    debt = DebtToNegotiate(bills=D("376.03"), fines=D("7.53"), interest=D("31.73"), credits=D("10.00"))
    result = negotiated_total(debt, policy)
    # 50 % of 7,53 = 3,765 → 3,77; 25 % of 31,73 = 7,9325 → 7,93 (half-up)
    assert (result.updated, result.discount, result.total) == (D("405.29"), D("11.70"), D("393.59"))


@pytest.mark.parametrize(
    ("down_payment", "policy", "message"),
    [
        (
            D("415.29"),
            DESO,
            "O valor de entrada deve ser menor que o débito total (R$ 415,29); "
            "para quitar tudo, use o pagamento à vista.",
        ),
        (
            D("500.00"),
            DESO,
            "O valor de entrada deve ser menor que o débito total (R$ 415,29); "
            "para quitar tudo, use o pagamento à vista.",
        ),
        (D("41.52"), DESO, "O valor de entrada mínimo é R$ 41,53 (10% do débito)."),
        (D("-1.00"), DESO, "O valor de entrada não pode ser negativo."),
        (
            D("0"),
            InstallmentPolicy(monthly_rate=D("0.0163"), max_installments=6, down_payment_required=True),
            "A entrada é obrigatória neste parcelamento.",
        ),
        (
            D("0"),
            InstallmentPolicy(monthly_rate=D("0.0163"), max_installments=6, min_installment=D("500.00")),
            "O saldo a parcelar (R$ 415,29) não alcança a parcela mínima de R$ 500,00.",
        ),
    ],
)
def test_simulation_refuses_bad_entries(
    down_payment: Decimal, policy: InstallmentPolicy, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        simulate(F_DESO_TOTAL, policy, down_payment=down_payment)
    assert (refused.value.field, refused.value.message) == ("down_payment", message)


def test_debt_below_the_minimum_is_refused() -> None:
    policy = InstallmentPolicy(monthly_rate=D("0.0163"), max_installments=6, min_debt=D("500.00"))
    with pytest.raises(ValidationFailed) as refused:
        simulate(F_DESO_TOTAL, policy)
    assert refused.value.message == "O débito mínimo para parcelamento é R$ 500,00; o débito é R$ 415,29."


def test_deso_n6_schedule_absorbs_two_cents_in_the_last_installment() -> None:
    # Balances 373,76 → 313,95 → 253,17 → 191,40 → 128,62 → 64,82; the 6th 65,90 would overpay 0,02.
    result = schedule(F_DESO_TOTAL, D("41.53"), 6, DESO)
    assert [line.amount for line in result.lines] == [D("65.90")] * 5 + [D("65.88")]
    assert [line.interest for line in result.lines] == [
        D("6.09"),
        D("5.12"),
        D("4.13"),
        D("3.12"),
        D("2.10"),
        D("1.06"),
    ]
    assert result.lines[-1].balance == D("0.00")
    assert result.total == result.financed + result.total_interest == D("395.38")


def test_deso_n6_schedule_with_the_leftover_first() -> None:
    policy = InstallmentPolicy(
        monthly_rate=D("0.0163"),
        max_installments=6,
        min_down_payment_rate=D("0.10"),
        leftover=LeftoverPlacement.FIRST,
    )
    result = schedule(F_DESO_TOTAL, D("41.53"), 6, policy)
    assert [line.amount for line in result.lines] == [D("65.88")] + [D("65.90")] * 5
    assert result.lines[-1].balance == D("0.00")


@pytest.mark.parametrize(
    ("count", "last"), [(1, "379.85"), (2, "191.46"), (3, "128.66"), (4, "97.28"), (5, "78.43")]
)
def test_deso_schedule_last_installment(count: int, last: str) -> None:
    # virtual_agency.md §3: cent-rounded interest leaves −0,01 (n=3) and −0,02 (n=5, n=6).
    assert schedule(F_DESO_TOTAL, D("41.53"), count, DESO).lines[-1].amount == D(last)


def test_schedule_due_dates_are_monthly_or_absent() -> None:
    dated = schedule(F_DESO_TOTAL, D("41.53"), 3, DESO, first_due_date=dt.date(2019, 1, 31))
    assert [line.due_date for line in dated.lines] == [
        dt.date(2019, 1, 31),
        dt.date(2019, 2, 28),
        dt.date(2019, 3, 31),
    ]
    assert {line.due_date for line in schedule(F_DESO_TOTAL, D("41.53"), 3, DESO).lines} == {None}


@pytest.mark.parametrize(
    ("count", "policy", "message"),
    [
        (7, DESO, "O número máximo de parcelas é 6."),
        (0, DESO, "O número de parcelas deve ser pelo menos 1."),
        (
            6,
            InstallmentPolicy(monthly_rate=D("0.0163"), max_installments=6, min_installment=D("70.00")),
            "A parcela mínima é R$ 70,00; com 6 parcelas, a parcela seria R$ 65,90.",
        ),
    ],
)
def test_schedule_refuses_bad_counts(count: int, policy: InstallmentPolicy, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule(F_DESO_TOTAL, D("41.53"), count, policy)
    assert (refused.value.field, refused.value.message) == ("count", message)


@given(
    financed_cents=st.integers(min_value=100, max_value=50_000_000),
    count=st.integers(min_value=1, max_value=120),
    rate=st.decimals(min_value=0, max_value=D("0.03"), places=4),
    rounding=st.sampled_from(Rounding),
    leftover=st.sampled_from(LeftoverPlacement),
)
def test_schedule_always_adds_up_exactly(
    financed_cents: int, count: int, rate: Decimal, rounding: Rounding, leftover: LeftoverPlacement
) -> None:
    financed = max(D(financed_cents).scaleb(-2), D(10 * count))  # at least R$ 10,00 an installment
    policy = InstallmentPolicy(
        monthly_rate=rate, max_installments=count, rounding=rounding, leftover=leftover
    )
    result = schedule(financed, D("0.00"), count, policy)
    assert result.total == result.financed + result.total_interest
    assert sum(line.amortization for line in result.lines) == financed
    assert result.lines[-1].balance == D("0.00")
    assert all(line.amount > 0 for line in result.lines)
    adjusted = 0 if leftover is LeftoverPlacement.FIRST else count - 1
    assert all(line.amount == result.installment for i, line in enumerate(result.lines) if i != adjusted)
    assert all(line.amount.as_tuple().exponent == -2 for line in result.lines)


def test_rounding_that_outgrows_an_installment_is_refused() -> None:
    # 110 installments of R$ 3,23 at 2,79 % a month: each half-cent, compounded, adds up to R$ 3,40.
    policy = InstallmentPolicy(
        monthly_rate=D("0.0279"), max_installments=110, leftover=LeftoverPlacement.FIRST
    )
    with pytest.raises(ValidationFailed) as refused:
        schedule(D("110.00"), D("0.00"), 110, policy)
    assert refused.value.message == (
        "Com 110 parcelas de R$ 3,23 o arredondamento acumulado supera uma parcela; "
        "reduza o número de parcelas."
    )


def test_unbilled_installments_are_worth_their_amortization_in_a_replan() -> None:
    from modules.debt.domain.installments import unbilled_present_value

    plan = schedule(D("415.29"), D("41.53"), 6, DESO)

    assert unbilled_present_value(plan.lines[2:]) == plan.lines[1].balance == D("253.17")
    assert unbilled_present_value(plan.lines) == plan.financed == D("373.76")
    assert unbilled_present_value([]) == D("0.00")


# --- re-plans and early payoff (seed 001 3.2.9.1.10–13, 3.2.9.3.1, 3.2.9.4) --------------------------

REPLAN = ReplanPolicy(
    max_replans=2,
    max_installments=12,
    max_installments_infraction=6,
    min_down_payment_rate_infraction=Decimal("0.30"),
)


def _replan(**overrides):
    args = {
        "replans_so_far": 0,
        "infraction": False,
        "total": Decimal("384.97"),
        "down_payment": Decimal("0.00"),
        "count": 12,
        "rounding": Rounding.HALF_UP,
    } | overrides
    check_replan(REPLAN, **args)


def test_replan_limits_with_and_without_infraction():
    _replan()  # 12 installments, no entry, no infraction: allowed
    with pytest.raises(ValidationFailed, match="máximo de reparcelamentos por cliente") as too_many:
        _replan(replans_so_far=2)
    assert too_many.value.field == "property"
    with pytest.raises(ValidationFailed, match="sem infração") as over:
        _replan(count=13)
    assert over.value.field == "count"
    with pytest.raises(ValidationFailed, match="com infração") as infraction_count:
        _replan(infraction=True, count=7, down_payment=Decimal("115.49"))
    assert infraction_count.value.field == "count"
    # 30 % of 384,97 = 115,491 → 115,49: one cent less is refused, only for a customer with an infraction
    _replan(infraction=True, count=6, down_payment=Decimal("115.49"))
    with pytest.raises(ValidationFailed, match=r"entrada mínima é R\$ 115,49 \(30% do débito") as entry:
        _replan(infraction=True, count=6, down_payment=Decimal("115.48"))
    assert entry.value.field == "down_payment"
    _replan(infraction=False, count=6, down_payment=Decimal("0.00"))


def test_present_value_of_deso_plan_after_two_installments_is_the_price_balance():
    """Seed 003's plan (415,29, entry 41,53, 6 × 65,90 at 1,63 %): with installments 1 and 2 billed,
    the 4 to come (face 263,58) are worth 253,17 today — their face minus the interest not yet earned
    (4,13 + 3,12 + 2,10 + 1,06 = 10,41), the balance after the 2nd installment. A re-plan folds this
    value (3.2.9.3.1) and an early payoff charges it (3.2.9.4)."""
    plan = schedule(Decimal("415.29"), Decimal("41.53"), 6, DESO)
    rest = plan.lines[2:]
    assert [line.interest for line in rest] == [Decimal(v) for v in ("4.13", "3.12", "2.10", "1.06")]
    assert sum(line.amount for line in rest) == Decimal("263.58")
    assert early_payoff(rest) == Decimal("253.17") == plan.lines[1].balance
    assert early_payoff(plan.lines) == plan.financed == Decimal("373.76")
    assert early_payoff(()) == Decimal("0.00")
