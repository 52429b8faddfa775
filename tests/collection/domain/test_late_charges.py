"""Late charges: Tabela 13.1 to the cent, its derived vectors, rate series, pro rata die and what-if."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.collection.domain.late_charges import (
    InterestMethod,
    LateChargePolicy,
    RateSeries,
    YearMonth,
    charged_months,
    late_charges,
    late_charges_with_rates,
    what_if,
)
from modules.common.domain.money import Rounding
from modules.common.errors import ValidationFailed

D = Decimal
SOROCABA = LateChargePolicy()  # 2 % fine, monthly series compounding on original + fine, truncation
PAID_IN_JUNE_2013 = dt.date(
    2013, 6, 10
)  # the table implies a June 2013 payment (no interest on the 01/06 bill)


# Tabela 13.1 (TR §13.9), verbatim:
# | Vencimento | Valor Original | Multa  | J. Selic 1º mês | J. Selic 2º mês | Valor Corrigido |
# | 01/06/2013 | 52,00          | 1,04   | 0,0             | 0,0             | 53,04           |
# | 01/05/2013 | 69,69          | 1,3938 | 0,710838        | 0,0             | 71,79           |
# | 01/04/2013 | 20,59          | 0,4118 | 0,210018        | 0,127271        | 21,33           |


def test_tabela_13_1_row_1_due_01_06_2013() -> None:
    result = late_charges_with_rates(D("52.00"), dt.date(2013, 6, 1), PAID_IN_JUNE_2013, SOROCABA, [])
    assert result.exact_fine == D("1.0400")
    assert result.interest_months == ()
    assert (result.fine, result.interest, result.total) == (D("1.04"), D("0.00"), D("53.04"))


def test_tabela_13_1_row_2_due_01_05_2013() -> None:
    result = late_charges_with_rates(
        D("69.69"), dt.date(2013, 5, 1), PAID_IN_JUNE_2013, SOROCABA, [D("0.01")]
    )
    assert result.exact_fine == D("1.3938")
    assert [month.amount for month in result.interest_months] == [D("0.710838")]
    assert result.exact_total == D("71.794638")
    assert (result.fine, result.interest, result.total) == (D("1.39"), D("0.71"), D("71.79"))


def test_tabela_13_1_row_3_due_01_04_2013() -> None:
    result = late_charges_with_rates(
        D("20.59"), dt.date(2013, 4, 1), PAID_IN_JUNE_2013, SOROCABA, [D("0.01"), D("0.006")]
    )
    assert result.exact_fine == D("0.4118")
    first, second = result.interest_months
    assert first.amount == D("0.210018")
    assert first.base == D("21.0018")  # original + fine
    assert second.base == D("21.211818")  # compounding: + month-1 interest
    assert second.amount == D("0.127270908")
    assert second.amount.quantize(D("0.000001")) == D("0.127271")  # as printed
    assert result.exact_total == D("21.339088908")
    assert (result.fine, result.interest, result.total) == (D("0.41"), D("0.33"), D("21.33"))


def test_tabela_13_1_row_3_is_not_reproduced_by_half_up() -> None:
    half_up = LateChargePolicy(rounding=Rounding.HALF_UP)
    result = late_charges_with_rates(
        D("20.59"), dt.date(2013, 4, 1), PAID_IN_JUNE_2013, half_up, [D("0.01"), D("0.006")]
    )
    assert result.total == D("21.34")  # the document says 21,33: Sorocaba truncates


def test_interest_on_the_original_alone_would_not_give_the_table() -> None:
    no_fine_in_base = LateChargePolicy(interest_on_fine=False)
    result = late_charges_with_rates(
        D("69.69"), dt.date(2013, 5, 1), PAID_IN_JUNE_2013, no_fine_in_base, [D("0.01")]
    )
    assert result.interest_months[0].amount == D("0.696900")  # ≠ 0,710838


@pytest.mark.parametrize(
    ("amount", "rates", "total"),
    [
        # seed002_part2.md §3, derived boundary vectors (same rules).
        ("100.00", [], "102.00"),
        ("100.00", ["0.01"], "103.02"),
        ("100.00", ["0.01", "0.006"], "103.63"),
        ("75.07", ["0.01"], "77.33"),
        ("0.01", ["0.01"], "0.01"),
    ],
)
def test_derived_vectors(amount: str, rates: list[str], total: str) -> None:
    due = {0: dt.date(2013, 6, 1), 1: dt.date(2013, 5, 1), 2: dt.date(2013, 4, 1)}[len(rates)]
    result = late_charges_with_rates(D(amount), due, PAID_IN_JUNE_2013, SOROCABA, [D(rate) for rate in rates])
    assert result.total == D(total)


def test_series_with_the_registered_selic_and_the_provisional_1_percent_gives_the_table_total() -> None:
    # Selic of May 2013 registered (0,60 %); June not yet: the provisional 1 % applies.
    selic = RateSeries(registered={YearMonth(2013, 5): D("0.006")}, provisional=D("0.01"))
    result = late_charges(D("20.59"), dt.date(2013, 4, 1), PAID_IN_JUNE_2013, SOROCABA, interest_series=selic)
    assert [(str(m.month), m.rate, m.provisional) for m in result.interest_months] == [
        ("2013-05", D("0.006"), False),
        ("2013-06", D("0.01"), True),
    ]
    assert result.exact_total == D("21.339088908")  # compounding commutes: same as the table
    assert result.total == D("21.33")


def test_registering_the_month_replaces_the_provisional_rate() -> None:
    before = RateSeries(registered={YearMonth(2013, 5): D("0.006")})
    after = RateSeries(registered={YearMonth(2013, 5): D("0.006"), YearMonth(2013, 6): D("0.0061")})
    due = dt.date(2013, 4, 1)
    paid = dt.date(2013, 6, 10)
    assert late_charges(D("1000.00"), due, paid, SOROCABA, interest_series=before).interest == D("16.38")
    recalculated = late_charges(D("1000.00"), due, paid, SOROCABA, interest_series=after)
    # 1020 × 1,006 × 1,01 − 1020 = 16,3812 before; 1020 × 1,006 × 1,0061 − 1020 = 12,379332 after
    assert recalculated.exact_interest == D("1020") * D("1.006") * D("1.0061") - D("1020")
    assert recalculated.interest == D("12.37")


def test_without_a_series_every_month_takes_the_policy_rate() -> None:
    result = late_charges(D("20.59"), dt.date(2013, 4, 1), PAID_IN_JUNE_2013, SOROCABA)
    assert [m.rate for m in result.interest_months] == [D("0.01"), D("0.01")]
    assert all(m.provisional for m in result.interest_months)


def test_selic_milestone_november_2009_only_the_fine_before() -> None:
    # S13.9-04: a bill due 01/08/2009 recalculated gets no Selic/1 % for months before 11/2009.
    policy = LateChargePolicy(accrues_from=dt.date(2009, 11, 1))
    before = late_charges(D("100.00"), dt.date(2009, 8, 1), dt.date(2009, 10, 15), policy)
    assert (before.fine, before.interest, before.total) == (D("2.00"), D("0.00"), D("102.00"))
    later = late_charges(D("100.00"), dt.date(2009, 8, 1), dt.date(2010, 1, 15), policy)
    assert [str(m.month) for m in later.interest_months] == ["2009-11", "2009-12", "2010-01"]


def test_charged_months_follow_lei_9430_art_61() -> None:
    assert charged_months(dt.date(2013, 6, 1), dt.date(2013, 6, 30)) == []
    assert charged_months(dt.date(2013, 5, 31), dt.date(2013, 6, 1)) == [YearMonth(2013, 6)]
    assert charged_months(dt.date(2013, 11, 5), dt.date(2014, 2, 1)) == [
        YearMonth(2013, 12),
        YearMonth(2014, 1),
        YearMonth(2014, 2),
    ]


def test_paid_on_or_before_the_due_date_has_no_charges() -> None:
    for paid in (dt.date(2013, 6, 1), dt.date(2013, 5, 20)):
        result = late_charges(D("52.00"), dt.date(2013, 6, 1), paid, SOROCABA)
        assert (result.days_late, result.charges, result.total) == (0, D("0"), D("52.00"))


def test_fine_is_due_from_the_first_day_late() -> None:
    result = late_charges(D("52.00"), dt.date(2013, 6, 1), dt.date(2013, 6, 2), SOROCABA)
    assert (result.days_late, result.fine, result.interest, result.total) == (
        1,
        D("1.04"),
        D("0.00"),
        D("53.04"),
    )


def test_pro_rata_die_ten_days_late() -> None:
    # Querência 3.2.8.8: 10 days late; 2 % fine, 1 % a.m. pro rata die on original + fine:
    # 102,00 × 1 % × 10 ÷ 30 = 0,34.
    policy = LateChargePolicy(interest_method=InterestMethod.PRO_RATA_DIE)
    result = late_charges(D("100.00"), dt.date(2024, 1, 10), dt.date(2024, 1, 20), policy)
    assert (result.fine, result.interest, result.total) == (D("2.00"), D("0.34"), D("102.34"))


def test_daily_rate_with_an_index_correction() -> None:
    # 100,00 due 10/01/2024, paid 15/03/2024 (65 days). IPCA Feb registered 0,83 %, March provisional 0,50 %.
    # correction = 100 × (1,0083 × 1,005 − 1) = 1,33415; principal 101,33415; fine 2 % = 2,026683;
    # interest 0,033 %/day × 65 × (101,33415 + 2,026683) = 2,21709…
    ipca = RateSeries(registered={YearMonth(2024, 2): D("0.0083")}, provisional=D("0.005"))
    policy = LateChargePolicy(interest_method=InterestMethod.DAILY, interest_rate=D("0.00033"))
    result = late_charges(
        D("100.00"), dt.date(2024, 1, 10), dt.date(2024, 3, 15), policy, correction_series=ipca
    )
    assert result.days_late == 65
    assert result.exact_correction == D("1.33415")
    assert result.exact_fine == D("2.026683")
    assert result.exact_interest == D("103.360833") * D("0.00033") * 65
    assert (result.correction, result.fine, result.interest) == (D("1.33"), D("2.02"), D("2.21"))
    assert result.total == D("105.56")


def test_a_falling_index_never_lowers_the_debt() -> None:
    deflation = RateSeries(registered={YearMonth(2024, 2): D("-0.004")}, provisional=D("-0.001"))
    policy = LateChargePolicy(interest_method=InterestMethod.NONE)
    result = late_charges(
        D("100.00"), dt.date(2024, 1, 10), dt.date(2024, 3, 15), policy, correction_series=deflation
    )
    assert (result.correction, result.fine, result.total) == (D("0.00"), D("2.00"), D("102.00"))


def test_what_if_api_shape_tabela_13_1_row_3() -> None:
    answer = what_if(
        {
            "amount": "20.59",
            "due_date": "2013-04-01",
            "paid_on": "2013-06-10",
            "monthly_rates": ["0.01", "0.006"],
        }
    )
    assert answer == {
        "amount": "20.59",
        "days_late": 70,
        "fine": "0.41",
        "interest": "0.33",
        "correction": "0.00",
        "total": "21.33",
        "months": [
            {"month": "2013-05", "rate": "0.01", "interest": "0.210018"},
            {"month": "2013-06", "rate": "0.006", "interest": "0.127270908"},
        ],
    }


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"amount": 20.59, "due_date": "2013-04-01", "paid_on": "2013-06-10"},
            "amount",
            'Informe o valor como texto com até duas casas decimais, maior que zero (ex.: "20.59").',
        ),
        (
            {"amount": "20,59", "due_date": "2013-04-01", "paid_on": "2013-06-10"},
            "amount",
            'Informe o valor como texto com até duas casas decimais, maior que zero (ex.: "20.59").',
        ),
        (
            {"amount": "20.59", "due_date": "01/04/2013", "paid_on": "2013-06-10"},
            "due_date",
            "Informe a data de vencimento no formato AAAA-MM-DD.",
        ),
        (
            {"amount": "20.59", "due_date": "2013-04-01"},
            "paid_on",
            "Informe a data de pagamento no formato AAAA-MM-DD.",
        ),
        (
            {"amount": "20.59", "due_date": "2013-04-01", "paid_on": "2013-06-10", "monthly_rates": ["0.01"]},
            "monthly_rates",
            "São necessárias 2 taxas mensais (05/2013 a 06/2013); foram informadas 1.",
        ),
        (
            {"amount": "52.00", "due_date": "2013-06-01", "paid_on": "2013-06-10", "monthly_rates": ["0.01"]},
            "monthly_rates",
            "Pagamento sem meses de atraso a cobrar: não informe taxas mensais (foram informadas 1).",
        ),
        (
            {"amount": "69.69", "due_date": "2013-05-01", "paid_on": "2013-06-10", "monthly_rates": []},
            "monthly_rates",
            "São necessárias 1 taxa mensal (06/2013); foram informadas 0.",
        ),
        (
            {
                "amount": "20.59",
                "due_date": "2013-04-01",
                "paid_on": "2013-06-10",
                "monthly_rates": ["0.01", "1.5"],
            },
            "monthly_rates",
            'Taxa mensal 2 inválida: informe um decimal em texto entre 0 e 1 (ex.: "0.006").',
        ),
        (
            {"amount": "20.59", "due_date": "2013-04-01", "paid_on": "2013-06-10", "monthly_rates": "0.01"},
            "monthly_rates",
            'Informe as taxas mensais como uma lista de textos (ex.: ["0.01"]).',
        ),
    ],
)
def test_what_if_refuses_bad_input_in_pt_br(payload: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        what_if(payload)
    assert (refused.value.field, refused.value.message) == (field, message)


@given(
    cents=st.integers(min_value=1, max_value=10_000_000),
    days=st.integers(min_value=1, max_value=2000),
)
def test_rounded_lines_add_up_and_truncation_never_charges_more_than_exact(cents: int, days: int) -> None:
    amount = D(cents).scaleb(-2)
    due = dt.date(2020, 1, 15)
    paid = due + dt.timedelta(days=days)
    selic = RateSeries(provisional=D("0.0087"))
    truncated = late_charges(amount, due, paid, SOROCABA, interest_series=selic)
    half_up = late_charges(
        amount, due, paid, LateChargePolicy(rounding=Rounding.HALF_UP), interest_series=selic
    )
    assert truncated.total == amount + truncated.fine + truncated.interest + truncated.correction
    assert D("0") <= truncated.exact_total - truncated.total < D("0.03")
    assert truncated.total <= half_up.total
    assert truncated.exact_total == half_up.exact_total
